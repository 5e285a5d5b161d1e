"""Retention and lifetime value (DOMAIN.md).

r = base_retention × (1 − churn_score / 100)
ltv = Σ_{t=1..H} m·(1+g)^(t−1)·r^(t−1) / (1+d)^t

m: net_profit_ttm (currency units, may be negative: a value drainer keeps a negative
ltv), g: growth_rate (fraction per year), r: retention (fraction), d: discount_rate
(fraction per year), H: horizon_years (whole years ≥ 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.analysis.columns import (
    CUMULATIVE_DISCOUNTED_VALUE,
    DISCOUNTED_VALUE,
    LTV,
    RETENTION,
    VALUE,
    YEAR,
)


def retention(churn_score: pd.Series, base_retention: float) -> pd.Series:
    """r = base_retention × (1 − churn_score/100) per account.

    Input: churn_score 0..100 (float Series). Output: float Series, same index, named
    RETENTION (fraction per year).
    """
    score = churn_score.astype("float64")
    return (float(base_retention) * (1.0 - score / 100.0)).rename(RETENTION)


def _yearly_factors(
    growth_rate: np.ndarray, retention_rate: np.ndarray, discount_rate: float, horizon_years: int
) -> np.ndarray:
    """(accounts × years) matrix of ((1+g)·r)^(t−1) / (1+d)^t for t = 1..H."""
    years = np.arange(1, int(horizon_years) + 1, dtype="float64")
    carried = ((1.0 + growth_rate) * retention_rate)[:, None]
    return np.power(carried, years - 1.0) / np.power(1.0 + float(discount_rate), years)


def lifetime_value(
    net_profit: pd.Series,
    growth_rate: pd.Series,
    retention_rate: pd.Series,
    discount_rate: float,
    horizon_years: int,
) -> pd.Series:
    """Discounted lifetime value per account.

    Inputs: three aligned float Series (net_profit_ttm in currency units, growth_rate,
    retention) and the scalar discount rate and horizon. With r = 0 only the first year
    counts (0^0 = 1). Output: float Series named LTV, same index, unrounded.
    """
    factors = _yearly_factors(
        growth_rate.to_numpy("float64"),
        retention_rate.to_numpy("float64"),
        discount_rate,
        horizon_years,
    )
    values = net_profit.to_numpy("float64") * factors.sum(axis=1)
    return pd.Series(values, index=net_profit.index, name=LTV)


def value_projection(
    net_profit: float,
    growth_rate: float,
    retention_rate: float,
    discount_rate: float,
    horizon_years: int = 10,
) -> pd.DataFrame:
    """Year-by-year projection of one account's value (the ten-year value chart).

    Inputs: scalars as in ``lifetime_value``. Output: DataFrame with one row per year
    t = 1..H: YEAR (int), VALUE = m·(1+g)^(t−1)·r^(t−1), DISCOUNTED_VALUE = VALUE/(1+d)^t
    and CUMULATIVE_DISCOUNTED_VALUE (running sum; its last row equals the ltv). Money
    is rounded to cents after the running sum is taken.
    """
    years = np.arange(1, int(horizon_years) + 1)
    factors = _yearly_factors(
        np.array([float(growth_rate)]),
        np.array([float(retention_rate)]),
        discount_rate,
        horizon_years,
    )[0]
    discounted = float(net_profit) * factors
    value = discounted * np.power(1.0 + float(discount_rate), years)
    frame = pd.DataFrame(
        {
            YEAR: years,
            VALUE: value,
            DISCOUNTED_VALUE: discounted,
            CUMULATIVE_DISCOUNTED_VALUE: np.cumsum(discounted),
        }
    )
    money = [VALUE, DISCOUNTED_VALUE, CUMULATIVE_DISCOUNTED_VALUE]
    frame[money] = frame[money].round(2) + 0.0
    return frame
