"""Replacement cost: how many small accounts it would take to replace an account.

S = median revenue_ttm of the run's 'transactional' accounts with revenue_ttm > 0
    (the parameter small_account_revenue when there are none);
n = ⌈revenue_ttm / S⌉ when revenue_ttm > 0, else 0;
replacement_cost = n × acquisition_cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.analysis.columns import REPLACEMENT_COST, REPLACEMENT_CUSTOMERS, TRANSACTIONAL

# revenue/S is rounded to this many places before ⌈⌉ so float noise such as
# 11.000000000000002 does not add a whole customer.
_RATIO_DECIMALS = 9


def small_account_size(
    designation: pd.Series, revenue_ttm: pd.Series, small_account_revenue: float
) -> float:
    """S: median revenue_ttm of transactional accounts with revenue_ttm > 0.

    Inputs: designation (str) and revenue_ttm (float) Series aligned on account;
    small_account_revenue: the fallback when no transactional account has revenue.
    Output: S in currency units (> 0 when the fallback is > 0).
    """
    revenue = revenue_ttm.astype("float64")
    eligible = revenue[designation.eq(TRANSACTIONAL) & (revenue > 0)]
    if eligible.empty:
        return float(small_account_revenue)
    return float(eligible.median())


def replacement_cost(
    revenue_ttm: pd.Series, small_account_revenue: float, acquisition_cost: float
) -> pd.DataFrame:
    """Replacement customers n and replacement cost per account.

    Inputs: revenue_ttm (float Series, currency units), S (``small_account_size``, > 0),
    acquisition_cost (currency units per new customer).
    Output: DataFrame, same index, with REPLACEMENT_CUSTOMERS (int64) and
    REPLACEMENT_COST (float, unrounded).
    """
    revenue = revenue_ttm.to_numpy("float64")
    ratio = np.round(revenue / float(small_account_revenue), _RATIO_DECIMALS)
    customers = np.where(revenue > 0, np.ceil(ratio), 0).astype("int64")
    return pd.DataFrame(
        {
            REPLACEMENT_CUSTOMERS: customers,
            REPLACEMENT_COST: customers * float(acquisition_cost),
        },
        index=revenue_ttm.index,
    )
