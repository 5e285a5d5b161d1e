"""Pure chart builders: plain numbers in, a plotly Figure out (no ORM, no analysis); titles,
axes and legends in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

ACTUAL_COLOURS = ["#1f4e99", "#3a7bd5", "#7aa6e8", "#0f766e", "#14b8a6", "#6366f1", "#a855f7"]
FORECAST_COLOUR = "#f59e0b"


@dataclass(frozen=True)
class RevenueSeries:
    location: str
    values: Sequence[float]  # one per actual period


def revenue_figure(
    *,
    periods: Sequence[str],
    series: Sequence[RevenueSeries],
    forecast_periods: Sequence[str],
    forecast: Sequence[float],
    forecast_label: str | None = None,
) -> go.Figure:
    """Stacked bars of revenue per location for each actual period, then the forecast."""
    figure = go.Figure()
    for index, item in enumerate(series):
        figure.add_trace(
            go.Bar(
                name=item.location,
                x=list(periods),
                y=list(item.values),
                marker_color=ACTUAL_COLOURS[index % len(ACTUAL_COLOURS)],
            )
        )
    figure.add_trace(
        go.Bar(
            name=forecast_label or _("Forecast"),
            x=list(forecast_periods),
            y=list(forecast),
            marker_color=FORECAST_COLOUR,
            marker_pattern_shape="/",
        )
    )
    return figure.update_layout(
        barmode="stack",
        yaxis_title=_("Revenue"),
        legend_title=_("Location"),
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        height=360,
    )


def cost_to_serve_figure(
    *, activity_names: Sequence[str], costs: Sequence[float], is_investment: Sequence[bool]
) -> go.Figure:
    """Horizontal bars of cost to serve per activity type, largest on top; investments
    in the relationship in a distinct colour."""
    colours = ["#0f766e" if flag else "#1f4e99" for flag in is_investment]
    figure = go.Figure(
        go.Bar(
            x=list(costs)[::-1],
            y=list(activity_names)[::-1],
            orientation="h",
            marker_color=colours[::-1],
        )
    )
    return figure.update_layout(
        xaxis_title=_("Cost to serve, trailing twelve months"),
        margin={"l": 160, "r": 20, "t": 20, "b": 40},
        height=max(220, 40 * len(activity_names) + 80),
    )


# --- the account's two charts, from what the valuation selectors return ----------------------


def account_revenue_figure(revenue: Any) -> go.Figure:
    """Revenue by location and year with the forecast, from `account_revenue_summary`
    (the Value tab and the account 360 page draw the same chart)."""
    return revenue_figure(
        periods=[window.title for window in revenue.windows],
        series=[
            RevenueSeries(location=line.location, values=[float(v) for v in line.by_window])
            for line in revenue.locations
        ],
        forecast_periods=[window.title for window in revenue.forecast_windows],
        forecast=[float(v) for v in revenue.forecast],
        forecast_label=_("Forecast")
        if revenue.forecast_is_recorded
        else _("Forecast (from growth)"),
    )


def account_cost_figure(cost: Any) -> go.Figure:
    """Cost to serve by activity type, from `account_cost_to_serve`."""
    return cost_to_serve_figure(
        activity_names=[line.name for line in cost.lines],
        costs=[float(line.cost) for line in cost.lines],
        is_investment=[line.is_investment for line in cost.lines],
    )
