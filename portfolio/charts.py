"""Plotly figures as pure functions of small data frames/lists; no Django, no queries."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

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
