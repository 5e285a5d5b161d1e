"""axe-core (tests/vendor/axe.min.js, from the npm registry; scripts/vendor-js copies it
there, it is not served to users) finds no serious or critical violation on the main pages,
each seen by the role that uses it: an account manager's home, account list, account tabs
(Relationships and the 360° among them), plan editor, a page showing a message, dashboard and
inbox; an executive's dashboard and inbox; the ops home, analysis and import pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AccountPlan
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.portfolio.account360.conftest import build_analysed_account
from tests.portfolio.fixtures import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")

# axe's own report, shortened to what a failure needs: the rule, and where it failed
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


def violations(page: Page) -> list[str]:
    """The serious and critical violations axe-core finds on the page as it stands."""
    # evaluated by the browser's debugger, not a <script>: the page's CSP stays as it is
    page.evaluate(AXE + ";0")
    found = page.evaluate(RUN_AXE)
    return [
        f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page: Page, paths: list[str]) -> list[str]:
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        charts = page.locator(".chart[data-figure]")
        for index in range(charts.count()):  # plotly's toolbar and SVG are part of the page
            expect(charts.nth(index).locator("svg.main-svg").first).to_be_attached(timeout=20_000)
        problems.extend(violations(page))
    return problems


@pytest.fixture
def world() -> dict[str, Any]:
    alice = UserFactory(username="alice", roles=["account_manager"])
    mallory = UserFactory(username="mallory", roles=["account_manager"])
    tom = UserFactory(username="tom", roles=["account_manager"])
    UserFactory(username="erin", roles=["executive"])
    UserFactory(username="olga", roles=["ops"])
    return build_analysed_account(owner=alice, other_owner=mallory, team_member=tom)


def test_account_managers_pages_have_no_serious_violation(
    page: Page, world: dict[str, Any]
) -> None:
    alpha = world["strategic"]
    plan: AccountPlan = world["plan"]
    login(page, "alice")
    page.goto(f"/accounts/{alpha.pk}/")
    tabs = page.locator("nav.tabs a").evaluate_all("(nodes) => nodes.map((a) => a.pathname)")
    assert f"/accounts/{alpha.pk}/relationships/" in tabs
    assert f"/accounts/{alpha.pk}/360/" in tabs

    problems = check(
        page,
        [
            "/",
            "/accounts/",
            *dict.fromkeys(tabs),
            f"/accounts/{alpha.pk}/360/?as_of={AS_OF.isoformat()}",
            f"/accounts/plans/{plan.pk}/edit/",
            "/dashboard/",
            "/inbox/",
        ],
    )

    # a page that shows a message: the plan saved from its editor
    page.goto(f"/accounts/plans/{plan.pk}/edit/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Plan saved.")
    problems.extend(violations(page))

    assert problems == []


def test_executives_pages_have_no_serious_violation(page: Page, world: dict[str, Any]) -> None:
    login(page, "erin")

    assert check(page, ["/", "/dashboard/", "/dashboard/churn-risk/", "/inbox/"]) == []


def test_ops_pages_have_no_serious_violation(page: Page, world: dict[str, Any]) -> None:
    login(page, "olga")

    assert check(page, ["/", "/ops/analysis/", "/imports/"]) == []
