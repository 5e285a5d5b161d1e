"""The account 360 page's figures as JSON-ready dicts for `json_script`.

The figures come from the pure chart functions (portfolio/charts.py and the Value tab's
valuation/charts.py). Building a validated plotly figure costs ~10 ms of CPU (the Value tab's
figures carry plotly's default template), which is a large share of this page's time, so each
figure is memoised per process on its complete input: a figure is a pure function of those
numbers, so a cached one is always the figure the inputs would build. Bounded by
FIGURES_CACHED per kind.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from portfolio import charts
from portfolio.account360_selectors import Account360
from valuation import charts as valuation_charts

FIGURES_CACHED = 256

Floats = tuple[float, ...]


def _json(figure: Any) -> dict[str, Any]:
    return dict(json.loads(figure.to_json()))


@lru_cache(maxsize=FIGURES_CACHED)
def _projection(years: tuple[int, ...], discounted: Floats, cumulative: Floats) -> dict[str, Any]:
    return _json(
        charts.account_value_projection_figure(
            years=years, discounted=discounted, cumulative=cumulative
        )
    )


@lru_cache(maxsize=FIGURES_CACHED)
def _revenue(
    periods: tuple[str, ...],
    series: tuple[tuple[str, Floats], ...],
    forecast_periods: tuple[str, ...],
    forecast: Floats,
    forecast_label: str,
) -> dict[str, Any]:
    return _json(
        valuation_charts.revenue_figure(
            periods=periods,
            series=[
                valuation_charts.RevenueSeries(location=location, values=values)
                for location, values in series
            ],
            forecast_periods=forecast_periods,
            forecast=forecast,
            forecast_label=forecast_label,
        )
    )


@lru_cache(maxsize=FIGURES_CACHED)
def _cost(names: tuple[str, ...], costs: Floats, is_investment: tuple[bool, ...]) -> dict[str, Any]:
    return _json(
        valuation_charts.cost_to_serve_figure(
            activity_names=names, costs=costs, is_investment=is_investment
        )
    )


@lru_cache(maxsize=FIGURES_CACHED)
def _churn(
    run_dates: tuple[str, ...], scores: tuple[int, ...], stages: tuple[int, ...]
) -> dict[str, Any]:
    return _json(
        charts.account_churn_history_figure(run_dates=run_dates, scores=scores, stages=stages)
    )


def account_360_figures(data: Account360) -> dict[str, dict[str, Any]]:
    """Template name → figure dict, only for the sections that have something to draw:
    the ten-year value (needs a snapshot), revenue by location and year, cost to serve by
    activity, and the churn score across runs (needs two runs or more)."""
    figures: dict[str, dict[str, Any]] = {}
    projection = data.projection
    if projection is not None:
        figures["projection_chart"] = _projection(
            tuple(year.year for year in projection.years),
            tuple(year.discounted for year in projection.years),
            tuple(year.cumulative for year in projection.years),
        )
    revenue = data.revenue
    if revenue.locations:
        figures["revenue_chart"] = _revenue(
            tuple(window.title for window in revenue.windows),
            tuple(
                (line.location, tuple(float(value) for value in line.by_window))
                for line in revenue.locations
            ),
            tuple(window.title for window in revenue.forecast_windows),
            tuple(float(value) for value in revenue.forecast),
            "Forecast" if revenue.forecast_is_recorded else "Forecast (from growth)",
        )
    cost = data.cost
    if cost.lines:
        figures["cost_chart"] = _cost(
            tuple(line.name for line in cost.lines),
            tuple(float(line.cost) for line in cost.lines),
            tuple(line.is_investment for line in cost.lines),
        )
    if len(data.history) > 1:
        oldest_first = list(reversed(data.history))
        figures["churn_chart"] = _churn(
            tuple(f"{row.snapshot.run.as_of:%Y-%m-%d}" for row in oldest_first),
            tuple(row.snapshot.churn_score for row in oldest_first),
            tuple(row.snapshot.churn_stage for row in oldest_first),
        )
    return figures
