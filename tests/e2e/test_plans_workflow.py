"""An account manager submits a plan; an executive returns it with a comment; the manager
corrects and resubmits it; the executive approves it. Everything through the browser."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_submitted_returned_corrected_and_approved(
    page: Page, browser: Browser, live_server: Any
) -> None:
    # given alice's strategic account with a draft plan, and erin on the steering committee
    alice = UserFactory(username="alice", first_name="Alice", roles=["account_manager"])
    UserFactory(username="erin", first_name="Erin", roles=["executive"])
    account = AccountFactory(owner=alice, name="Northwind Foods", designation="strategic")
    plan = plan_services.account_plan_create(
        account=account,
        created_by=alice,
        period="2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        situation="Two of five plants served; share of wallet 30 %.",
        strategy="Win the east plant.",
        objectives=[{"metric": "Share of wallet (%)", "target": "45", "current": "30"}],
        actions=[{"title": "Quarterly business review", "owner": alice, "due": date(2027, 3, 31)}],
    )

    # when alice opens the plan from the account's Plans tab and submits it
    login(page, "alice")
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_label("Account sections").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="2027").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Plan submitted to the steering committee.")).to_be_visible()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    # then erin finds it on the steering-committee page and returns it with a comment
    committee = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    erin_page = committee.new_page()
    login(erin_page, "erin")
    erin_page.get_by_label("Main").get_by_role("link", name="Steering committee").click()
    plans_card = erin_page.get_by_role("region", name="Plans awaiting approval")
    plans_card.get_by_role("link", name="Northwind Foods").click()
    erin_page.get_by_label("What should the owner rework?").fill(
        "Say how the east plant is won: name the decision makers and a date."
    )
    erin_page.get_by_role("button", name="Return to owner").click()
    expect(erin_page.get_by_text("Plan returned to its owner with your comment.")).to_be_visible()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT

    # and alice sees the comment, corrects the strategy and resubmits
    page.reload()
    expect(page.locator("#return-comment")).to_have_text(
        "Say how the east plant is won: name the decision makers and a date."
    )
    screenshot(page, "plans-returned-with-comment")
    page.get_by_role("link", name="Edit plan").click()
    page.get_by_label("2 · Strategy").fill(
        "Win the east plant: joint pilot with the plant director and the CFO by June."
    )
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Plan submitted to the steering committee.")).to_be_visible()

    # and erin approves the corrected plan
    erin_page.goto("/accounts/committee/")
    erin_page.get_by_role("region", name="Plans awaiting approval").get_by_role(
        "link", name="Northwind Foods"
    ).click()
    expect(erin_page.get_by_text("joint pilot with the plant director")).to_be_visible()
    erin_page.get_by_role("button", name="Approve plan").click()
    expect(erin_page.get_by_text("Plan 2027 for Northwind Foods approved.")).to_be_visible()
    expect(erin_page.get_by_text("Approved", exact=True)).to_be_visible()
    screenshot(erin_page, "plans-approved")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.reviewed_by is not None
    assert plan.reviewed_by.username == "erin"

    # and the history shows each step with who did it
    # (the plan's own History link; the account's tabs have a History tab too)
    erin_page.locator(f'a[href="{reverse("accounts:plan-history", args=[plan.pk])}"]').click()
    history = erin_page.get_by_role("table")
    expect(history).to_contain_text("Submitted → Approved")
    expect(history).to_contain_text("Say how the east plant is won")
    expect(history).to_contain_text("joint pilot with the plant director")
    screenshot(erin_page, "plans-history")
    committee.close()
