"""Issue 19's browser tests, in Chromium (network cut off): the account list sorted by a
header click and saved as a view that a reload finds again; at 390 x 844 the main pages are
no wider than the phone; a plan with an objective lacking a target cannot be submitted; a
ledger entry is confirmed from the home page's alert."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountPlan, PlanStatus
from tests.accounts.plans.factories import AccountPlanFactory
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory
from tests.portfolio.account360.conftest import build_analysed_account
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from tests.valuation.factories import ValueEntryFactory
from valuation.models import ValueEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_sort_by_revenue_with_a_header_click_save_the_view_and_find_it_after_a_reload(
    page: Page,
) -> None:
    # given an analysed portfolio: Alpha Foods (121,000), Beta Retail (48,400), and Aardvark,
    # first by name, added after the run (no figures)
    UserFactory(username="erin", roles=["executive"])
    build_small_portfolio(
        owner=UserFactory(username="alice", roles=["account_manager"]),
        other_owner=UserFactory(username="mallory", roles=["account_manager"]),
    )
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    AccountFactory(name="Aardvark Supplies", designation="candidate")
    login(page, "erin")
    page.goto("/accounts/")
    names = page.locator("table tbody tr td:first-child")
    expect(names.first).to_contain_text("Aardvark Supplies")

    # when she clicks the Revenue TTM header
    page.get_by_role("link", name="Revenue TTM").click()

    # then the largest revenue comes first, the account without figures last
    revenue = page.get_by_role("columnheader", name="Revenue TTM")
    expect(revenue).to_have_attribute("aria-sort", "descending")
    expect(names.first).to_contain_text("Alpha Foods")
    expect(names.nth(1)).to_contain_text("Beta Retail")
    expect(names.last).to_contain_text("Aardvark Supplies")

    # when she saves the view, then opens the list again
    page.get_by_label("Save this view as").fill("Biggest first")
    page.get_by_role("button", name="Save view").click()
    page.goto("/accounts/")
    page.reload()

    # then the view is listed, and opening it sorts by revenue again
    saved = page.get_by_role("region", name="Saved views").get_by_role("link", name="Biggest first")
    expect(saved).to_be_visible()
    saved.click()
    expect(revenue).to_have_attribute("aria-sort", "descending")
    expect(names.first).to_contain_text("Alpha Foods")
    expect(saved).to_have_attribute("aria-current", "true")


def test_at_390_px_no_main_page_is_wider_than_the_phone(page: Page) -> None:
    alice = UserFactory(username="alice", roles=["account_manager"])
    alpha = build_analysed_account(
        owner=alice,
        other_owner=UserFactory(username="mallory", roles=["account_manager"]),
        team_member=UserFactory(username="tom", roles=["account_manager"]),
    )["strategic"]
    login(page, "alice")
    page.set_viewport_size(PHONE)
    for name, path in [
        ("home", "/"),
        ("account-list", "/accounts/"),
        ("account-360", f"/accounts/{alpha.pk}/360/?as_of={AS_OF.isoformat()}"),
        ("relationships", f"/accounts/{alpha.pk}/relationships/"),
        ("dashboard", "/dashboard/"),
    ]:
        page.goto(path)
        page.wait_for_load_state("load")
        charts = page.locator(".chart[data-figure]")
        if charts.count():
            expect(charts.first.locator("svg.main-svg").first).to_be_attached(timeout=20_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"phone-{name}-390")
        assert width == PHONE["width"], f"{path} is {width} px wide"


def test_a_plan_with_an_objective_lacking_a_target_cannot_be_submitted(page: Page) -> None:
    # given alice's draft plan with its situation and strategy written, no objective yet
    alice = UserFactory(username="alice", roles=["account_manager"])
    plan = AccountPlanFactory(account=AccountFactory(owner=alice, name="Northwind Foods"))
    login(page, "alice")

    # when she adds an objective without its target and saves
    page.goto(f"/accounts/plans/{plan.pk}/edit/")
    page.get_by_role("button", name="Add objective").click()
    page.get_by_label("Objective 1 metric").fill("Share of wallet (%)")
    page.get_by_role("button", name="Save plan").click()

    # then the editor says what is missing, keeps her input and stores nothing
    expect(page.get_by_text("give the target value")).to_be_visible()
    expect(page.get_by_label("Objective 1 metric")).to_have_value("Share of wallet (%)")
    assert not plan.objectives.exists()

    # and the plan cannot be submitted: it has no measurable objective
    page.goto(f"/accounts/plans/{plan.pk}/")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Add at least one measurable objective")
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT

    # when she gives the target, the plan saves and goes to the steering committee
    page.goto(f"/accounts/plans/{plan.pk}/edit/")
    page.get_by_role("button", name="Add objective").click()
    page.get_by_label("Objective 1 metric").fill("Share of wallet (%)")
    page.get_by_label("Objective 1 target").fill("45")
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(".messages")).to_contain_text("Plan saved.")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Plan submitted")
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_a_ledger_entry_is_confirmed_from_the_alert(page: Page) -> None:
    # given alice's account with value delivered 120 days ago, not confirmed by the customer
    alice = UserFactory(username="alice", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    entry = ValueEntryFactory(
        account=account,
        category="freight savings",
        date=timezone.localdate() - timedelta(days=120),
    )

    # when she follows the home page's alert
    login(page, "alice")
    alert = page.locator("section.alerts li", has_text="freight savings")
    alert.get_by_role("link", name="Confirm with the customer ›").click()

    # then the entry offers to mark it confirmed: who at the customer, and when
    row = page.locator(f"#entry-{entry.pk}")
    row.get_by_text("Mark confirmed").click()
    row.get_by_label("Confirmed by").fill("Dana Reyes, CFO")
    row.get_by_label("On", exact=True).fill((timezone.localdate() - timedelta(days=2)).isoformat())
    row.get_by_role("button", name="Save confirmation").click()

    # and the ledger and the database say so; the alert is gone from the home page
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text("Dana Reyes, CFO")
    stored = ValueEntry.objects.get(pk=entry.pk)
    assert stored.customer_confirmed
    assert stored.confirmed_by == "Dana Reyes, CFO"
    assert stored.confirmed_on == timezone.localdate() - timedelta(days=2)
    page.goto("/")
    expect(page.locator("section.alerts li", has_text="freight savings")).to_have_count(0)
