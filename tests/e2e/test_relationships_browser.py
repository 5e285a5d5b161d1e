"""An account manager maps an economic buyer and a coach through the pages and watches the
two coverage gaps disappear; the map then shows the new people in the reports-to tree."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from relationships.models import Contact
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_person(page: Page, **fields: Any) -> None:
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name:", exact=True).fill(fields["name"])
    page.get_by_label("Job title").fill(fields["title"])
    page.get_by_label(fields["role"], exact=True).check()
    page.get_by_label("Influence").select_option(fields["influence"])
    page.get_by_label("Attitude to us").select_option("supporter")
    for number, goal in enumerate(fields["goals"], start=1):
        for part, value in zip(
            ("Goal", "Metric of goal", "Target of goal", "Current value of goal"),
            goal,
            strict=False,
        ):
            page.get_by_label(f"{part} {number}:", exact=True).fill(value)
    page.get_by_label("Our primary contact").select_option(fields["primary_contact"])
    if "reports_to" in fields:
        page.get_by_label("Reports to").select_option(label=fields["reports_to"])
    page.get_by_label("Evidence:", exact=True).fill("Told us in the review meeting.")
    page.get_by_role("button", name="Add person").click()


def test_manager_adds_economic_buyer_and_coach_and_gaps_disappear(page: Page) -> None:
    # given alice's account with one user buyer on the map, and tom on the team
    alice = UserFactory(username="alice", first_name="Alice", roles=["account_manager"])
    tom = UserFactory(username="tom", first_name="Tom", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    TeamMemberFactory(account=account, user=tom)
    ContactFactory(
        account=account,
        name="Sam Ortiz",
        title="Head of purchasing",
        is_user_buyer=True,
        primary_contact=alice,
    )

    # when alice opens the account's Relationships tab
    login(page, "alice")
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_label("Account sections").get_by_role("link", name="Relationships").click()
    gaps = page.locator(".gaps")
    expect(gaps.locator('[data-code="no_economic_buyer"]')).to_be_visible()
    expect(gaps.locator('[data-code="no_coach"]')).to_be_visible()

    # and adds the CFO as economic buyer
    _add_person(
        page,
        name="Dana Reyes",
        title="CFO",
        role="Economic buyer",
        influence="high",
        goals=[("Cut working capital", "inventory days", "30", "41")],
        primary_contact="alice",
    )

    # then the economic-buyer gap is gone and the coach gap remains
    expect(page.get_by_text("Dana Reyes is on the map.")).to_be_visible()
    expect(gaps.locator('[data-code="no_economic_buyer"]')).to_have_count(0)
    expect(gaps.locator('[data-code="no_coach"]')).to_be_visible()

    # when she adds a coach reporting to the CFO, held by tom
    _add_person(
        page,
        name="Lee Park",
        title="Controller",
        role="Coach",
        influence="medium",
        goals=[("Close the books in five days",)],
        primary_contact="tom",
        reports_to="Dana Reyes, CFO",
    )

    # then the coach gap is gone too
    expect(page.get_by_text("Lee Park is on the map.")).to_be_visible()
    expect(gaps.locator('[data-code="no_coach"]')).to_have_count(0)
    expect(gaps.locator('[data-code="no_economic_buyer"]')).to_have_count(0)

    # and the org chart renders both, the coach nested under the CFO, with their roles
    tree = page.locator("#org-tree")
    dana = tree.locator("li", has=page.get_by_role("link", name="Edit Dana Reyes")).first
    expect(dana.get_by_text("Economic buyer")).to_be_visible()
    expect(dana.locator("ul").get_by_role("link", name="Edit Lee Park")).to_be_visible()
    expect(dana.locator("ul").get_by_text("Coach", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="Edit Sam Ortiz")).to_be_visible()
    # and the coverage matrix shows tom holding Lee's relationship
    matrix = page.locator("table.matrix")
    expect(matrix.get_by_role("columnheader", name="Lee Park")).to_be_visible()
    expect(matrix.get_by_role("rowheader", name="Tom")).to_be_visible()
    screenshot(page, "relationship-map")

    lee = Contact.objects.get(name="Lee Park")
    assert (lee.is_coach, lee.reports_to.name, lee.primary_contact.username) == (
        True,
        "Dana Reyes",
        "tom",
    )
    assert list(Contact.objects.get(name="Dana Reyes").goals.values_list("metric", flat=True)) == [
        "inventory days"
    ]


def test_team_member_logs_interaction_but_cannot_edit_contact(page: Page) -> None:
    # given tom on the team of alice's account
    alice = UserFactory(username="alice", roles=["account_manager"])
    tom = UserFactory(username="tom", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    TeamMemberFactory(account=account, user=tom)
    ContactFactory(account=account, name="Sam Ortiz", is_user_buyer=True, primary_contact=tom)

    # when tom opens the map: no edit links, but he may log an interaction
    login(page, "tom")
    page.goto(f"/accounts/{account.pk}/relationships/")
    expect(page.get_by_role("link", name="Add a person")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit Sam Ortiz")).to_have_count(0)
    expect(page.locator(".person", has_text="Sam Ortiz").get_by_text("Overdue")).to_be_visible()
    page.get_by_role("link", name="Log an interaction").click()
    page.get_by_label("Sam Ortiz").check()
    page.get_by_label("Summary").fill("Call about next year's volumes.")
    page.get_by_role("button", name="Log interaction").click()

    # then the interaction is listed and Sam is no longer overdue
    expect(page.get_by_text("Interaction logged.")).to_be_visible()
    expect(page.get_by_role("cell", name="Call about next year's volumes.")).to_be_visible()
    expect(page.locator(".person", has_text="Sam Ortiz").get_by_text("Overdue")).to_have_count(0)
    response = page.goto(f"/accounts/{account.pk}/relationships/contacts/new/")
    assert response is not None
    assert response.status == 403
