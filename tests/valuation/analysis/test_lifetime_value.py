import math

import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.lifetime_value import lifetime_value, retention, value_projection


def ltv(m, g, r, d=0.10, horizon=10):
    result = lifetime_value(pd.Series([m]), pd.Series([g]), pd.Series([r]), d, horizon)
    return round(result.iloc[0], 2)


def test_retention_from_churn_score():
    result = retention(pd.Series([0.0, 30.0, 100.0]), 0.9)

    # 0.9 × (1 − 0), 0.9 × (1 − 0.3), 0.9 × (1 − 1)
    assert result.tolist() == pytest.approx([0.9, 0.63, 0.0])


def test_ltv_without_growth_or_churn():
    # 1 000/1.1 + 1 000/1.21 = 909.0909 + 826.4463 = 1 735.5372
    assert ltv(1_000.0, 0.0, 1.0, horizon=2) == 1_735.54


def test_ltv_with_growth_and_retention():
    # (1+g)·r/(1+d) = 1.1 × 0.9 / 1.1 = 0.9, so
    # ltv = 1 000/1.1 × (1 + 0.9 + 0.81) = 909.0909 × 2.71 = 2 463.6364
    assert ltv(1_000.0, 0.1, 0.9, horizon=3) == 2_463.64
    # ten years: 909.0909 × (1 − 0.9^10)/(1 − 0.9) = 909.0909 × 6.513215599 = 5 921.1051
    assert ltv(1_000.0, 0.1, 0.9) == 5_921.11


def test_negative_net_profit_gives_negative_ltv():
    assert ltv(-1_000.0, 0.1, 0.9, horizon=3) == -2_463.64


def test_zero_retention_keeps_only_the_first_year():
    # r^0 = 1 for t = 1, then 0: 1 000/1.1
    assert ltv(1_000.0, 0.2, 0.0) == 909.09


def test_ltv_is_vectorised_per_account():
    result = lifetime_value(
        pd.Series([1_000.0, 0.0], index=["a", "b"]),
        pd.Series([0.1, 0.5], index=["a", "b"]),
        pd.Series([0.9, 0.9], index=["a", "b"]),
        0.10,
        3,
    )

    assert result.round(2).to_dict() == {"a": 2_463.64, "b": 0.0}


def test_value_projection_year_by_year():
    result = value_projection(1_000.0, 0.1, 0.9, 0.10, horizon_years=3)

    assert result[c.YEAR].tolist() == [1, 2, 3]
    # m·((1+g)·r)^(t−1): 1 000, 990, 980.1
    assert result[c.VALUE].tolist() == [1_000.0, 990.0, 980.1]
    # ÷ 1.1^t: 909.09, 818.18, 736.36
    assert result[c.DISCOUNTED_VALUE].tolist() == [909.09, 818.18, 736.36]
    # running sum, the last equals the ltv 2 463.64
    assert result[c.CUMULATIVE_DISCOUNTED_VALUE].tolist() == [909.09, 1_727.27, 2_463.64]


def test_value_projection_default_ten_years():
    result = value_projection(1_000.0, 0.1, 0.9, 0.10)

    assert len(result) == 10
    assert result[c.CUMULATIVE_DISCOUNTED_VALUE].iloc[-1] == 5_921.11


def test_outputs_carry_their_domain_names():
    index = pd.Index([7], name=c.ACCOUNT)
    ones = pd.Series([1.0], index=index)

    assert retention(pd.Series([0.0], index=index), 0.9).name == c.RETENTION
    result = lifetime_value(ones, ones * 0, ones, 0.1, 1)
    assert result.name == c.LTV
    assert result.index.equals(index)


def test_a_tiny_loss_projects_as_zero_not_minus_zero():
    frame = value_projection(
        net_profit=-0.001, growth_rate=0.0, retention_rate=0.5, discount_rate=0.1
    )

    money = frame[[c.VALUE, c.DISCOUNTED_VALUE, c.CUMULATIVE_DISCOUNTED_VALUE]]
    assert (money == 0.0).all().all()
    assert not any(math.copysign(1.0, value) < 0 for value in money.to_numpy().ravel())
