"""Every main page works under the Content-Security-Policy: an account manager, an executive,
ops and an administrator walk through them in Chromium (network cut off), use the charts,
the org chart tools and the print button, and Chromium reports no violation and no script
error on any of them."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_celery_beat.models import CrontabSchedule
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from accounts.models import AccountPlan
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.portfolio.account360.conftest import build_analysed_account
from tests.portfolio.fixtures import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

# Every violation Chromium sees is sent to the test (the event fires for blocked inline
# scripts and styles, eval, and loads from other origins), whatever page it happens on.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: document.location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


class Watch:
    """What went wrong in the browser: CSP violations (event and console), script errors."""

    def __init__(self) -> None:
        self.violations: list[dict[str, Any]] = []
        self.console: list[str] = []
        self.errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP" in text:
            self.console.append(f"{message.page.url if message.page else ''}: {text}")

    def problems(self) -> str:
        """One line per distinct problem; empty when there was none."""
        lines = (
            [f"violation {v}" for v in self.violations]
            + [f"console {c}" for c in self.console]
            + [f"pageerror {e}" for e in self.errors]
        )
        return "\n".join(dict.fromkeys(lines))


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, Watch]]:
    watch = Watch()
    page.expose_binding("__cspViolation", lambda _source, data: watch.violations.append(data))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.errors.append(f"{page.url}: {error}"))
    yield page, watch
    # shown with a failure of any step, so the violations seen until then are not lost
    print(watch.problems())  # noqa: T201


@pytest.fixture
def world() -> dict[str, Any]:
    alice = UserFactory(username="alice", roles=["account_manager"])
    mallory = UserFactory(username="mallory", roles=["account_manager"])
    tom = UserFactory(username="tom", roles=["account_manager"])
    UserFactory(username="erin", roles=["executive"])
    UserFactory(username="olga", roles=["ops"])
    get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    built = build_analysed_account(owner=alice, other_owner=mallory, team_member=tom)
    return {**built, "alice": alice}


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    header = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in header, f"{path} has no CSP header"
    page.wait_for_load_state("load")


def links(page: Page, selector: str) -> list[str]:
    hrefs = page.locator(selector).evaluate_all("(nodes) => nodes.map((a) => a.pathname)")
    return list(dict.fromkeys(hrefs))


def walk_navigation(page: Page) -> list[str]:
    """Visit every page of the main navigation; returns the paths visited."""
    page.goto("/")
    paths = [p for p in links(page, "nav[aria-label=Main] a") if not p.startswith("/admin/")]
    for path in paths:
        visit(page, path)
    return paths


def wait_for_charts(page: Page) -> None:
    charts = page.locator(".chart[data-figure]")
    for index in range(charts.count()):
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_attached(timeout=20_000)


def hover_a_point(chart: Locator) -> None:
    """Hover a bar or a marker: plotly draws its hover label."""
    chart.locator(".trace .point, .trace.bars path").first.hover(force=True)
    expect(chart.locator(".hoverlayer .hovertext").first).to_be_attached()


def test_account_manager_pages_have_no_csp_violation(
    watched: tuple[Page, Watch], world: dict[str, Any], tmp_path: Path
) -> None:
    page, watch = watched
    alpha = world["strategic"]
    plan: AccountPlan = world["plan"]
    login(page, "alice")

    # the home page and every page of the main navigation
    visited = walk_navigation(page)
    assert "/dashboard/" in visited
    assert "/api/docs/" in visited

    # the account, then each of its tabs
    visit(page, "/accounts/")
    visit(page, f"/accounts/{alpha.pk}/")
    tabs = links(page, "nav.tabs a")
    assert len(tabs) >= 8, tabs
    for tab in tabs:
        visit(page, tab)
    for path in (
        f"/accounts/{alpha.pk}/edit/",
        f"/accounts/{alpha.pk}/team/",
        f"/accounts/{alpha.pk}/plans/new/",
        f"/accounts/plans/{plan.pk}/",
        f"/accounts/plans/{plan.pk}/edit/",
        f"/accounts/plans/{plan.pk}/history/",
        "/accounts/plans/overdue/",
        f"/accounts/{alpha.pk}/relationships/contacts/new/",
        f"/accounts/{alpha.pk}/relationships/contacts/{world['buyer'].pk}/edit/",
        "/api/v1/accounts/",
    ):
        visit(page, path)

    # the org chart tools: find a person, close and open every subtree
    visit(page, f"/accounts/{alpha.pk}/relationships/")
    page.get_by_label("Find a person on the map").fill("bea")
    expect(page.locator(".person.match")).to_have_count(1)
    page.get_by_role("button", name="Collapse all").click()
    page.get_by_role("button", name="Expand all").click()

    # the 360 page: every chart draws, hover shows a label, the print button prints
    visit(page, f"/accounts/{alpha.pk}/360/?as_of={AS_OF.isoformat()}")
    wait_for_charts(page)
    hover_a_point(page.locator("#revenue-chart"))
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True

    # the value tab's charts, and a chart saved as PNG from the plotly toolbar
    visit(page, f"/accounts/{alpha.pk}/value/")
    wait_for_charts(page)
    first_chart = page.locator(".chart.js-plotly-plot").first
    first_chart.hover()
    with page.expect_download() as download:
        first_chart.locator('[data-title="Download plot as a PNG"]').click()
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # the API docs draw the operations from the schema
    visit(page, "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)

    assert watch.problems() == ""


def test_executive_pages_have_no_csp_violation(
    watched: tuple[Page, Watch], world: dict[str, Any]
) -> None:
    page, watch = watched
    alpha = world["strategic"]
    login(page, "erin")

    walk_navigation(page)
    visit(page, "/dashboard/")
    wait_for_charts(page)
    # a table view under a chart, a hover, a legend click
    page.locator("#pareto summary").click()
    hover_a_point(page.locator("#matrix"))
    for path in (
        "/dashboard/churn-risk/",
        "/dashboard/pareto/table/",
        "/accounts/committee/",
        "/accounts/committee/meetings/",
        "/accounts/committee/meetings/new/",
        "/accounts/criteria/",
        "/accounts/managers/pay-mix/",
        f"/accounts/managers/{world['alice'].pk}/competency/",
        f"/accounts/{alpha.pk}/",
        f"/accounts/{alpha.pk}/selection/",
        f"/accounts/{alpha.pk}/360/",
    ):
        visit(page, path)
    wait_for_charts(page)

    assert watch.problems() == ""


def test_ops_pages_have_no_csp_violation(
    watched: tuple[Page, Watch], world: dict[str, Any], tmp_path: Path
) -> None:
    page, watch = watched
    login(page, "olga")

    walk_navigation(page)
    visit(page, "/ops/analysis/")
    visit(page, "/money/activity-types/")
    for resource in ("revenue", "forecasts", "activities", "value-entries"):
        page.goto(f"/money/{resource}/")
    # an import from the Data imports page, then its result page
    visit(page, "/imports/")
    upload = tmp_path / "revenue.csv"
    upload.write_text("account,location,period_start,revenue,cost_of_goods\n", encoding="utf-8")
    page.get_by_label("Kind").select_option("revenue")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-status")).to_be_visible()

    assert watch.problems() == ""


def test_the_plotly_stylesheets_are_what_the_bundle_injects(browser: Browser) -> None:
    # given the rules plotly.min.js puts into <style> elements on a page without a policy
    spec = importlib.util.spec_from_file_location("plotly_css", ROOT / "scripts" / "plotly_css.py")
    assert spec is not None
    assert spec.loader is not None
    plotly_css = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plotly_css)
    page = browser.new_page()
    styles = plotly_css.injected_styles(page=page)
    page.close()

    # then static/vendor/ serves the same rules, and the partial links them with the ids
    # that make plotly skip its own <style> elements
    assert plotly_css.problems(styles=styles) == []


def test_admin_pages_have_no_csp_violation(
    watched: tuple[Page, Watch], world: dict[str, Any], browser: Browser
) -> None:
    page, watch = watched
    alpha = world["strategic"]

    # the admin's own sign-in page, then its index, a list, a change form and an add form
    visit(page, "/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # every list and add form linked from the index, and the change forms of a user and an account
    visit(page, "/admin/")
    admin_pages = links(page, "#content-main a")
    assert len(admin_pages) >= 20, admin_pages
    for path in (
        *admin_pages,
        f"/admin/accounts/account/{alpha.pk}/change/",
        f"/admin/accounts/account/{alpha.pk}/history/",
        f"/admin/accounts/account/{alpha.pk}/delete/",
        f"/admin/auth/user/{world['alice'].pk}/change/",
        f"/admin/auth/user/{world['alice'].pk}/password/",
        f"/admin/auth/user/{world['alice'].pk}/history/",
    ):
        visit(page, path)
    # the account's history lists its changes, the paginator without its top border
    visit(page, f"/admin/accounts/account/{alpha.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()
    expect(page.locator("p.paginator")).to_have_css("border-top-style", "none")
    # the periodic task form says the chosen schedule in words (its script is a static file)
    crontab = CrontabSchedule.objects.create(minute="0", hour="6")
    visit(page, "/admin/django_celery_beat/periodictask/add/")
    expect(page.locator(".field-crontab_translation")).to_be_hidden()
    expect(page.locator(".field-crontab .help")).not_to_contain_text("Translation")
    page.locator("#id_crontab").select_option(str(crontab.pk))
    expect(page.locator(".field-crontab .help")).to_contain_text(
        f"Translation: {crontab.human_readable}"
    )
    # the change list's action bar and the filter's JavaScript
    visit(page, "/admin/accounts/account/")
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of")

    assert watch.problems() == ""
