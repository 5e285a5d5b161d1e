"""Key 4 in the browser: an executive records a competency assessment through the page and
sees it in the history and trend; an account manager sees their alerts on the home page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import COMPETENCY_DIMENSIONS, CompetencyAssessment, Designation
from tests.accounts.people.conftest import make_assessment, make_pay_mix
from tests.accounts.plans.factories import AccountPlanFactory, PlanActionFactory
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory
from tests.valuation.factories import ValueEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_executive_records_competency_assessment(page: Page, live_server: Any) -> None:
    # given an account manager with one earlier assessment and an overloaded colleague
    erin = UserFactory(username="erin", first_name="Erin", last_name="Walsh", roles=["executive"])
    alice = UserFactory(
        username="alice", first_name="Alice", last_name="Martin", roles=["account_manager"]
    )
    bob = UserFactory(
        username="bob", first_name="Bob", last_name="Okafor", roles=["account_manager"]
    )
    AccountFactory.create_batch(3, owner=alice, designation=Designation.STRATEGIC)
    AccountFactory.create_batch(14, owner=bob, designation=Designation.PILOT)
    make_assessment(alice, erin, date(2025, 6, 1), value=3, initiative=2)
    make_pay_mix(alice, erin, date(2024, 1, 1), "90000", "30000")
    make_pay_mix(alice, erin, date(2025, 1, 1), "96000", "24000")
    make_pay_mix(bob, erin, date(2025, 1, 1), "84000", "36000")

    # when erin opens the load page from the navigation
    login(page, "erin")
    page.get_by_label("Main").get_by_role("link", name="Manager load").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account-manager load")
    expect(page.get_by_text("Owns 14 strategic and pilot accounts")).to_be_visible()
    screenshot(page, "people-load")

    # and records an assessment of alice, first with a score out of range
    page.get_by_role("row", name="Alice Martin").get_by_role("link", name="Assessments").click()
    assessed_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    page.get_by_label("Assessed on").fill(assessed_on)
    for dimension in COMPETENCY_DIMENSIONS:
        page.get_by_label(str(dimension.label)).fill("4")
    page.get_by_label("Initiative").fill("6")
    page.get_by_label("Notes").fill("Led the joint service review at two plants.")
    page.get_by_role("button", name="Record assessment").click()

    # then the page refuses it beside the field and nothing is written
    expect(page.get_by_text("Scores run from 1 to 5.")).to_be_visible()
    assert CompetencyAssessment.objects.filter(manager=alice).count() == 1

    # when she corrects it
    page.get_by_label("Initiative").fill("5")
    page.get_by_role("button", name="Record assessment").click()

    # then the assessment is in the history and the trend shows the change
    expect(page.get_by_text("recorded.")).to_be_visible()
    history = page.locator("table.history")
    expect(history).to_contain_text("Led the joint service review at two plants.")
    expect(history).to_contain_text(assessed_on)
    trend_row = page.locator("table.trend").get_by_role("row", name="Initiative")
    expect(trend_row).to_contain_text("▲ +3")
    assert CompetencyAssessment.objects.filter(manager=alice).count() == 2
    screenshot(page, "people-competency")

    # and the pay-mix check is one click away
    page.get_by_label("Main").get_by_role("link", name="Pay mix").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay-mix check")
    expect(page.get_by_role("row", name="Bob Okafor")).to_contain_text("Out of range")
    expect(page.get_by_role("row", name="Alice Martin")).to_contain_text("In the target band")
    screenshot(page, "people-pay-mix")


def test_account_manager_sees_alerts_on_home_page(page: Page, live_server: Any) -> None:
    # given alice's account with an overdue action, a neglected economic buyer and old value
    alice = UserFactory(
        username="alice", first_name="Alice", last_name="Martin", roles=["account_manager"]
    )
    account = AccountFactory(owner=alice, name="Northwind Foods")
    today = timezone.localdate()
    PlanActionFactory(
        plan=AccountPlanFactory(account=account),
        title="Quarterly business review",
        due=today - timedelta(days=12),
    )
    ContactFactory(account=account, name="Dana Reyes", is_economic_buyer=True)
    ValueEntryFactory(account=account, category="freight savings", date=today - timedelta(days=120))

    # when she logs in
    login(page, "alice")

    # then the home page lists the alerts, each with a link to act
    alerts = page.locator("section.alerts")
    expect(alerts).to_contain_text("Dana Reyes (economic buyer): never contacted")
    expect(alerts).to_contain_text("“Quarterly business review” (alice) was due")
    expect(alerts).to_contain_text("freight savings")
    screenshot(page, "people-home-alerts")
    alerts.get_by_role("link", name="Open the plan ›").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Foods")
