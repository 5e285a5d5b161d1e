from datetime import date

import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.revenue import (
    forecast_2y,
    growth_rate,
    revenue_by_location,
    revenue_summary,
    revenue_windows,
)
from valuation.analysis.windows import Windows

AS_OF = date(2026, 6, 15)
WINDOWS = Windows.from_as_of(AS_OF)  # Y1 Jul 2023-Jun 2024, Y2 Jul 2024-Jun 2025, Y3 Jul 2025-T


def revenue_frame(rows):
    return pd.DataFrame(
        rows, columns=[c.ACCOUNT, c.PERIOD_START, c.REVENUE, c.COST_OF_GOODS, c.LOCATION]
    )


def forecast_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.PERIOD_START, c.AMOUNT])


RAW_REVENUE = revenue_frame(
    [
        (1, date(2023, 6, 1), 999.0, 0.0, "Lyon"),  # before Y1: ignored
        (1, date(2023, 7, 1), 40_000.0, 10_000.0, "Lyon"),  # Y1
        (1, date(2024, 6, 1), 60_000.0, 20_000.0, "Lyon"),  # Y1
        (1, date(2024, 7, 1), 120_000.0, 0.0, "Paris"),  # Y2
        (1, date(2025, 7, 1), 60_000.0, 20_000.0, "Lyon"),  # Y3
        (1, date(2025, 7, 1), 40_000.0, 10_000.0, "Lyon"),  # Y3, same month and location
        (1, date(2026, 6, 1), 21_000.0, 1_000.0, "Paris"),  # Y3 (T's month)
        (1, date(2026, 6, 16), 5_000.0, 0.0, "Paris"),  # after T: ignored
        (1, date(2026, 7, 1), 5_000.0, 0.0, "Paris"),  # after T: ignored
    ]
)


def test_revenue_windows_per_account():
    result = revenue_windows(RAW_REVENUE, WINDOWS)

    row = result.loc[1]
    assert row[c.REVENUE_Y1] == 100_000.0  # 40 000 + 60 000
    assert row[c.REVENUE_Y2] == 120_000.0
    assert row[c.REVENUE_TTM] == 121_000.0  # 60 000 + 40 000 + 21 000
    assert row[c.REVENUE_3Y] == 341_000.0  # 100 000 + 120 000 + 121 000
    # (60 000 − 20 000) + (40 000 − 10 000) + (21 000 − 1 000) = 90 000
    assert row[c.GROSS_MARGIN_TTM] == 90_000.0


def test_growth_and_fallback_forecast():
    result = revenue_summary(RAW_REVENUE, forecast_frame([]), WINDOWS)

    # g = (121 000 / 100 000)^(1/2) − 1 = 1.1 − 1 = 0.1
    assert result.loc[1, c.GROWTH_RATE] == pytest.approx(0.1)
    # no forecast records: 121 000 × 1.1 + 121 000 × 1.21 = 133 100 + 146 410 = 279 510
    assert round(result.loc[1, c.FORECAST_2Y], 2) == 279_510.00


def test_pre_summed_revenue_gives_identical_results():
    summed = (
        RAW_REVENUE.groupby([c.ACCOUNT, c.PERIOD_START, c.LOCATION], as_index=False)[
            [c.REVENUE, c.COST_OF_GOODS]
        ]
        .sum()
        .sample(frac=1.0, random_state=3)
    )
    assert len(summed) < len(RAW_REVENUE)

    raw = revenue_summary(RAW_REVENUE, forecast_frame([]), WINDOWS)
    pre_summed = revenue_summary(summed, forecast_frame([]), WINDOWS)

    pd.testing.assert_frame_equal(raw.round(2), pre_summed.round(2))


@pytest.mark.parametrize(
    ("y1", "y3", "expected"),
    [
        (100.0, 121.0, 0.1),  # √1.21 − 1
        (100.0, 400.0, 0.5),  # √4 − 1 = 1.0, clipped to 0.5
        (400.0, 25.0, -0.5),  # √(1/16) − 1 = −0.75, clipped to −0.5
        (100.0, 64.0, -0.2),  # √0.64 − 1
        (0.0, 500.0, 0.0),  # Y1 empty
        (-50.0, 500.0, 0.0),  # Y1 negative (credit notes)
        (500.0, 0.0, 0.0),  # Y3 empty
        (0.25, 0.36, 0.2),  # amounts below 1 grow like any other: √1.44 − 1
        (0.36, 0.25, -1 / 6),  # √(0.25/0.36) − 1 = 5/6 − 1
    ],
)
def test_growth_rate(y1, y3, expected):
    result = growth_rate(pd.Series([y1]), pd.Series([y3]))

    assert result.iloc[0] == pytest.approx(expected)


def test_no_revenue_at_all_gives_zeros():
    result = revenue_summary(
        revenue_frame([]), forecast_frame([]), WINDOWS, accounts=pd.Index([7, 8])
    )

    assert result.loc[[7, 8]].to_numpy().tolist() == [[0.0] * 7, [0.0] * 7]


