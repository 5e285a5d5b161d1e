"""Plotly figures as pure functions of small data frames/lists; no Django, no queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

# --- portfolio dashboard ---------------------------------------------------------------------

SEGMENT_COLOURS = {
    "invest": "#0f766e",
    "develop": "#1f4e99",
    "maintain": "#b7791f",
    "reassess": "#b42318",
}
SEGMENT_ORDER = ["invest", "develop", "maintain", "reassess"]
CHURN_MARK_COLOUR = "#7f1d1d"
CREATOR_COLOUR = "#0f766e"
DRAINER_COLOUR = "#b42318"
VITAL_FEW_COLOUR = "#1f4e99"
TRIVIAL_MANY_COLOUR = "#9aa5b8"
CUMULATIVE_COLOUR = "#b7791f"
LTV_COLOUR = "#1f4e99"
REPLACEMENT_COLOUR = "#b7791f"
DELIVERED_COLOUR = "#0f766e"
RECEIVED_COLOUR = "#6366f1"
TREND_COLOURS = {
    "revenue_ttm": "#1f4e99",
    "gross_margin_ttm": "#6366f1",
    "cost_to_serve_ttm": "#b7791f",
    "net_profit_ttm": "#0f766e",
}
TREND_LABELS = {
    "revenue_ttm": "Revenue TTM",
    "gross_margin_ttm": "Gross margin TTM",
    "cost_to_serve_ttm": "Cost to serve TTM",
    "net_profit_ttm": "Net profit TTM",
}
VITAL_FEW_SHARE = 0.8
BUBBLE_MAX_PIXELS = 40
_MARGIN = {"l": 70, "r": 20, "t": 20, "b": 40}


@dataclass(frozen=True)
class MatrixPoint:
    """One account on the portfolio matrix; margin is net margin as a fraction (0.1 = 10 %)."""

    name: str
    attractiveness: float
    margin: float
    revenue: float
    segment: str
    churn_stage: int


@dataclass(frozen=True)
class ParetoBar:
    """One activity type: its cost, the cumulative share of all cost up to it (0-1), and
    whether it belongs to the vital few."""

    label: str
    cost: float
    cumulative_share: float
    is_vital_few: bool


@dataclass(frozen=True)
class AccountAmount:
    name: str
    amount: float


@dataclass(frozen=True)
class AccountPair:
    """Two amounts of one account shown side by side (e.g. ltv and replacement cost)."""

    name: str
    first: float
    second: float


@dataclass(frozen=True)
class TrendPoint:
    """The portfolio's totals in one run."""

    label: str
    totals: dict[str, float]


