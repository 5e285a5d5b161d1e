"""Plotly figures as pure functions of small data frames/lists; no queries. Their titles,
axes, legends and hover texts are in the reader's language (Django's gettext, the one Django
module they use)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# --- portfolio dashboard ---------------------------------------------------------------------
# The dashboard draws seven figures per request, so they are built from plain dict specs
# with an empty template: plotly's default template adds ~10 kB of JSON to every figure and
# most of the build time.

SEGMENT_COLOURS = {
    "invest": "#0f766e",
    "develop": "#1f4e99",
    "maintain": "#b7791f",
    "reassess": "#b42318",
}
SEGMENT_ORDER = ["invest", "develop", "maintain", "reassess"]
CHURN_MARK_COLOUR = "#7f1d1d"
MATRIX_LABELS_LARGEST = 5  # bubbles named on the matrix: the largest by revenue ...
MATRIX_LABELS_RISKIEST = 3  # ... and the highest churn scores among those at risk
CREATOR_COLOUR = "#0f766e"
DRAINER_COLOUR = "#b42318"
VITAL_FEW_COLOUR = "#1f4e99"
TRIVIAL_MANY_COLOUR = "#9aa5b8"
CUMULATIVE_COLOUR = "#b7791f"
LTV_COLOUR = "#1f4e99"
REPLACEMENT_COLOUR = "#b7791f"
DELIVERED_COLOUR = "#0f766e"
RECEIVED_COLOUR = "#6366f1"
# The texts below are English, marked for the catalogue, and translated when a figure is built.
SEGMENT_NAMES = {
    "invest": gettext_noop("Invest"),
    "develop": gettext_noop("Develop"),
    "maintain": gettext_noop("Maintain"),
    "reassess": gettext_noop("Reassess"),
}
TREND_LABELS = {
    "revenue_ttm": gettext_noop("Revenue TTM"),
    "gross_margin_ttm": gettext_noop("Gross margin TTM"),
    "cost_to_serve_ttm": gettext_noop("Cost to serve TTM"),
    "net_profit_ttm": gettext_noop("Net profit TTM"),
}
TREND_COLOURS = {
    "revenue_ttm": "#1f4e99",
    "gross_margin_ttm": "#6366f1",
    "cost_to_serve_ttm": "#b7791f",
    "net_profit_ttm": "#0f766e",
}
VITAL_FEW_SHARE = 0.8
TOP_ACCOUNTS_SHARE = 0.2
BUBBLE_MAX_PIXELS = 40
_GRID = "#e3e8ef"
_THRESHOLD_LINE = {"dash": "dash", "color": "#5b6475", "width": 1}


@dataclass(frozen=True)
class MatrixPoint:
    """One account on the portfolio matrix; margin is net margin as a fraction (0.1 = 10 %)."""

    name: str
    attractiveness: float
    margin: float
    revenue: float
    segment: str
    churn_stage: int
    churn_score: int = 0
    at_risk: bool = False


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
    """The portfolio's totals in one run, keyed like TREND_LABELS."""

    label: str
    totals: dict[str, float]


