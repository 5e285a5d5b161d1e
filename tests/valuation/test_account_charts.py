"""The account's two charts drawn from what the valuation selectors return."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from valuation.charts import account_cost_figure, account_revenue_figure


def test_revenue_chart_has_a_bar_per_location_and_the_forecast() -> None:
    revenue = SimpleNamespace(
        windows=[SimpleNamespace(title="2024"), SimpleNamespace(title="2025")],
        locations=[
            SimpleNamespace(location="Plant", by_window=[Decimal("10.5"), Decimal("12")]),
            SimpleNamespace(location="Office", by_window=[Decimal("1"), Decimal("2")]),
        ],
        forecast_windows=[SimpleNamespace(title="2026")],
        forecast=[Decimal("15")],
        forecast_is_recorded=False,
    )

    figure = account_revenue_figure(revenue)

    assert [(trace.name, list(trace.y)) for trace in figure.data] == [
        ("Plant", [10.5, 12.0]),
        ("Office", [1.0, 2.0]),
        ("Forecast (from growth)", [15.0]),
    ]


def test_cost_chart_has_one_bar_per_activity_type() -> None:
    cost = SimpleNamespace(
        lines=[
            SimpleNamespace(name="Visits", cost=Decimal("300"), is_investment=True),
            SimpleNamespace(name="Picking", cost=Decimal("100"), is_investment=False),
        ]
    )

    figure = account_cost_figure(cost)

    values = {name: x for trace in figure.data for name, x in zip(trace.y, trace.x, strict=True)}
    assert values == {"Visits": 300.0, "Picking": 100.0}
