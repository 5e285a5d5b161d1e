"""Ops loads a revenue file in the browser: reads every problem, fixes the file, imports it.
An account manager records value both ways and sees the ratio and the charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountLocation
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.valuation.factories import RevenueRecordFactory
from valuation.models import ImportBatch, RevenueRecord, ValueEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "account,location,period_start,revenue,cost_of_goods\n"


def test_ops_fixes_a_refused_revenue_file_and_imports_it(
    page: Page, settings: Any, tmp_path: Path
) -> None:
    # given ops, an account NW-1, and a revenue file with three problems
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="olga", roles=["ops"])
    AccountFactory(external_id="NW-1", name="Northwind Foods")
    bad = tmp_path / "revenue-2025.csv"
    bad.write_text(
        HEADER
        + "NW-1,Rotterdam,2025-01-01,1000.00,600\n"
        + "NW-1,Rotterdam,2025-02-15,1100.00,640\n"
        + "NW-2,Rotterdam,2025-03-01,1200.00,700\n"
        + 'NW-1,Hamburg,2025-01-01,"1,300.00",800\n',
        encoding="utf-8",
    )

    # when ops uploads it from the Data imports page
    login(page, "olga")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data imports").click()
    page.get_by_label("Kind").select_option("revenue")
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()

    # then the file is refused and every problem is listed by row and column
    expect(page.locator("#import-status")).to_have_text("Failed")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(0)).to_contain_text("period_start")
    expect(errors.nth(0)).to_contain_text("not the first day of a month")
    expect(errors.nth(1)).to_contain_text("No account has the external id 'NW-2'")
    expect(errors.nth(2)).to_contain_text("contains a comma")
    screenshot(page, "valuation-import-refused")
    assert not RevenueRecord.objects.exists()
    assert not AccountLocation.objects.exists()

    # when ops fixes the file and uploads it again
    fixed = tmp_path / "revenue-2025-fixed.csv"
    fixed.write_text(
        HEADER
        + "NW-1,Rotterdam,2025-01-01,1000.00,600\n"
        + "NW-1,Rotterdam,2025-02-01,1100.00,640\n"
        + "NW-1,Hamburg,2025-01-01,1300.00,800\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("Kind").select_option("revenue")
    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Import").click()

    # then it is imported, with the new location created
    expect(page.locator("#import-status")).to_have_text("Succeeded")
    expect(page.locator("#import-message")).to_contain_text("Imported 3 row(s): 3 new")
    screenshot(page, "valuation-import-succeeded")
    assert RevenueRecord.objects.count() == 3
    assert sorted(AccountLocation.objects.values_list("name", flat=True)) == [
        "Hamburg",
        "Rotterdam",
    ]
    assert list(ImportBatch.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "succeeded",
    ]


def test_team_member_records_value_both_ways(page: Page) -> None:
    # given an account with revenue this month, and tom on its team
    owner = UserFactory(username="alice", roles=["account_manager"])
    tom = UserFactory(username="tom", roles=["account_manager"])
    account = AccountFactory(owner=owner, name="Northwind Foods")
    TeamMemberFactory(account=account, user=tom)
    this_month = timezone.localdate().replace(day=1)
    RevenueRecordFactory(account=account, period_start=this_month)
    today = timezone.localdate().isoformat()

    # when tom opens the Value tab and records value delivered and received
    login(page, "tom")
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Value").click()
    expect(page.locator(".chart[data-figure='revenue-chart-data'] .main-svg").first).to_be_visible()

    for direction, category, amount in (
        ("delivered", "cost savings", "30000"),
        ("received", "reference", "20000"),
    ):
        page.get_by_label("Direction").select_option(direction)
        page.get_by_label("Category").fill(category)
        page.get_by_label("Amount").fill(amount)
        page.locator("#id_entry-date").fill(today)
        page.get_by_role("button", name="Add entry").click()
        expect(page.get_by_text("Value entry added.")).to_be_visible()

    # then both sides show, with their ratio
    expect(page.locator("#ledger-delivered")).to_contain_text("cost savings")
    expect(page.locator("#ledger-received")).to_contain_text("reference")
    expect(page.locator("#value-ratio")).to_have_text("1.50")
    screenshot(page, "valuation-value-tab")

    # and a confirmation without its date is refused beside the field
    page.get_by_label("Category").fill("productivity")
    page.get_by_label("Amount").fill("5000")
    page.locator("#id_entry-date").fill(today)
    page.get_by_label("Confirmed by the customer").check()
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Give the date the customer confirmed this value.")).to_be_visible()
    assert ValueEntry.objects.count() == 2