def _layout(**overrides: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": {},
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#1f2937"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "xaxis": {"gridcolor": _GRID, "zerolinecolor": "#c5ccd8"},
        "yaxis": {"gridcolor": _GRID, "zerolinecolor": "#c5ccd8"},
        "margin": {"l": 70, "r": 20, "t": 20, "b": 40},
        "legend": {"orientation": "h", "y": -0.2},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    # Validating every property costs ~4x the build (25 ms for the dashboard's seven
    # figures); the specs are fixed by this module and the tests rebuild every figure
    # with validation on (tests/portfolio/dashboard/test_charts.py), so it is skipped here.
    spec = {"data": data, "layout": layout}
    figure = go.Figure(spec, _validate=False)
    figure._kam_spec = spec  # read by figure_json; see there
    return figure


def figure_json(figure: go.Figure) -> dict[str, Any]:
    """The figure as JSON-ready data for the page. A figure of this module, not changed
    since it was built, gives back the plain spec it was built from: plotly's own
    to_plotly_json deep-copies and walks every value (a third of the dashboard's time).
    Any other figure goes through to_plotly_json."""
    spec: dict[str, Any] | None = getattr(figure, "_kam_spec", None)
    return spec if spec is not None else figure.to_plotly_json()


def _matrix_labelled(points: Sequence[MatrixPoint]) -> list[MatrixPoint]:
    """The bubbles named on the matrix: the MATRIX_LABELS_LARGEST largest by revenue and the
    MATRIX_LABELS_RISKIEST at churn risk with the highest scores, each once, largest first;
    every other bubble is named in its hover only, so a full portfolio's labels do not pile
    up on each other."""
    largest = sorted(points, key=lambda point: -point.revenue)[:MATRIX_LABELS_LARGEST]
    riskiest = sorted(
        (point for point in points if point.at_risk), key=lambda point: -point.churn_score
    )[:MATRIX_LABELS_RISKIEST]
    chosen = {id(point) for point in [*largest, *riskiest]}
    return [point for point in sorted(points, key=lambda p: -p.revenue) if id(point) in chosen]


def _label_position(attractiveness: float) -> str:
    """Beside the bubble on the side towards the middle, so no name runs off the chart."""
    return "middle left" if attractiveness > 50 else "middle right"


def portfolio_matrix_figure(
    *, points: Sequence[MatrixPoint], attractiveness_threshold: float, margin_target: float
) -> go.Figure:
    """Attractiveness (x, 0-100) against net margin (y, a fraction), bubble area
    proportional to revenue, one trace and colour per segment; accounts at churn risk
    (DOMAIN.md's at_risk, the one number every page counts) are ringed in dark red; only the
    largest and the riskiest bubbles are named on the chart, beside their bubble. Dashed
    lines mark the segment
    thresholds (the first two layout shapes: x = threshold, y = margin target)."""
    largest = max((point.revenue for point in points), default=0.0)
    # plotly's area sizing: a bubble of the largest revenue is BUBBLE_MAX_PIXELS across.
    sizeref = 2.0 * largest / BUBBLE_MAX_PIXELS**2 if largest > 0 else 1.0
    named = {id(point) for point in _matrix_labelled(points)}
    data: list[dict[str, Any]] = []
    for segment in SEGMENT_ORDER:
        members = [point for point in points if point.segment == segment]
        if members:
            data.append(
                {
                    "type": "scatter",
                    "name": _(SEGMENT_NAMES[segment]),
                    "x": [point.attractiveness for point in members],
                    "y": [point.margin for point in members],
                    # the name beside the bubble (plotly sets it off by the bubble's size)
                    # for the few named on the chart; every name in the hover
                    "text": [point.name if id(point) in named else "" for point in members],
                    "hovertext": [point.name for point in members],
                    "mode": "markers+text",
                    "textposition": [_label_position(point.attractiveness) for point in members],
                    "textfont": {"size": 11, "color": "#1d2433"},
                    "cliponaxis": False,
                    "marker": {
                        "size": [max(point.revenue, 0.0) for point in members],
                        "sizemode": "area",
                        "sizeref": sizeref,
                        "sizemin": 3,
                        "color": SEGMENT_COLOURS[segment],
                        "opacity": 0.7,
                        "line": {"width": 0.5, "color": "#ffffff"},
                    },
                    # Translators: a chart's hover text; keep each %{…} as it is.
                    "hovertemplate": _(
                        "%{hovertext}<br>attractiveness %{x:.0f}<br>net margin %{y:.1%}"
                    )
                    + "<extra></extra>",
                }
            )
    # Only the accounts at churn risk (DOMAIN.md's at_risk, the number the totals count) are
    # ringed; their stage and score are in the hover, not written on the chart, so labels of
    # neighbouring bubbles cannot overlap.
    at_risk = [point for point in points if point.at_risk]
    if at_risk:
        data.append(
            {
                "type": "scatter",
                "name": _("At churn risk (ringed)"),
                "x": [point.attractiveness for point in at_risk],
                "y": [point.margin for point in at_risk],
                "text": [point.name for point in at_risk],
                "customdata": [[point.churn_stage, point.churn_score] for point in at_risk],
                "mode": "markers",
                "marker": {
                    "symbol": "circle-open",
                    "size": 16,
                    "color": CHURN_MARK_COLOUR,
                    "line": {"width": 2},
                },
                # Translators: a chart's hover text; keep each %{…} as it is.
                "hovertemplate": _(
                    "%{text}: at churn risk, stage %{customdata[0]}, score %{customdata[1]}"
                )
                + "<extra></extra>",
            }
        )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": attractiveness_threshold,
            "x1": attractiveness_threshold,
            "y0": 0,
            "y1": 1,
            "line": _THRESHOLD_LINE,
        },
        {
            "type": "line",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": margin_target,
            "y1": margin_target,
            "line": _THRESHOLD_LINE,
        },
    ]
    layout = _layout(
        xaxis={"title": {"text": _("Attractiveness (0-100)")}, "range": [-5, 105]},
        yaxis={"title": {"text": _("Net margin")}, "tickformat": ".0%"},
        shapes=shapes,
        height=440,
    )
    return _figure(data, layout)


