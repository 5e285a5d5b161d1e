"""Dates are typed as they are shown (YYYY-MM-DD), whatever the browser's language, and the
calendar button beside a date fills the same text."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from relationships.models import Interaction
from tests.e2e.conftest import login, offline_context, screenshot
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _interaction_form(page: Page) -> tuple[int, str]:
    alice = UserFactory(username="alice", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    ContactFactory(account=account, name="Sam Ortiz", is_user_buyer=True, primary_contact=alice)
    login(page, "alice")
    page.goto(f"/accounts/{account.pk}/relationships/interactions/new/")
    return account.pk, "Sam Ortiz"


def test_an_american_browser_types_the_date_as_kam_shows_it(
    browser: Browser, live_server: Any
) -> None:
    # given a browser whose language writes dates mm/dd/yyyy
    context = offline_context(browser, live_server, locale="en-US")
    page = context.new_page()
    try:
        _, contact = _interaction_form(page)
        date = page.get_by_label("Date:", exact=True)

        # then the date input asks for YYYY-MM-DD, not the browser's own format
        expect(date).to_have_attribute("type", "text")
        expect(date).to_have_attribute("placeholder", "YYYY-MM-DD")
        expect(page.get_by_role("button", name="Choose the date on a calendar")).to_be_visible()

        # when alice types a date as it is shown everywhere in KAM and saves
        date.fill("2026-11-30")
        page.get_by_label(contact).check()
        page.get_by_label("Summary").fill("Quarterly review.")
        page.get_by_role("button", name="Log interaction").click()

        # then it is saved as that day and listed in the same format
        expect(page.get_by_text("Interaction logged.")).to_be_visible()
        saved = Interaction.objects.get(summary="Quarterly review.")
        assert saved.date == datetime.date(2026, 11, 30)
        expect(page.get_by_role("cell", name="2026-11-30").first).to_be_visible()
    finally:
        context.close()


def test_a_day_chosen_on_the_calendar_lands_in_the_text(page: Page) -> None:
    _interaction_form(page)
    date = page.get_by_label("Date:", exact=True)
    date.fill("")

    # when a day is picked in the browser's calendar (its hidden date input changes)
    page.locator(".date-picker-proxy").first.evaluate(
        "(picker) => { picker.value = '2026-10-02';"
        " picker.dispatchEvent(new Event('change', {bubbles: true})); }"
    )

    # then the text holds that day as YYYY-MM-DD
    expect(date).to_have_value("2026-10-02")
    screenshot(page, "date-input")


def test_a_date_typed_another_way_is_refused_before_it_is_sent(page: Page) -> None:
    _interaction_form(page)
    date = page.get_by_label("Date:", exact=True)
    date.fill("11/30/2026")
    assert date.evaluate("(input) => input.validity.patternMismatch") is True