def portfolio_matrix_figure(
    *, points: Sequence[MatrixPoint], attractiveness_threshold: float, margin_target: float
) -> go.Figure:
    """Attractiveness (x, 0-100) against net margin (y), bubble area proportional to revenue,
    one colour per segment; accounts at churn stage 1-4 are ringed and labelled with their
    stage. Dashed lines mark the segment thresholds."""
    largest = max((point.revenue for point in points), default=0.0)
    # plotly's area sizing: a bubble of the largest revenue is BUBBLE_MAX_PIXELS across.
    sizeref = 2.0 * largest / BUBBLE_MAX_PIXELS**2 if largest > 0 else 1.0
    figure = go.Figure()
    for segment in SEGMENT_ORDER:
        members = [point for point in points if point.segment == segment]
        if not members:
            continue
        figure.add_trace(
            go.Scatter(
                name=segment.capitalize(),
                x=[point.attractiveness for point in members],
                y=[point.margin for point in members],
                text=[point.name for point in members],
                mode="markers",
                marker={
                    "size": [max(point.revenue, 0.0) for point in members],
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": 3,
                    "color": SEGMENT_COLOURS[segment],
                    "opacity": 0.7,
                    "line": {"width": 0.5, "color": "#ffffff"},
                },
                hovertemplate="%{text}<br>attractiveness %{x:.0f}<br>net margin %{y:.1%}"
                "<extra></extra>",
            )
        )
    at_risk = [point for point in points if point.churn_stage > 0]
    if at_risk:
        figure.add_trace(
            go.Scatter(
                name="Churn stage (ringed)",
                x=[point.attractiveness for point in at_risk],
                y=[point.margin for point in at_risk],
                text=[str(point.churn_stage) for point in at_risk],
                customdata=[point.name for point in at_risk],
                mode="markers+text",
                textposition="top center",
                textfont={"color": CHURN_MARK_COLOUR, "size": 10},
                marker={
                    "symbol": "circle-open",
                    "size": 14,
                    "color": CHURN_MARK_COLOUR,
                    "line": {"width": 2},
                },
                hovertemplate="%{customdata}: churn stage %{text}<extra></extra>",
            )
        )
    figure.add_vline(x=attractiveness_threshold, line={"dash": "dash", "color": "#5b6475"})
    figure.add_hline(y=margin_target, line={"dash": "dash", "color": "#5b6475"})
    return figure.update_layout(
        xaxis={"title": "Attractiveness (0-100)", "range": [-5, 105]},
        yaxis={"title": "Net margin", "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2},
        margin=_MARGIN,
        height=420,
    )


def lorenz_figure(
    *, account_shares: Sequence[float], revenue_shares: Sequence[float], top_share: float | None
) -> go.Figure:
    """The Lorenz curve of revenue (accounts sorted by revenue ascending: x the cumulative
    share of accounts, y of revenue, both 0-1), the line of equality, and the top 20 %
    of accounts' share of revenue as a marked point at x = 0.8."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            name="Equal revenue per account",
            x=[0.0, 1.0],
            y=[0.0, 1.0],
            mode="lines",
            line={"dash": "dot", "color": "#9aa5b8"},
        )
    )
    figure.add_trace(
        go.Scatter(
            name="Revenue concentration",
            x=list(account_shares),
            y=list(revenue_shares),
            mode="lines",
            line={"color": "#1f4e99", "width": 3},
            fill="tonexty",
            fillcolor="rgba(31, 78, 153, 0.08)",
        )
    )
    if top_share is not None:
        figure.add_trace(
            go.Scatter(
                name=f"Top 20 % of accounts: {top_share:.0%} of revenue",
                x=[0.8],
                y=[1.0 - top_share],
                mode="markers",
                marker={"color": "#b42318", "size": 10},
            )
        )
    return figure.update_layout(
        xaxis={"title": "Share of accounts (smallest first)", "tickformat": ".0%"},
        yaxis={"title": "Share of revenue", "tickformat": ".0%", "range": [0, 1.02]},
        legend={"orientation": "h", "y": -0.2},
        margin=_MARGIN,
        height=380,
    )


def cost_pareto_figure(*, bars: Sequence[ParetoBar]) -> go.Figure:
    """Activity types by cost, largest first: bars (the vital few in a strong colour), the
    cumulative share as a line on the right axis, and a dashed line at 80 %."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name="Cost to serve TTM",
            x=[bar.label for bar in bars],
            y=[bar.cost for bar in bars],
            marker_color=[
                VITAL_FEW_COLOUR if bar.is_vital_few else TRIVIAL_MANY_COLOUR for bar in bars
            ],
        )
    )
    figure.add_trace(
        go.Scatter(
            name="Cumulative share",
            x=[bar.label for bar in bars],
            y=[bar.cumulative_share for bar in bars],
            yaxis="y2",
            mode="lines+markers",
            line={"color": CUMULATIVE_COLOUR},
        )
    )
    figure.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y2",
        y0=VITAL_FEW_SHARE,
        y1=VITAL_FEW_SHARE,
        line={"dash": "dash", "color": "#b42318"},
    )
    return figure.update_layout(
        yaxis={"title": "Cost to serve TTM"},
        yaxis2={
            "title": "Cumulative share",
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickformat": ".0%",
        },
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 70, "r": 60, "t": 20, "b": 40},
        height=380,
    )


def creators_drainers_figure(
    *, creators: Sequence[AccountAmount], drainers: Sequence[AccountAmount]
) -> go.Figure:
    """Net profit per account as horizontal bars: the largest value creators on top (green),
    then the value drainers down to the largest loss at the bottom (red)."""
    rows = [*creators, *drainers]
    figure = go.Figure(
        go.Bar(
            name="Net profit TTM",
            x=[row.amount for row in rows][::-1],
            y=[row.name for row in rows][::-1],
            orientation="h",
            marker_color=[CREATOR_COLOUR if row.amount >= 0 else DRAINER_COLOUR for row in rows][
                ::-1
            ],
        )
    )
    return figure.update_layout(
        xaxis_title="Net profit TTM",
        yaxis={"automargin": True, "type": "category"},
        margin={"l": 20, "r": 20, "t": 20, "b": 40},
        height=max(240, 18 * len(rows) + 80),
        showlegend=False,
    )