def lorenz_figure(
    *,
    account_shares: Sequence[float],
    revenue_shares: Sequence[float],
    top_share: float | None,
    rest_account_share: float = 1.0 - TOP_ACCOUNTS_SHARE,
) -> go.Figure:
    """The Lorenz curve of revenue (accounts sorted by revenue ascending: x the cumulative
    share of accounts, y of revenue, both 0-1) over the line of equality; the top 20 % of
    accounts' share of revenue is marked on the curve where the other accounts end
    (x = rest_account_share, 0.8 for a large portfolio; y = 1 − top_share)."""
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": _("Equal revenue per account"),
            "x": [0.0, 1.0],
            "y": [0.0, 1.0],
            "mode": "lines",
            "line": {"dash": "dot", "color": "#9aa5b8"},
        },
        {
            "type": "scatter",
            "name": _("Lorenz curve"),
            "x": list(account_shares),
            "y": list(revenue_shares),
            "mode": "lines",
            "line": {"color": "#1f4e99", "width": 3},
            "fill": "tonexty",
            "fillcolor": "rgba(31, 78, 153, 0.08)",
        },
    ]
    if top_share is not None:
        data.append(
            {
                "type": "scatter",
                # The curve runs smallest first: at 80 % of the accounts it has reached the
                # revenue of all but the top 20 %, so this point reads both ways.
                "name": _(
                    "The top 20 %% of accounts hold %(top)s %% of revenue "
                    "(the other 80 %%, up to this point, %(rest)s %%)"
                )
                % {"top": f"{top_share * 100:.0f}", "rest": f"{(1 - top_share) * 100:.0f}"},
                "x": [rest_account_share],
                "y": [1.0 - top_share],
                "mode": "markers",
                "marker": {"color": "#b42318", "size": 10},
            }
        )
    layout = _layout(
        xaxis={"title": {"text": _("Share of accounts, smallest first")}, "tickformat": ".0%"},
        yaxis={
            "title": {"text": _("Share of revenue")},
            "tickformat": ".0%",
            "range": [0, 1.02],
        },
        height=380,
    )
    return _figure(data, layout)


def cost_pareto_figure(*, bars: Sequence[ParetoBar]) -> go.Figure:
    """Activity types by cost, largest first: bars (the vital few in a strong colour), the
    cumulative share as a line on the right axis, and a dashed line at 80 % (the layout's
    only shape)."""
    labels = [bar.label for bar in bars]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": _("Cost to serve TTM (vital few darker)"),
            "x": labels,
            "y": [bar.cost for bar in bars],
            "marker": {
                "color": [
                    VITAL_FEW_COLOUR if bar.is_vital_few else TRIVIAL_MANY_COLOUR for bar in bars
                ]
            },
        },
        {
            "type": "scatter",
            "name": _("Cumulative share"),
            "x": labels,
            "y": [bar.cumulative_share for bar in bars],
            "yaxis": "y2",
            "mode": "lines+markers",
            "line": {"color": CUMULATIVE_COLOUR},
        },
    ]
    layout = _layout(
        xaxis={"automargin": True, "tickangle": -30},
        yaxis={"title": {"text": _("Cost to serve TTM")}},
        yaxis2={
            "title": {"text": _("Cumulative share")},
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickformat": ".0%",
            "showgrid": False,
        },
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "yref": "y2",
                "x0": 0,
                "x1": 1,
                "y0": VITAL_FEW_SHARE,
                "y1": VITAL_FEW_SHARE,
                "line": {"dash": "dash", "color": "#b42318", "width": 1},
            }
        ],
        margin={"r": 60, "t": 40},
        legend={"y": 1.15},
        height=400,
    )
    return _figure(data, layout)