def test_forecast_records_replace_the_fallback():
    revenue = revenue_frame(
        [
            (2, date(2026, 1, 1), 100_000.0, 0.0, None),
            (3, date(2026, 1, 1), 100_000.0, 0.0, None),
            (4, date(2026, 1, 1), 100_000.0, 0.0, None),
        ]
    )
    forecasts = forecast_frame(
        [
            (2, date(2026, 6, 1), 999.0),  # T's month, not after T: ignored
            (2, date(2026, 7, 1), 50_000.0),  # first forecast month
            (2, date(2028, 6, 1), 25_000.0),  # 24th forecast month
            (2, date(2028, 7, 1), 999.0),  # 25th month: ignored
            (3, date(2027, 1, 1), 0.0),  # an explicit zero forecast is a forecast
            (4, date(2029, 1, 1), 80_000.0),  # out of range only: fallback
        ]
    )

    result = revenue_summary(revenue, forecasts, WINDOWS)

    assert result.loc[2, c.FORECAST_2Y] == 75_000.0  # 50 000 + 25 000
    assert result.loc[3, c.FORECAST_2Y] == 0.0
    # Y1 empty → g = 0: 100 000 × 1 + 100 000 × 1 = 200 000
    assert result.loc[4, c.FORECAST_2Y] == 200_000.0


def test_forecast_fallback_with_clipped_negative_growth():
    revenue = revenue_frame(
        [(5, date(2024, 1, 1), 400_000.0, 0.0, None), (5, date(2026, 1, 1), 25_000.0, 0.0, None)]
    )

    result = revenue_summary(revenue, forecast_frame([]), WINDOWS)

    # g clipped to −0.5: 25 000 × 0.5 + 25 000 × 0.25 = 12 500 + 6 250
    assert result.loc[5, c.FORECAST_2Y] == 18_750.0


def test_revenue_by_location_per_window():
    result = revenue_by_location(RAW_REVENUE, WINDOWS)

    assert result.to_dict("records") == [
        {c.ACCOUNT: 1, c.LOCATION: "Lyon", c.WINDOW: "Y1", c.REVENUE: 100_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Lyon", c.WINDOW: "Y3", c.REVENUE: 100_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Paris", c.WINDOW: "Y2", c.REVENUE: 120_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Paris", c.WINDOW: "Y3", c.REVENUE: 21_000.0},
    ]


def test_revenue_without_location_column():
    revenue = RAW_REVENUE.drop(columns=c.LOCATION)

    result = revenue_by_location(revenue, WINDOWS)

    assert result[c.REVENUE].tolist() == [100_000.0, 120_000.0, 121_000.0]
    assert result[c.LOCATION].isna().all()


def test_missing_column_is_reported():
    with pytest.raises(ValueError, match="cost_of_goods"):
        revenue_windows(RAW_REVENUE.drop(columns=c.COST_OF_GOODS), WINDOWS)


def test_an_account_without_revenue_in_the_last_twelve_months_has_no_gross_margin():
    # Y1 and Y2 only: revenue_ttm and gross_margin_ttm are 0, not left empty or made up
    revenue = revenue_frame(
        [(6, date(2024, 1, 1), 1_000.0, 600.0, None), (6, date(2025, 1, 1), 500.0, 100.0, None)]
    )

    result = revenue_windows(revenue, WINDOWS)

    assert result.loc[6].tolist() == [1_000.0, 500.0, 0.0, 1_500.0, 0.0]


def test_figures_are_indexed_and_named_by_their_domain_names():
    revenue = revenue_frame([(2, date(2026, 1, 1), 100.0, 0.0, None)])

    summary = revenue_summary(revenue, forecast_frame([]), WINDOWS, accounts=pd.Index([2, 9]))
    growth = growth_rate(pd.Series([1.0]), pd.Series([1.0]))

    assert summary.index.name == c.ACCOUNT
    assert summary.index.tolist() == [2, 9]
    assert revenue_windows(revenue, WINDOWS).index.name == c.ACCOUNT
    assert growth.name == c.GROWTH_RATE
    ttm = summary[c.REVENUE_TTM]
    assert forecast_2y(forecast_frame([]), ttm, ttm * 0, WINDOWS).name == c.FORECAST_2Y
    assert summary.loc[9].tolist() == [0.0] * 7  # no data: zeros, a fallback forecast of 0


def test_revenue_by_location_is_numbered_from_zero_in_its_order():
    result = revenue_by_location(RAW_REVENUE, WINDOWS)

    assert result.index.tolist() == [0, 1, 2, 3]


def test_revenue_by_location_sorts_rows_without_a_location_last():
    revenue = revenue_frame(
        [
            (2, date(2026, 1, 1), 1.0, 0.0, "Paris"),
            (1, date(2026, 1, 1), 2.0, 0.0, None),
            (1, date(2026, 1, 1), 3.0, 0.0, "Lyon"),
            (1, date(2024, 1, 1), 4.0, 0.0, "Paris"),
        ]
    )

    result = revenue_by_location(revenue, WINDOWS)

    assert result.fillna({c.LOCATION: "(none)"}).values.tolist() == [
        [1, "Lyon", "Y3", 3.0],
        [1, "Paris", "Y1", 4.0],
        [1, "(none)", "Y3", 2.0],
        [2, "Paris", "Y3", 1.0],
    ]
