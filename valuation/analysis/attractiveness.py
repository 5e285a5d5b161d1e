"""Attractiveness, margin and portfolio segment (DOMAIN.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.analysis.columns import (
    ACCOUNT,
    ATTRACTIVENESS,
    CRITERIA_SCORE_COLUMNS,
    DEVELOP,
    INVEST,
    MAINTAIN,
    MARGIN,
    REASSESS,
    SCORE,
    SEGMENT,
    WEIGHT,
)
from valuation.analysis.frames import require_columns

# Segment comparisons use the values as stored (6 dp), so a margin shown as 0.100000
# is never classified below a 0.10 target because of float noise.
_COMPARISON_DECIMALS = 6


def attractiveness(criteria_scores: pd.DataFrame, growth_rate: pd.Series) -> pd.Series:
    """A (0-100) per account from the weighted selection-criteria scores.

    criteria_scores: ACCOUNT, CRITERION, WEIGHT (> 0), SCORE (1-5); one row per account
      and criterion. Rows without a score or weight are not "scored".
    growth_rate: float Series indexed by account; its index is the output's index.
    A = 100·Σw·(s−1) / (4·Σw) over the scored criteria; an account with no scored
    criterion (or weights summing to 0) gets A = clip(50 + 100·g, 0, 100).
    Output: float Series named ATTRACTIVENESS, unrounded.
    """
    require_columns(criteria_scores, CRITERIA_SCORE_COLUMNS, "criteria scores")
    scored = pd.DataFrame(
        {
            ACCOUNT: criteria_scores[ACCOUNT],
            WEIGHT: criteria_scores[WEIGHT].astype("float64"),
            SCORE: criteria_scores[SCORE].astype("float64"),
        }
    ).dropna()
    scored["weighted"] = scored[WEIGHT] * (scored[SCORE] - 1.0)
    sums = scored.groupby(ACCOUNT)[[WEIGHT, "weighted"]].sum().reindex(growth_rate.index)
    total_weight = sums[WEIGHT].fillna(0.0).to_numpy("float64")
    weighted = sums["weighted"].to_numpy("float64")  # NaN only where there is no weight
    has_scores = total_weight != 0
    from_scores = np.divide(
        100.0 * weighted, 4.0 * total_weight, out=np.zeros_like(weighted), where=has_scores
    )
    from_growth = np.clip(50.0 + 100.0 * growth_rate.to_numpy("float64"), 0.0, 100.0)
    return pd.Series(
        np.where(has_scores, from_scores, from_growth), index=growth_rate.index, name=ATTRACTIVENESS
    )


def margin(net_profit: pd.Series, revenue_ttm: pd.Series) -> pd.Series:
    """margin = net_profit_ttm / revenue_ttm, 0 when revenue_ttm is 0 (float Series)."""
    revenue = revenue_ttm.to_numpy("float64")
    # pandas divides by 0 without a warning; where() then puts the 0 in.
    return (net_profit.astype("float64") / revenue).where(revenue != 0, 0.0).rename(MARGIN)


def segment(
    attractiveness_score: pd.Series,
    account_margin: pd.Series,
    attractiveness_threshold: float,
    margin_target: float,
) -> pd.Series:
    """Portfolio segment per account.

    invest: A ≥ threshold and margin ≥ target; develop: A ≥ threshold, margin below;
    maintain: A below, margin ≥ target; reassess: both below. Both boundaries are
    inclusive (A = 60 with threshold 60 is "high"). Values are compared after rounding
    to 6 dp, as stored. Output: object Series named SEGMENT, same index.
    """
    is_attractive = attractiveness_score.astype("float64").round(_COMPARISON_DECIMALS) >= float(
        attractiveness_threshold
    )
    is_profitable = account_margin.astype("float64").round(_COMPARISON_DECIMALS) >= float(
        margin_target
    )
    values = np.select(
        [is_attractive & is_profitable, is_attractive, is_profitable],
        [INVEST, DEVELOP, MAINTAIN],
        default=REASSESS,
    )
    return pd.Series(values, index=attractiveness_score.index, name=SEGMENT, dtype="object")
