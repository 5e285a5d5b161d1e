"""An account manager creates an account in the browser and finds it; another cannot open it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from tests.e2e.conftest import login, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_creates_account_and_other_manager_cannot_open_it(
    page: Page, browser: Any, live_server: Any
) -> None:
    # given two account managers
    UserFactory(username="alice", roles=["account_manager"])
    UserFactory(username="mallory", roles=["account_manager"])

    # when alice creates an account through the form
    login(page, "alice")
    page.get_by_label("Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Name").fill("Summit Aerospace")
    page.get_by_label("External id").fill("SUM-42")
    page.get_by_label("Designation").select_option("pilot")
    page.get_by_label("Industry").select_option("Aerospace")  # a list, not free text
    page.get_by_label("Region").select_option("Europe")
    page.get_by_label("Continuum position").fill("120")
    page.get_by_role("button", name="Create account").click()

    # then an out-of-range continuum is refused beside its field, and nothing is written
    expect(page.get_by_text("Ensure this value is less than or equal to 100.")).to_be_visible()
    assert not Account.objects.filter(external_id="SUM-42").exists()

    page.get_by_label("Continuum position").fill("70")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summit Aerospace")
    account = Account.objects.get(external_id="SUM-42")
    assert (account.industry, account.region) == ("Aerospace", "Europe")

    # and she finds it in the list by searching
    page.get_by_label("Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("search", name="Filter accounts").get_by_label("Search").fill("Summit")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Summit Aerospace")).to_be_visible()
    screenshot(page, "accounts-list")

    # and mallory, another account manager, cannot open it
    other = browser.new_context(base_url=live_server.url)
    other_page = other.new_page()
    login(other_page, "mallory")
    response = other_page.goto(f"/accounts/{account.pk}/")
    assert response is not None
    assert response.status == 404
    other_page.goto("/accounts/?q=Summit")
    expect(other_page.get_by_text("No account matches")).to_be_visible()
    other.close()
