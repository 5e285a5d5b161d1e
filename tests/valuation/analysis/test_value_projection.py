"""The ten-year value chart's numbers: value_projection year by year, checked by hand, and
always summing to lifetime_value."""

import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.lifetime_value import lifetime_value, value_projection


def test_positive_net_profit_with_growth_and_churn():
    # m 48 400, g 0.1, r 0.81, d 0.1: (1+g)·r = 0.891, so value_t = 48 400·0.891^(t−1)
    result = value_projection(48_400.0, 0.1, 0.81, 0.10, horizon_years=3)

    assert result[c.YEAR].tolist() == [1, 2, 3]
    # 48 400; 48 400·0.891 = 43 124.4; 43 124.4·0.891 = 38 423.8404
    assert result[c.VALUE].tolist() == [48_400.0, 43_124.4, 38_423.84]
    # ÷ 1.1, 1.21, 1.331: 44 000; 35 640; 28 868.4
    assert result[c.DISCOUNTED_VALUE].tolist() == [44_000.0, 35_640.0, 28_868.4]
    assert result[c.CUMULATIVE_DISCOUNTED_VALUE].tolist() == [44_000.0, 79_640.0, 108_508.4]


def test_negative_net_profit_keeps_its_sign_every_year():
    # a value drainer: m −1 000, g 0, r 0.5, d 0 → −1 000, −500, −250, −125
    result = value_projection(-1_000.0, 0.0, 0.5, 0.0, horizon_years=4)

    assert result[c.VALUE].tolist() == [-1_000.0, -500.0, -250.0, -125.0]
    assert result[c.DISCOUNTED_VALUE].tolist() == [-1_000.0, -500.0, -250.0, -125.0]
    assert result[c.CUMULATIVE_DISCOUNTED_VALUE].tolist() == [
        -1_000.0,
        -1_500.0,
        -1_750.0,
        -1_875.0,
    ]


def test_horizon_sets_the_number_of_years():
    one = value_projection(1_000.0, 0.2, 0.9, 0.25, horizon_years=1)
    five = value_projection(1_000.0, 0.0, 1.0, 0.0, horizon_years=5)

    # one year: 1 000 / 1.25 = 800 (growth and retention only start in year 2)
    assert one[c.DISCOUNTED_VALUE].tolist() == [800.0]
    # no growth, no churn, no discount: 1 000 a year, 5 000 after five years
    assert five[c.YEAR].tolist() == [1, 2, 3, 4, 5]
    assert five[c.CUMULATIVE_DISCOUNTED_VALUE].iloc[-1] == 5_000.0


def test_zero_net_profit_projects_zero():
    result = value_projection(0.0, 0.5, 0.9, 0.1)

    assert result[c.VALUE].tolist() == [0.0] * 10
    assert result[c.CUMULATIVE_DISCOUNTED_VALUE].iloc[-1] == 0.0


@pytest.mark.parametrize(
    ("m", "g", "r", "d", "horizon"),
    [
        (48_400.0, 0.1, 0.81, 0.10, 10),
        (-12_345.67, -0.5, 0.45, 0.07, 10),
        (250_000.0, 0.5, 0.9, 0.0, 25),
        (999.99, 0.03, 0.0, 0.2, 7),
    ],
)
def test_projection_sums_to_the_lifetime_value(m, g, r, d, horizon):
    projection = value_projection(m, g, r, d, horizon_years=horizon)
    ltv = lifetime_value(pd.Series([m]), pd.Series([g]), pd.Series([r]), d, horizon).iloc[0]

    assert len(projection) == horizon
    assert projection[c.CUMULATIVE_DISCOUNTED_VALUE].iloc[-1] == pytest.approx(
        round(ltv, 2), abs=0.01
    )
    assert projection[c.DISCOUNTED_VALUE].sum() == pytest.approx(ltv, abs=0.01 * horizon)
