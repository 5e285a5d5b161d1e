"""The account 360 figures on small inputs: the data each trace carries, and a spec plotly
accepts (the figures are built without validation, so the test rebuilds them with it)."""

from __future__ import annotations

import plotly.graph_objects as go

from portfolio.charts import account_churn_history_figure, account_value_projection_figure


def _validated(figure: go.Figure) -> go.Figure:
    # go.Figure(dict) validates every property: a misspelt key raises ValueError here.
    return go.Figure(figure.to_dict())


def test_value_projection_figure_carries_each_year_and_the_running_total():
    figure = _validated(
        account_value_projection_figure(
            years=[1, 2, 3],
            discounted=[44_000.0, 35_640.0, -100.0],
            cumulative=[44_000.0, 79_640.0, 79_540.0],
        )
    )

    bars, line = figure.data
    assert bars.type == "bar"
    assert list(bars.x) == ["Year 1", "Year 2", "Year 3"]
    assert list(bars.y) == [44_000.0, 35_640.0, -100.0]
    # a year that drains value is red, the others blue
    assert list(bars.marker.color) == ["#1f4e99", "#1f4e99", "#b42318"]
    assert line.type == "scatter"
    assert list(line.y) == [44_000.0, 79_640.0, 79_540.0]
    assert figure.layout.yaxis.title.text == "Value (discounted)"


def test_churn_history_figure_colours_points_by_stage():
    figure = _validated(
        account_churn_history_figure(
            run_dates=["2026-05-15", "2026-06-15"], scores=[10, 65], stages=[1, 3]
        )
    )

    (trace,) = figure.data
    assert list(trace.x) == ["2026-05-15", "2026-06-15"]
    assert list(trace.y) == [10, 65]
    assert list(trace.text) == ["stage 1", "stage 3"]
    assert list(trace.marker.color) == ["#ca8a04", "#dc2626"]
    assert tuple(figure.layout.yaxis.range) == (0, 105)
