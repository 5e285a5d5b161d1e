"""The dashboard's figures on small inputs: the data drawn, colours, marks and lines.
Every figure is also rebuilt with plotly's validation on, since the module skips it."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pytest

from portfolio import charts
from portfolio.charts import AccountAmount, AccountPair, MatrixPoint, ParetoBar, TrendPoint


def _validated(figure: go.Figure) -> dict[str, Any]:
    """The figure as plotly JSON after a round trip through the validating constructor
    (raises ValueError on any invalid property)."""
    return go.Figure(figure.to_plotly_json()).to_plotly_json()


def test_matrix_one_trace_per_segment_with_bubbles_by_revenue_and_churn_rings() -> None:
    points = [
        MatrixPoint("Alpha", 80.0, 0.4, 400.0, "invest", 0),
        MatrixPoint("Beta", 30.0, -0.2, 100.0, "reassess", 3, churn_score=45, at_risk=True),
        MatrixPoint("Gamma", 70.0, 0.05, 200.0, "develop", 1, churn_score=30, at_risk=True),
        # a signal fired but the score is below at_risk_score: not ringed
        MatrixPoint("Delta", 75.0, 0.2, 50.0, "invest", 1, churn_score=10),
    ]
    figure = _validated(
        charts.portfolio_matrix_figure(
            points=points, attractiveness_threshold=60, margin_target=0.1
        )
    )
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert list(traces) == ["Invest", "Develop", "Reassess", "At churn risk (ringed)"]
    invest = traces["Invest"]
    assert list(invest["x"]) == [80.0, 75.0]
    assert list(invest["y"]) == [0.4, 0.2]
    assert list(invest["hovertext"]) == ["Alpha", "Delta"]
    assert list(invest["text"]) == ["Alpha", "Delta"]  # four accounts: each is among the largest
    assert list(invest["marker"]["size"]) == [400.0, 50.0]
    assert invest["marker"]["color"] == charts.SEGMENT_COLOURS["invest"]
    # the largest bubble (400) is BUBBLE_MAX_PIXELS across: sizeref = 2·400/40²
    assert invest["marker"]["sizeref"] == pytest.approx(2 * 400 / 40**2)
    assert traces["Reassess"]["marker"]["color"] == charts.SEGMENT_COLOURS["reassess"]
    ring = traces["At churn risk (ringed)"]
    assert list(ring["x"]) == [30.0, 70.0]
    assert list(ring["text"]) == ["Beta", "Gamma"]
    assert [list(pair) for pair in ring["customdata"]] == [[3, 45], [1, 30]]
    assert ring["mode"] == "markers"  # no labels written on the chart to overlap
    assert ring["marker"]["symbol"] == "circle-open"
    threshold, target = figure["layout"]["shapes"]
    assert (threshold["x0"], threshold["x1"], threshold["xref"]) == (60, 60, "x")
    assert (target["y0"], target["y1"], target["yref"]) == (0.1, 0.1, "y")


def test_matrix_names_only_the_five_largest_and_the_three_riskiest_bubbles() -> None:
    # twelve accounts: revenue 1,200 for A down to 100 for L; G to L at churn risk, the
    # scores rising from G (10) to L (60)
    points = [
        MatrixPoint(
            name,
            10.0 * rank,
            0.1,
            1200.0 - 100.0 * rank,
            "invest",
            2,
            churn_score=10 * (rank - 5) if rank >= 6 else 0,
            at_risk=rank >= 6,
        )
        for rank, name in enumerate("ABCDEFGHIJKL")
    ]
    figure = _validated(
        charts.portfolio_matrix_figure(points=points, attractiveness_threshold=60, margin_target=0)
    )
    (invest,) = (trace for trace in figure["data"] if trace["name"] == "Invest")
    # the five largest (A-E) and the three highest scores (J 40, K 50, L 60) are named beside
    # their bubble, the others in their hover only
    assert list(invest["text"]) == [*"ABCDE", "", "", "", "", *"JKL"]
    assert list(invest["hovertext"]) == list("ABCDEFGHIJKL")
    assert invest["mode"] == "markers+text"
    assert "%{hovertext}" in invest["hovertemplate"]
    # names sit on the side of the bubble towards the middle, so none is cut off
    assert list(invest["textposition"]) == ["middle right"] * 6 + ["middle left"] * 6


def test_matrix_of_no_accounts_still_draws_the_thresholds() -> None:
    figure = _validated(
        charts.portfolio_matrix_figure(points=[], attractiveness_threshold=50, margin_target=0.2)
    )
    assert figure["data"] == []
    assert len(figure["layout"]["shapes"]) == 2


def test_lorenz_curve_equality_line_and_top_twenty_percent_mark() -> None:
    figure = _validated(
        charts.lorenz_figure(
            account_shares=[0.0, 0.5, 1.0], revenue_shares=[0.0, 0.25, 1.0], top_share=0.6
        )
    )
    equality, curve, top = figure["data"]
    assert (list(equality["x"]), list(equality["y"])) == ([0.0, 1.0], [0.0, 1.0])
    assert (list(curve["x"]), list(curve["y"])) == ([0.0, 0.5, 1.0], [0.0, 0.25, 1.0])
    # the top 20 % hold 60 %: the other 80 % of accounts hold 40 %
    assert (list(top["x"]), list(top["y"])) == ([0.8], [pytest.approx(0.4)])
    assert top["name"] == (
        "The top 20 % of accounts hold 60 % of revenue (the other 80 %, up to this point, 40 %)"
    )


def test_lorenz_marks_the_top_accounts_where_the_rest_end() -> None:
    # two accounts: the top 20 % is one account, starting halfway along the x axis
    figure = _validated(
        charts.lorenz_figure(
            account_shares=[0.0, 0.5, 1.0],
            revenue_shares=[0.0, 0.3, 1.0],
            top_share=0.7,
            rest_account_share=0.5,
        )
    )
    top = figure["data"][2]
    assert (list(top["x"]), list(top["y"])) == ([0.5], [pytest.approx(0.3)])


def test_lorenz_without_revenue_has_no_top_mark() -> None:
    figure = _validated(charts.lorenz_figure(account_shares=[], revenue_shares=[], top_share=None))
    assert [trace["name"] for trace in figure["data"]] == [
        "Equal revenue per account",
        "Lorenz curve",
    ]


def test_pareto_bars_cumulative_line_vital_few_colours_and_the_80_percent_line() -> None:
    bars = [
        ParetoBar("Picking", 700.0, 0.7, True),
        ParetoBar("Visits", 200.0, 0.9, True),
        ParetoBar("Returns", 100.0, 1.0, False),
    ]
    figure = _validated(charts.cost_pareto_figure(bars=bars))
    costs, cumulative = figure["data"]
    assert list(costs["x"]) == ["Picking", "Visits", "Returns"]
    assert list(costs["y"]) == [700.0, 200.0, 100.0]
    assert list(costs["marker"]["color"]) == [
        charts.VITAL_FEW_COLOUR,
        charts.VITAL_FEW_COLOUR,
        charts.TRIVIAL_MANY_COLOUR,
    ]
    assert list(cumulative["y"]) == [0.7, 0.9, 1.0]
    assert cumulative["yaxis"] == "y2"
    (line,) = figure["layout"]["shapes"]
    assert (line["y0"], line["y1"], line["yref"]) == (0.8, 0.8, "y2")
    assert figure["layout"]["yaxis2"]["tickformat"] == ".0%"


def test_creators_on_top_drainers_at_the_bottom_in_red() -> None:
    figure = _validated(
        charts.creators_drainers_figure(
            creators=[AccountAmount("Big", 900.0), AccountAmount("Small", 10.0)],
            drainers=[AccountAmount("Leak", -5.0), AccountAmount("Sink", -300.0)],
        )
    )
    (bars,) = figure["data"]
    # plotly draws horizontal bars bottom-up: the worst drainer first, the best creator last
    assert list(bars["y"]) == ["Sink", "Leak", "Small", "Big"]
    assert list(bars["x"]) == [-300.0, -5.0, 10.0, 900.0]
    assert list(bars["marker"]["color"]) == [
        charts.DRAINER_COLOUR,
        charts.DRAINER_COLOUR,
        charts.CREATOR_COLOUR,
        charts.CREATOR_COLOUR,
    ]
    assert bars["orientation"] == "h"


def test_ltv_against_replacement_cost_side_by_side() -> None:
    figure = _validated(
        charts.ltv_replacement_figure(
            rows=[AccountPair("Alpha", 44_000.0, 75_000.0), AccountPair("Beta", -100.0, 25_000.0)]
        )
    )
    ltv, replacement = figure["data"]
    assert (ltv["name"], list(ltv["x"]), list(ltv["y"])) == (
        "Lifetime value",
        ["Alpha", "Beta"],
        [44_000.0, -100.0],
    )
    assert (replacement["name"], list(replacement["y"])) == (
        "Replacement cost",
        [75_000.0, 25_000.0],
    )
    assert ltv["marker"]["color"] == charts.LTV_COLOUR
    assert figure["layout"]["barmode"] == "group"


def test_value_delivered_against_received() -> None:
    figure = _validated(
        charts.value_exchange_figure(rows=[AccountPair("Alpha", 20_000.0, 5_000.0)])
    )
    delivered, received = figure["data"]
    assert (delivered["name"], list(delivered["y"])) == ("Value delivered", [20_000.0])
    assert (received["name"], list(received["y"])) == ("Value received", [5_000.0])
    assert (delivered["marker"]["color"], received["marker"]["color"]) == (
        charts.DELIVERED_COLOUR,
        charts.RECEIVED_COLOUR,
    )


def test_trend_one_line_per_total_in_run_order() -> None:
    figure = _validated(
        charts.portfolio_trend_figure(
            points=[
                TrendPoint("2025-06-15", {"revenue_ttm": 110.0, "net_profit_ttm": 40.0}),
                TrendPoint("2026-06-15", {"revenue_ttm": 171.0, "net_profit_ttm": 53.4}),
            ]
        )
    )
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert list(lines) == list(charts.TREND_LABELS.values())
    assert list(lines["Revenue TTM"]["x"]) == ["2025-06-15", "2026-06-15"]
    assert list(lines["Revenue TTM"]["y"]) == [110.0, 171.0]
    assert list(lines["Net profit TTM"]["y"]) == [40.0, 53.4]
    assert list(lines["Cost to serve TTM"]["y"]) == [0.0, 0.0]  # missing totals draw as 0


def test_figures_carry_no_plotly_template() -> None:
    figure = charts.cost_pareto_figure(bars=[ParetoBar("A", 1.0, 1.0, True)]).to_plotly_json()
    assert figure["layout"]["template"] == {}


def test_figure_json_is_the_figure_plotly_would_serialise() -> None:
    figure = charts.cost_pareto_figure(
        bars=[ParetoBar("Picking", 700.0, 0.7, True), ParetoBar("Visits", 300.0, 1.0, False)]
    )
    fast = charts.figure_json(figure)
    slow = figure.to_plotly_json()
    assert fast["data"] == slow["data"]
    assert fast["layout"]["shapes"] == slow["layout"]["shapes"]