def paired_bars_figure(
    *,
    rows: Sequence[AccountPair],
    first_label: str,
    second_label: str,
    first_colour: str,
    second_colour: str,
) -> go.Figure:
    """Two bars per account side by side (ltv against replacement cost, value delivered
    against value received), accounts in the given order."""
    names = [row.name for row in rows]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(name=first_label, x=names, y=[row.first for row in rows], marker_color=first_colour)
    )
    figure.add_trace(
        go.Bar(
            name=second_label, x=names, y=[row.second for row in rows], marker_color=second_colour
        )
    )
    return figure.update_layout(
        barmode="group",
        xaxis={"tickangle": -40, "automargin": True},
        legend={"orientation": "h", "y": 1.12},
        margin=_MARGIN,
        height=400,
    )


def ltv_replacement_figure(*, rows: Sequence[AccountPair]) -> go.Figure:
    """Lifetime value (first) against replacement cost (second) per account."""
    return paired_bars_figure(
        rows=rows,
        first_label="Lifetime value",
        second_label="Replacement cost",
        first_colour=LTV_COLOUR,
        second_colour=REPLACEMENT_COLOUR,
    )


def value_exchange_figure(*, rows: Sequence[AccountPair]) -> go.Figure:
    """Value delivered to the account (first) against value received from it (second), TTM."""
    return paired_bars_figure(
        rows=rows,
        first_label="Value delivered",
        second_label="Value received",
        first_colour=DELIVERED_COLOUR,
        second_colour=RECEIVED_COLOUR,
    )


def portfolio_trend_figure(*, points: Sequence[TrendPoint]) -> go.Figure:
    """One line per total (revenue, gross margin, cost to serve, net profit TTM) across the
    runs, oldest first."""
    labels = [point.label for point in points]
    figure = go.Figure()
    for key, title in TREND_LABELS.items():
        figure.add_trace(
            go.Scatter(
                name=title,
                x=labels,
                y=[point.totals.get(key, 0.0) for point in points],
                mode="lines+markers",
                line={"color": TREND_COLOURS[key]},
            )
        )
    return figure.update_layout(
        xaxis={"title": "Analysis as of", "type": "category"},
        legend={"orientation": "h", "y": -0.25},
        margin=_MARGIN,
        height=360,
    )


# --- account 360 page ------------------------------------------------------------------------

PROJECTION_BAR_COLOUR = "#1f4e99"
PROJECTION_DRAIN_COLOUR = "#b42318"
PROJECTION_LINE_COLOUR = "#0f766e"
CHURN_STAGE_COLOURS = ["#16a34a", "#ca8a04", "#ea580c", "#dc2626", "#7f1d1d"]  # stage 0..4


def account_value_projection_figure(
    *, years: Sequence[int], discounted: Sequence[float], cumulative: Sequence[float]
) -> go.Figure:
    """The ten-year value chart: each year's discounted value as a bar (red when the account
    drains value) and the running lifetime value as a line; the last point is the ltv."""
    labels = [f"Year {year}" for year in years]
    colours = [
        PROJECTION_DRAIN_COLOUR if value < 0 else PROJECTION_BAR_COLOUR for value in discounted
    ]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name="Discounted value of the year", x=labels, y=list(discounted), marker_color=colours
        )
    )
    figure.add_trace(
        go.Scatter(
            name="Cumulative lifetime value",
            x=labels,
            y=list(cumulative),
            mode="lines+markers",
            line={"color": PROJECTION_LINE_COLOUR, "width": 3},
        )
    )
    return figure.update_layout(
        yaxis_title="Value (discounted)",
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 70, "r": 20, "t": 20, "b": 40},
        height=340,
    )


def account_churn_history_figure(
    *, run_dates: Sequence[str], scores: Sequence[int], stages: Sequence[int]
) -> go.Figure:
    """Churn score per analysis run, oldest first, each point coloured by its churn stage."""
    colours = [CHURN_STAGE_COLOURS[max(0, min(stage, 4))] for stage in stages]
    figure = go.Figure(
        go.Scatter(
            name="Churn score",
            x=list(run_dates),
            y=list(scores),
            text=[f"stage {stage}" for stage in stages],
            mode="lines+markers",
            line={"color": "#5b6475"},
            marker={"color": colours, "size": 11},
        )
    )
    return figure.update_layout(
        yaxis={"title": "Churn score", "range": [0, 105]},
        xaxis={"type": "category"},
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        height=260,
        showlegend=False,
    )
