"""The account 360 page's figures as JSON-ready dicts for `json_script`.

The figures come from the pure chart functions (portfolio/charts.py, and the Value tab's
revenue and cost charts from valuation/charts.py). The page body they are drawn into is cached
per account data version (account360_views), so they are built again only after a change.
"""

from __future__ import annotations

import json
from typing import Any

from portfolio import charts
from portfolio.account360.selectors import Account360
from valuation import charts as valuation_charts


def _json(figure: Any) -> dict[str, Any]:
    return dict(json.loads(figure.to_json()))


def account_360_figures(data: Account360) -> dict[str, dict[str, Any]]:
    """Template name → figure dict, only for the sections that have something to draw:
    the ten-year value (needs a snapshot), revenue by location and year, cost to serve by
    activity, and the churn score across runs (needs two runs or more)."""
    figures: dict[str, dict[str, Any]] = {}
    projection = data.projection
    if projection is not None:
        figures["projection_chart"] = _json(
            charts.account_value_projection_figure(
                years=[year.year for year in projection.years],
                discounted=[year.discounted for year in projection.years],
                cumulative=[year.cumulative for year in projection.years],
            )
        )
    if data.revenue.locations:
        figures["revenue_chart"] = _json(valuation_charts.account_revenue_figure(data.revenue))
    if data.cost.lines:
        figures["cost_chart"] = _json(valuation_charts.account_cost_figure(data.cost))
    if len(data.history) > 1:
        oldest_first = list(reversed(data.history))
        figures["churn_chart"] = _json(
            charts.account_churn_history_figure(
                run_dates=[f"{row.snapshot.run.as_of:%Y-%m-%d}" for row in oldest_first],
                scores=[row.snapshot.churn_score for row in oldest_first],
                stages=[row.snapshot.churn_stage for row in oldest_first],
            )
        )
    return figures
