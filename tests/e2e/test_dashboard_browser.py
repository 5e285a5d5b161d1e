"""The executive opens the portfolio dashboard in Chromium (network cut off): every chart
draws, the filters narrow it; an account manager sees only their own account."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portfolio.models import AnalysisParameters
from tests.e2e.conftest import login, screenshot
from tests.factories import UserFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["matrix", "concentration", "pareto", "creators", "ltv", "value", "trend"]


@pytest.fixture
def analysed_portfolio() -> dict[str, Any]:
    alice = UserFactory(username="alice", roles=["account_manager"])
    mallory = UserFactory(username="mallory", roles=["account_manager"])
    UserFactory(username="erin", roles=["executive"])
    portfolio = build_small_portfolio(owner=alice, other_owner=mallory)
    # Alpha Foods (strategic, no coach mapped: coverage gap 10) is at churn risk at score 10
    AnalysisParameters.objects.update_or_create(pk=1, defaults={"at_risk_score": 10})
    # two runs, so the trend has two points
    call_command("run_analysis", "--as-of", "2025-12-15", stdout=StringIO())
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    return portfolio


def _wait_for_charts(page: Page) -> None:
    for key in CHARTS:
        # plotly has drawn the figure once its root holds an SVG
        expect(
            page.locator(f'#{key} .chart[data-figure="{key}-data"] svg.main-svg').first
        ).to_be_attached()


def test_executive_reads_the_dashboard_and_filters_it(page: Page, analysed_portfolio: Any) -> None:
    # when the executive opens the dashboard from the navigation
    login(page, "erin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    # then every chart draws, with the hand-computed totals above them
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    _wait_for_charts(page)
    expect(page.locator("#total-accounts")).to_have_text("2")
    expect(page.locator("#total-revenue")).to_have_text("€171,000")
    expect(page.locator("#top-share")).to_have_text("71 %")
    expect(page.locator("#churn-table tbody tr")).to_have_count(1)
    expect(page.locator("#churn-table tbody")).to_contain_text("Alpha Foods")
    # the Pareto's table view opens under its chart
    page.locator("#pareto summary").click()
    expect(page.locator("#pareto-table tbody tr").first).to_contain_text("Order picking")
    screenshot(page, "dashboard-executive")

    # when they narrow it to transactional accounts
    page.get_by_label("Designation").select_option("transactional")
    page.get_by_role("button", name="Apply").click()

    # then only Beta Retail remains
    expect(page.locator("#total-accounts")).to_have_text("1")
    expect(page.locator("#churn-table tbody")).to_contain_text("Nothing to show")
    expect(page.locator("#churn-table tbody")).not_to_contain_text("Alpha Foods")
    _wait_for_charts(page)


def test_account_manager_sees_only_their_account(page: Page, analysed_portfolio: Any) -> None:
    login(page, "alice")
    page.goto("/dashboard/")
    _wait_for_charts(page)
    expect(page.locator("#total-accounts")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("Alpha Foods")
    expect(page.locator("main")).not_to_contain_text("Beta Retail")
    screenshot(page, "dashboard-account-manager")
