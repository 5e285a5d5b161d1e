"""Nobody polls a page: alice submits a plan, erin finds it waiting in her inbox (the
navigation counts it), returns it from there with a comment, and alice reads the comment
in hers. The search box finds the contact by a word of their title. Through the browser,
at desktop and phone sizes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_submit_reaches_erins_inbox_she_returns_it_alice_reads_why(
    page: Page, browser: Browser, live_server: Any
) -> None:
    # given alice's account with a draft plan, and erin on the steering committee
    alice = UserFactory(username="alice", first_name="Alice", roles=["account_manager"])
    UserFactory(username="erin", first_name="Erin", roles=["executive"])
    account = AccountFactory(owner=alice, name="Northwind Packaging", designation="strategic")
    ContactFactory(account=account, name="Jana Novák", title="Chief Financial Officer (CFO)")
    plan = plan_services.account_plan_create(
        account=account,
        created_by=alice,
        period="2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        situation="Two of five plants served.",
        strategy="Win the east plant.",
        objectives=[{"metric": "Share of wallet (%)", "target": "45", "current": "30"}],
        actions=[{"title": "Quarterly business review", "owner": alice, "due": date(2027, 3, 31)}],
    )

    # when alice submits it from the plan page
    page.set_viewport_size(DESKTOP)
    login(page, "alice")
    page.goto(f"/accounts/plans/{plan.pk}/")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Plan submitted to the steering committee.")).to_be_visible()

    # then erin's navigation counts one unread item, and her inbox has the plan waiting
    erin_context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    erin = erin_context.new_page()
    login(erin, "erin")
    badge = erin.locator("[data-unread-badge]")
    expect(badge).to_have_text("1")
    home_waiting = erin.get_by_role("region", name="Waiting for you")
    expect(home_waiting.get_by_role("button", name="Return with comment")).to_be_visible()
    screenshot(erin, "home-erin-waiting-1440")
    erin.get_by_label("Main").get_by_role("link", name="Inbox").click()
    expect(
        erin.get_by_text("alice submitted the 2027 plan of Northwind Packaging for approval.")
    ).to_be_visible()
    waiting = erin.get_by_role("region", name="Waiting for you")
    expect(waiting.get_by_role("link", name="Northwind Packaging · 2027")).to_be_visible()
    expect(badge).to_have_text("1")
    screenshot(erin, "inbox-erin-waiting-1440")

    # when she returns it from the inbox with a comment
    waiting.get_by_label("Comment to the owner (needed to return it)").fill(
        "Name the decision makers at the east plant."
    )
    waiting.get_by_role("button", name="Return with comment").click()
    expect(
        erin.get_by_text("The 2027 plan of Northwind Packaging is returned to its owner.")
    ).to_be_visible()
    returned = AccountPlan.objects.get(pk=plan.pk)
    assert returned.status == PlanStatus.DRAFT
    assert returned.return_comment == "Name the decision makers at the east plant."
    expect(
        erin.get_by_text("No plan or designation request waits for your decision.")
    ).to_be_visible()

    # then alice, on her phone, sees the count and reads erin's comment in her inbox
    alice_phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    phone = alice_phone.new_page()
    login(phone, "alice")
    expect(phone.locator("[data-unread-badge]")).to_have_text("1")
    phone.goto("/inbox/")
    note = phone.locator("li.notification.unread")
    expect(note).to_contain_text(
        "erin returned the 2027 plan of Northwind Packaging for rework: "
        "“Name the decision makers at the east plant.”"
    )
    screenshot(phone, "inbox-alice-returned-390")
    note.get_by_role("button", name="Open").click()
    phone.wait_for_url(f"**/accounts/plans/{plan.pk}/")
    phone.goto("/inbox/")
    expect(phone.locator("li.notification.unread")).to_have_count(0)
    expect(phone.locator("[data-unread-badge]")).to_be_empty()
    phone.get_by_role("link", name="E-mail preferences").click()
    phone.get_by_role("row", name="Plan returned for rework").get_by_label("Daily digest").check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Your e-mail preferences are saved.")).to_be_visible()
    screenshot(phone, "inbox-preferences-390")

    # and the search box finds the CFO by a word of her title
    page.get_by_label("Search everything").fill("cfo")
    page.get_by_label("Search everything").press("Enter")
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name="Jana Novák")).to_be_visible()
    expect(results.locator("mark", has_text="CFO")).to_be_visible()
    screenshot(page, "search-cfo-1440")
    page.set_viewport_size(PHONE)
    screenshot(page, "search-cfo-390")
    for context in (erin_context, alice_phone):
        context.close()
