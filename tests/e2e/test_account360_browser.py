"""An account manager prepares a review from the account 360 page: every chart draws from
the static plotly (the network is cut off), and the print layout hides the navigation and
fits the charts to an A4 column."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from tests.factories import UserFactory
from tests.portfolio.account360.conftest import build_analysed_account
from tests.portfolio.fixtures import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("projection-chart", "revenue-chart", "cost-chart", "churn-chart")
PRINT_CHART_PX = 640  # static/js/charts.js PRINT_WIDTH: 170 mm at 96 dpi
A4_PRINTABLE_PX = 680  # 210 mm less two 15 mm margins, at 96 dpi


def test_account_360_draws_every_chart_and_prints(page: Page) -> None:
    # given alice's analysed account Alpha Foods (two runs), tom on its team
    owner = UserFactory(username="alice", roles=["account_manager"])
    other = UserFactory(username="mallory", roles=["account_manager"])
    tom = UserFactory(username="tom", roles=["account_manager"])
    alpha = build_analysed_account(owner=owner, other_owner=other, team_member=tom)["strategic"]

    # when alice opens the 360° tab of the account for the review of 15 June
    login(page, "alice")
    page.goto(f"/accounts/{alpha.pk}/")
    page.get_by_role("link", name="360°").click()
    expect(page.get_by_role("heading", name="Ten-year value")).to_be_visible()
    page.get_by_label("Review date", exact=True).fill(AS_OF.isoformat())
    page.get_by_role("button", name="Show").click()

    # then each plot holds an SVG, and the figures are the account's
    for chart in CHARTS:
        expect(page.locator(f"#{chart} svg.main-svg").first).to_be_visible(timeout=20_000)
    expect(page.locator("#kpi-churn")).to_have_text("not at risk score 10 · stage 1")
    expect(page.locator("#value-ratio")).to_have_text("4")
    expect(page.locator("#projection-table")).to_contain_text("44,000")
    expect(page.locator("#overdue-actions")).to_contain_text("Run the packaging trial")
    expect(page.locator("#coverage-gaps")).to_contain_text("No coach")
    expect(page.locator("#churn-history tbody tr")).to_have_count(2)
    screenshot(page, "account-360")

    # and the Print button opens the browser's print dialog
    page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__prints") == 1

    # when the page is laid out for print, on the printable width of an A4 page
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1123})
    page.emulate_media(media="print")

    # then navigation, tabs and buttons are hidden and every chart fits an A4 column
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("nav.tabs")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    for chart in CHARTS:
        svg = page.locator(f"#{chart} svg.main-svg").first
        expect(svg).to_have_attribute("width", str(PRINT_CHART_PX))
        box = page.locator(f"#{chart}").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= A4_PRINTABLE_PX
    # nothing is wider than the paper
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_PRINTABLE_PX
    screenshot(page, "account-360-print")

    # and back on screen the charts take the page's width again
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(media="screen")
    expect(page.locator(".topbar")).to_be_visible()
    wide = page.locator("#projection-chart svg.main-svg").first
    expect(wide).not_to_have_attribute("width", str(PRINT_CHART_PX))
