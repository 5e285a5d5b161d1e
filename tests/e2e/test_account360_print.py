"""The printed account 360 (issue 19): the demo's Meridian Retail, the account with the most
review material, prints on as few A4 pages as its content needs, with no page left half empty
by a card pushed whole onto the next one (it printed on seven)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Account
from demo.users import DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_PRINTABLE_WIDTH_PX = 680  # 210 mm less two 15 mm margins (the page's @page rule), 96 dpi
A4_PRINTABLE_HEIGHT_PX = 1009  # 297 mm less two 15 mm margins
# Its content fills some three and a half A4 pages (3,986 px at the printable width, before
# the print type was reduced to 9 pt): four pages, each full but the last.
MOST_PAGES = 4


def pdf_pages(pdf: bytes) -> int:
    """The page objects of a PDF Chromium wrote (it writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_demo_accounts_360_prints_on_as_few_a4_pages_as_it_needs(page: Page) -> None:
    # given the demo portfolio, analysed
    call_command("seed_demo", "--accounts", "60", stdout=StringIO())
    meridian = Account.objects.get(external_id="ACC-00001")  # Meridian Retail

    # when its owner opens the 360 and lays it out for print
    login(page, "alice", password=DEMO_PASSWORD)
    page.goto(f"/accounts/{meridian.pk}/360/")
    for chart in ("projection-chart", "revenue-chart", "cost-chart", "churn-chart"):
        expect(page.locator(f"#{chart} svg.main-svg").first).to_be_attached(timeout=20_000)
    page.set_viewport_size({"width": A4_PRINTABLE_WIDTH_PX, "height": A4_PRINTABLE_HEIGHT_PX})
    page.emulate_media(media="print")
    expect(page.locator("#churn-chart svg.main-svg").first).to_have_attribute("height", "170")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "account-360-print.pdf").write_bytes(pdf)

    # then it takes four pages at most
    assert 0 < pdf_pages(pdf) <= MOST_PAGES