def creators_drainers_figure(
    *, creators: Sequence[AccountAmount], drainers: Sequence[AccountAmount]
) -> go.Figure:
    """Net profit per account as horizontal bars: the largest value creators on top (green),
    the value drainers below down to the largest loss at the bottom (red). The trace lists
    bottom to top, as plotly draws horizontal bars."""
    rows = [*creators, *drainers][::-1]
    data = [
        {
            "type": "bar",
            "name": _("Net profit TTM"),
            "orientation": "h",
            "x": [row.amount for row in rows],
            "y": [row.name for row in rows],
            "marker": {
                "color": [CREATOR_COLOUR if row.amount >= 0 else DRAINER_COLOUR for row in rows]
            },
        }
    ]
    layout = _layout(
        xaxis={"title": {"text": _("Net profit TTM")}},
        yaxis={"automargin": True, "type": "category"},
        margin={"l": 20},
        height=max(240, 18 * len(rows) + 80),
        showlegend=False,
    )
    return _figure(data, layout)


def paired_bars_figure(
    *,
    rows: Sequence[AccountPair],
    first_label: str,
    second_label: str,
    first_colour: str,
    second_colour: str,
) -> go.Figure:
    """Two bars per account side by side, accounts in the given order."""
    names = [row.name for row in rows]
    data = [
        {
            "type": "bar",
            "name": first_label,
            "x": names,
            "y": [row.first for row in rows],
            "marker": {"color": first_colour},
        },
        {
            "type": "bar",
            "name": second_label,
            "x": names,
            "y": [row.second for row in rows],
            "marker": {"color": second_colour},
        },
    ]
    layout = _layout(
        barmode="group",
        xaxis={"tickangle": -40, "automargin": True, "type": "category"},
        legend={"y": 1.12},
        margin={"t": 30},
        height=400,
    )
    return _figure(data, layout)


def ltv_replacement_figure(*, rows: Sequence[AccountPair]) -> go.Figure:
    """Lifetime value (first) against replacement cost (second) per account."""
    return paired_bars_figure(
        rows=rows,
        first_label=_("Lifetime value"),
        second_label=_("Replacement cost"),
        first_colour=LTV_COLOUR,
        second_colour=REPLACEMENT_COLOUR,
    )


def value_exchange_figure(*, rows: Sequence[AccountPair]) -> go.Figure:
    """Value delivered to the account (first) against value received from it (second), TTM."""
    return paired_bars_figure(
        rows=rows,
        first_label=_("Value delivered"),
        second_label=_("Value received"),
        first_colour=DELIVERED_COLOUR,
        second_colour=RECEIVED_COLOUR,
    )


