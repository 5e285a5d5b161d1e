"""The account 360 page: one printable page for an account's review (thin: parse, call, render)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import account_get_for_user
from portfolio import charts
from portfolio.account360_selectors import Account360, account_360
from valuation import charts as valuation_charts


def _figure(figure: Any) -> Any:
    return json.loads(figure.to_json())


def _parse_as_of(raw: str | None, today: datetime.date) -> tuple[datetime.date, str]:
    """The `as_of` query parameter (YYYY-MM-DD, not after today), or today with a message."""
    if not raw:
        return today, ""
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, f"“{raw}” is not a date (use YYYY-MM-DD); showing today instead."
    if as_of > today:
        return today, "The review date cannot be in the future; showing today instead."
    return as_of, ""


def _charts(data: Account360) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if data.projection is not None:
        figures["projection_chart"] = _figure(
            charts.account_value_projection_figure(
                years=[year.year for year in data.projection.years],
                discounted=[year.discounted for year in data.projection.years],
                cumulative=[year.cumulative for year in data.projection.years],
            )
        )
    if data.revenue.locations:
        revenue = data.revenue
        figures["revenue_chart"] = _figure(
            valuation_charts.revenue_figure(
                periods=[window.title for window in revenue.windows],
                series=[
                    valuation_charts.RevenueSeries(
                        location=line.location, values=[float(v) for v in line.by_window]
                    )
                    for line in revenue.locations
                ],
                forecast_periods=[window.title for window in revenue.forecast_windows],
                forecast=[float(v) for v in revenue.forecast],
                forecast_label="Forecast"
                if revenue.forecast_is_recorded
                else "Forecast (from growth)",
            )
        )
    if data.cost.lines:
        figures["cost_chart"] = _figure(
            valuation_charts.cost_to_serve_figure(
                activity_names=[line.name for line in data.cost.lines],
                costs=[float(line.cost) for line in data.cost.lines],
                is_investment=[line.is_investment for line in data.cost.lines],
            )
        )
    if len(data.history) > 1:
        oldest_first = list(reversed(data.history))
        figures["churn_chart"] = _figure(
            charts.account_churn_history_figure(
                run_dates=[f"{row.snapshot.run.as_of:%Y-%m-%d}" for row in oldest_first],
                scores=[row.snapshot.churn_score for row in oldest_first],
                stages=[row.snapshot.churn_stage for row in oldest_first],
            )
        )
    return figures


@login_required
def account_360_page(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    today = timezone.localdate()
    as_of, as_of_error = _parse_as_of(request.GET.get("as_of"), today)
    data = account_360(user=request.user, account=account, as_of=as_of)
    return render(
        request,
        "portfolio/account_360.html",
        {
            "account": account,
            "tab": "360",
            "data": data,
            "as_of": as_of,
            "is_today": as_of == today,
            "as_of_error": as_of_error,
            **_charts(data),
        },
    )
