"""The account 360 page on the analysed small portfolio: the real figures appear."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.models import AccountSnapshot
from tests.portfolio.account360.conftest import EARLIER_RUN
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db


def _page(client: Client, account_id: int, as_of: str | None = AS_OF.isoformat()) -> Any:
    query = f"?as_of={as_of}" if as_of else ""
    return client.get(f"/accounts/{account_id}/360/{query}")


def test_page_shows_every_section_with_real_figures(
    owner_client: Client, analysed: dict[str, Any]
) -> None:
    # when
    response = _page(owner_client, analysed["strategic"].pk)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context["data"]
    # at a glance: the 15 Jun snapshot (coverage_gap only: score 10 < 25, stage 1)
    assert 'not at risk <span class="meta">score 10 · stage 1</span>' in html
    assert "What to do: Map the missing economic buyer or coach" in html
    snapshot = AccountSnapshot.objects.get(account=analysed["strategic"], run__as_of=AS_OF)
    assert data.latest == snapshot
    # knowledge profile: 2 of 6 areas → 33 %; the team
    assert data.knowledge.completeness == 33
    assert "33 % complete" in html
    assert "Three plants" in html
    assert "Gamma Foods" in html
    assert "tom · Finance" in html
    # ten-year value: 48 400 in year 1 discounted to 44 000, then ×0.891/1.1 a year
    projection = data.projection
    assert projection.horizon_years == 10
    assert [year.discounted for year in projection.years[:2]] == [44_000.0, 35_640.0]
    assert projection.years[1].cumulative == 79_640.0
    assert projection.total == pytest.approx(float(snapshot.ltv), abs=0.01)
    assert "44,000" in html
    assert "79,640" in html
    # revenue by location and year (HQ: 100 000, 110 000, 121 000) and the growth forecast
    for figure in ("€100,000", "€110,000", "€121,000", "€133,100", "€146,410"):
        assert figure in html
    # cost to serve TTM: picking 1 000 + 600, the visits 1 000 (an investment)
    assert [(line.name, line.cost) for line in data.cost.lines] == [
        ("Order picking", 1600),
        ("Executive visit", 1000),
    ]
    assert "<strong>€2,600</strong>" in html
    # value ledger: 20 000 delivered, 5 000 received in the TTM, ratio 4
    assert '<dd id="delivered-ttm">€20,000</dd>' in html
    assert '<dd id="received-ttm">€5,000</dd>' in html
    assert '<dd id="value-ratio">4</dd>' in html
    # all time: the 2024 receipt counts too
    assert '<dd id="ledger-all-time">€20,000 / €6,000</dd>' in html
    # plan progress: 49 of 98 = 50 %, one objective not measured, one overdue action
    assert [row.percent for row in data.objectives] == [50, None]
    assert [action.title for action in data.overdue_actions] == ["Run the packaging trial"]
    assert "50 %" in html
    assert "not measured yet" in html
    # coverage gaps judged on 15 Jun: an economic buyer but no coach
    codes = [group.code for group in data.gap_groups]
    assert "no_coach" in codes
    assert "no_economic_buyer" not in codes
    # churn history: both runs, newest first, with the signal in words
    assert [row.snapshot.run.as_of for row in data.history] == [AS_OF, EARLIER_RUN]
    assert "Coverage gap" in html
    # last interactions
    assert "Agreed the packaging trial" in html
    assert "Bea Buyer" in html
    # charts embedded for plotly: projection, revenue, cost, churn history
    for chart in (
        "projection-chart-data",
        "revenue-chart-data",
        "cost-chart-data",
        "churn-chart-data",
    ):
        assert f'id="{chart}"' in html
    projection_chart = response.context["projection_chart"]
    assert projection_chart["data"][0]["y"][:2] == [44_000.0, 35_640.0]
    assert projection_chart["data"][1]["y"][-1] == projection.total
    # printable: the print button and the static plotly, nothing from a CDN
    assert 'data-action="print"' in html
    assert "/static/vendor/plotly.min.js" in html
    assert "cdn" not in html.lower()


def test_review_date_picks_the_runs_up_to_it(
    owner_client: Client, analysed: dict[str, Any]
) -> None:
    response = _page(owner_client, analysed["strategic"].pk, EARLIER_RUN.isoformat())

    data = response.context["data"]
    assert [row.snapshot.run.as_of for row in data.history] == [EARLIER_RUN]
    assert "churn_chart" not in response.context  # one run: the table says it all


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("yesterday", "is not a date (use YYYY-MM-DD)"),
        ("2026-02-30", "is not a date (use YYYY-MM-DD)"),
        ("2999-01-01", "cannot be in the future"),
        ("0001-01-01", "cannot be before 1900-01-01"),
        ("0002-06-01", "cannot be before 1900-01-01"),
        ("<b>x</b>", "“&lt;b&gt;x&lt;/b&gt;” is not a date"),
    ],
)
def test_bad_review_date_says_so_and_shows_today(
    owner_client: Client, analysed: dict[str, Any], raw: str, message: str
) -> None:
    from django.utils import timezone

    response = _page(owner_client, analysed["strategic"].pk, raw)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["as_of"] == timezone.localdate()


def test_account_without_a_snapshot_yet(
    owner: Any, other_manager: Any, owner_client: Client
) -> None:
    # given the portfolio's data but no analysis run
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)

    # when
    response = _page(owner_client, portfolio["strategic"].pk)

    # then the page explains it and still shows the live figures
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-snapshot"' in html
    assert "has not been analysed yet" in html
    assert response.context["data"].projection is None
    assert "projection_chart" not in response.context
    assert "The projection needs an analysis run" in html
    assert "No analysis run has scored this account yet." in html
    assert "<strong>€121,000</strong>" in html  # revenue TTM is live
    assert '<dd id="value-ratio">4</dd>' in html


def test_value_tab_links_to_the_360_page(owner_client: Client, analysed: dict[str, Any]) -> None:
    account_id = analysed["strategic"].pk

    response = owner_client.get(f"/accounts/{account_id}/value/")

    assert f'href="/accounts/{account_id}/360/"' in response.content.decode()