def portfolio_trend_figure(*, points: Sequence[TrendPoint]) -> go.Figure:
    """One line per total of TREND_LABELS across the runs, in the given (oldest first) order."""
    labels = [point.label for point in points]
    data = [
        {
            "type": "scatter",
            "name": _(title),
            "x": labels,
            "y": [point.totals.get(key, 0.0) for point in points],
            "mode": "lines+markers",
            "line": {"color": TREND_COLOURS[key]},
        }
        for key, title in TREND_LABELS.items()
    ]
    layout = _layout(
        xaxis={"title": {"text": _("Analysis as of")}, "type": "category"},
        yaxis={"rangemode": "tozero"},
        legend={"y": -0.3},
        height=360,
    )
    return _figure(data, layout)


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
    labels = [_("Year %(year)s") % {"year": year} for year in years]
    colours = [
        PROJECTION_DRAIN_COLOUR if value < 0 else PROJECTION_BAR_COLOUR for value in discounted
    ]
    data = [
        {
            "type": "bar",
            "name": _("Discounted value of the year"),
            "x": labels,
            "y": list(discounted),
            "marker": {"color": colours},
        },
        {
            "type": "scatter",
            "name": _("Cumulative lifetime value"),
            "x": labels,
            "y": list(cumulative),
            "mode": "lines+markers",
            "line": {"color": PROJECTION_LINE_COLOUR, "width": 3},
        },
    ]
    layout = _layout(
        yaxis={"title": {"text": _("Value (discounted)")}},
        legend={"orientation": "h", "y": -0.15},
        height=340,
    )
    return _figure(data, layout)


def account_churn_history_figure(
    *, run_dates: Sequence[str], scores: Sequence[int], stages: Sequence[int]
) -> go.Figure:
    """Churn score per analysis run, oldest first, each point coloured by its churn stage."""
    colours = [CHURN_STAGE_COLOURS[max(0, min(stage, 4))] for stage in stages]
    data = [
        {
            "type": "scatter",
            "name": _("Churn score"),
            "x": list(run_dates),
            "y": list(scores),
            "text": [_("stage %(stage)s") % {"stage": stage} for stage in stages],
            "mode": "lines+markers",
            "line": {"color": "#5b6475"},
            "marker": {"color": colours, "size": 11},
        }
    ]
    layout = _layout(
        yaxis={"title": {"text": _("Churn score")}, "range": [0, 105]},
        xaxis={"type": "category"},
        margin={"l": 60},
        height=260,
        showlegend=False,
    )
    return _figure(data, layout)


def churn_roc_figure(
    *, false_positive_rates: Sequence[float], true_positive_rates: Sequence[float], auc: float
) -> go.Figure:
    """The backtest's ROC curve: share of lost accounts flagged against share of kept ones
    flagged, one point per churn score from the highest down, with the coin-toss diagonal."""
    data = [
        {
            "type": "scatter",
            "name": _("Churn score (AUC %(auc)s)") % {"auc": f"{auc:.2f}"},
            "x": list(false_positive_rates),
            "y": list(true_positive_rates),
            "mode": "lines+markers",
            "line": {"color": "#1d4ed8", "width": 3},
            # Translators: a chart's hover text; keep each %{…} as it is.
            "hovertemplate": _("kept flagged %{x:.0%}, lost flagged %{y:.0%}") + "<extra></extra>",
        },
        {
            "type": "scatter",
            "name": _("Coin toss (AUC 0.50)"),
            "x": [0, 1],
            "y": [0, 1],
            "mode": "lines",
            "line": {"color": "#9ca3af", "dash": "dash"},
            "hoverinfo": "skip",
        },
    ]
    layout = _layout(
        xaxis={
            "title": {"text": _("Kept accounts flagged")},
            "range": [0, 1],
            "tickformat": ".0%",
        },
        yaxis={
            "title": {"text": _("Lost accounts flagged")},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        height=360,
    )
    return _figure(data, layout)


def churn_auc_trend_figure(*, run_dates: Sequence[str], aucs: Sequence[float | None]) -> go.Figure:
    """The backtest's AUC per run, oldest first (a gap where a run had no answer)."""
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": "AUC",
            "x": list(run_dates),
            "y": list(aucs),
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"color": "#1d4ed8"},
            "marker": {"size": 9},
        },
        {
            "type": "scatter",
            "name": _("Coin toss"),
            "x": list(run_dates),
            "y": [0.5] * len(run_dates),
            "mode": "lines",
            "line": {"color": "#9ca3af", "dash": "dash"},
            "hoverinfo": "skip",
        },
    ]
    layout = _layout(
        yaxis={"title": {"text": "AUC"}, "range": [0, 1.02]},
        xaxis={"type": "category"},
        height=360,
    )
    return _figure(data, layout)
