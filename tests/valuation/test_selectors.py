"""Rate in force, windows, and the account's cost-to-serve, revenue and ledger summaries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ForecastFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)
from valuation.selectors import (
    account_cost_to_serve,
    account_revenue_summary,
    account_value_ledger,
    rate_in_force,
    revenue_windows,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def handling() -> Any:
    activity_type = ActivityTypeFactory(code="handling")
    ActivityRateFactory(
        activity_type=activity_type, effective_from=D(2024, 1, 1), unit_cost=Decimal("10")
    )
    ActivityRateFactory(
        activity_type=activity_type, effective_from=D(2025, 7, 1), unit_cost=Decimal("12")
    )
    return activity_type


@pytest.mark.parametrize(
    ("_case", "on", "expected"),
    [
        ("before the first rate", D(2023, 12, 31), None),
        ("on the first rate's day", D(2024, 1, 1), Decimal("10.00")),
        ("the day before the change", D(2025, 6, 30), Decimal("10.00")),
        ("on the change day", D(2025, 7, 1), Decimal("12.00")),
        ("after the change", D(2026, 3, 1), Decimal("12.00")),
    ],
)
def test_rate_in_force(handling: Any, _case: str, on: datetime.date, expected: Any) -> None:
    rate = rate_in_force(activity_type=handling, on=on)
    assert (rate.unit_cost if rate else None) == expected


def test_rate_of_another_type_does_not_apply(handling: Any) -> None:
    other = ActivityTypeFactory(code="other")
    assert rate_in_force(activity_type=other, on=D(2025, 1, 1)) is None


def test_revenue_windows_end_with_the_as_of_month() -> None:
    windows = revenue_windows(as_of=D(2026, 11, 26))
    assert [(w.label, w.start, w.end) for w in windows] == [
        ("Y1", D(2023, 12, 1), D(2024, 11, 30)),
        ("Y2", D(2024, 12, 1), D(2025, 11, 30)),
        ("TTM", D(2025, 12, 1), D(2026, 11, 26)),
    ]


def test_cost_to_serve_uses_the_rate_in_force_on_each_date(account: Any, handling: Any) -> None:
    # given activities on both sides of the rate change, one outside the window, and one
    # of a type with no rate at all
    visit = ActivityTypeFactory(code="visit", is_investment=True)
    ActivityRateFactory(activity_type=visit, effective_from=D(2020, 1, 1), unit_cost=Decimal("500"))
    unrated = ActivityTypeFactory(code="unrated")
    ServiceActivityFactory(account=account, activity_type=handling, date=D(2025, 6, 30), quantity=2)
    ServiceActivityFactory(account=account, activity_type=handling, date=D(2025, 7, 1), quantity=3)
    ServiceActivityFactory(account=account, activity_type=handling, date=D(2024, 1, 5), quantity=99)
    ServiceActivityFactory(account=account, activity_type=visit, date=D(2025, 9, 1), quantity=1)
    ServiceActivityFactory(account=account, activity_type=unrated, date=D(2025, 9, 1), quantity=4)

    # when
    result = account_cost_to_serve(account=account, as_of=D(2025, 12, 31))

    # then 2×10 + 3×12 = 56 for handling, 500 for the visit (an investment), 0 unrated
    assert [(line.code, line.cost, line.without_rate) for line in result.lines] == [
        ("visit", Decimal("500.00"), 0),
        ("handling", Decimal("56.00"), 0),
        ("unrated", Decimal("0.00"), 1),
    ]
    assert result.total == Decimal("556.00")
    assert result.retention_investment == Decimal("500.00")
    assert result.without_rate == 1


def test_revenue_summary_per_location_and_window(account: Any) -> None:
    RevenueRecordFactory(account=account, period_start=D(2023, 1, 1), revenue=Decimal("100"))
    RevenueRecordFactory(account=account, period_start=D(2024, 12, 1), revenue=Decimal("150"))
    RevenueRecordFactory(account=account, period_start=D(2025, 12, 1), revenue=Decimal("400"))
    ForecastFactory(account=account, period_start=D(2026, 1, 1), revenue=Decimal("700"))
    ForecastFactory(account=account, period_start=D(2027, 12, 1), revenue=Decimal("800"))
    ForecastFactory(account=account, period_start=D(2028, 1, 1), revenue=Decimal("999"))

    summary = account_revenue_summary(account=account, as_of=D(2025, 12, 31))

    assert [loc.location for loc in summary.locations] == ["Main plant"]
    assert summary.totals == [Decimal("100.00"), Decimal("150.00"), Decimal("400.00")]
    assert summary.forecast == [Decimal("700.00"), Decimal("800.00")]
    assert summary.forecast_is_recorded is True
    assert summary.gross_margin_ttm == Decimal("-200.00")  # 400 - 600 cost of goods


def test_revenue_summary_estimates_the_forecast_from_growth(account: Any) -> None:
    RevenueRecordFactory(account=account, period_start=D(2023, 6, 1), revenue=Decimal("100"))
    RevenueRecordFactory(account=account, period_start=D(2025, 6, 1), revenue=Decimal("121"))

    summary = account_revenue_summary(account=account, as_of=D(2025, 12, 31))

    # g = (121/100)^(1/2) - 1 = 0.1
    assert summary.forecast_is_recorded is False
    assert summary.forecast == [Decimal("133.10"), Decimal("146.41")]


def test_value_ledger_totals_and_ratio(account: Any) -> None:
    ValueEntryFactory(account=account, direction="delivered", amount=300, date=D(2025, 6, 1))
    ValueEntryFactory(account=account, direction="delivered", amount=100, date=D(2023, 6, 1))
    ValueEntryFactory(account=account, direction="received", amount=200, date=D(2025, 3, 1))

    ledger = account_value_ledger(account=account, as_of=D(2025, 12, 31))

    assert (ledger.delivered_ttm, ledger.received_ttm) == (Decimal("300"), Decimal("200"))
    assert ledger.ratio_ttm == Decimal("1.50")
    assert ledger.unconfirmed_stale == 3
