"""Activity-based cost to serve (DOMAIN.md).

activities: ACCOUNT, ACTIVITY_TYPE, DATE, QUANTITY, optionally ACTIVITY_COUNT.
  Rows may be single activities or pre-summed by (account, activity type, date) with
  QUANTITY summed; pass ACTIVITY_COUNT (how many activities the row holds) to keep the
  data-quality warning counts identical. Without ACTIVITY_COUNT each row counts as one.
rates: ACTIVITY_TYPE, EFFECTIVE_FROM, UNIT_COST (currency units per unit of quantity).
activity_types: ACTIVITY_TYPE, IS_INVESTMENT (bool; types missing here are not
  investments).

The unit cost of an activity is the rate of its type in force on its date: the rate
with the latest EFFECTIVE_FROM ≤ the activity date (so a rate applies from its
effective day on). Two rates of one type with the same EFFECTIVE_FROM: the later row of
``rates`` wins. An activity with no rate in force costs 0 and is reported in the run's
warnings. Only activities dated in Y3 (first day of Y3 ≤ date ≤ T) are costed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from valuation.analysis.columns import (
    ACCOUNT,
    ACTIVITY_COLUMNS,
    ACTIVITY_COUNT,
    ACTIVITY_TYPE,
    ACTIVITY_TYPE_COLUMNS,
    COST,
    COST_TO_SERVE_TTM,
    CUMULATIVE_SHARE,
    DATE,
    EFFECTIVE_FROM,
    IS_INVESTMENT,
    QUANTITY,
    RATE_COLUMNS,
    REASON,
    RETENTION_INVESTMENT_TTM,
    SHARE,
    UNIT_COST,
    VITAL_FEW,
)
from valuation.analysis.frames import require_columns, to_cents, to_float
from valuation.analysis.windows import Windows, as_datetime

BEFORE_FIRST_RATE = "before_first_rate"
NO_RATE = "no_rate"
VITAL_FEW_SHARE_NUMERATOR, VITAL_FEW_SHARE_DENOMINATOR = 4, 5  # 80 %, as an exact fraction


@dataclass(frozen=True)
class CostToServe:
    """Result of ``cost_to_serve``.

    by_account: DataFrame indexed by ACCOUNT with COST_TO_SERVE_TTM and
      RETENTION_INVESTMENT_TTM (unrounded floats; only accounts with Y3 activities).
    by_activity_type: float Series of Y3 cost indexed by ACTIVITY_TYPE.
    unrated: DataFrame ACTIVITY_TYPE, REASON ("before_first_rate" | "no_rate"),
      ACTIVITY_COUNT, QUANTITY: the Y3 activities costed at 0 for want of a rate.
    warnings: one plain-words sentence per row of ``unrated``.
    by_account_and_type: DataFrame ACCOUNT, ACTIVITY_TYPE, COST (unrounded float): the
      Y3 cost of each account and activity type with Y3 activities.
    """

    by_account: pd.DataFrame
    by_activity_type: pd.Series
    unrated: pd.DataFrame
    warnings: list[str]
    by_account_and_type: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[ACCOUNT, ACTIVITY_TYPE, COST])
    )


def costed_activities(
    activities: pd.DataFrame, rates: pd.DataFrame, windows: Windows
) -> pd.DataFrame:
    """The Y3 activities with their unit cost and cost.

    Inputs: see module docstring. Output: one row per Y3 activity row with ACCOUNT,
    ACTIVITY_TYPE, DATE (datetime64), QUANTITY, ACTIVITY_COUNT, UNIT_COST (NaN when no
    rate is in force), COST (= QUANTITY × UNIT_COST, 0 when no rate) and REASON (None, or
    why no rate applied).
    """
    require_columns(activities, ACTIVITY_COLUMNS, "activities")
    require_columns(rates, RATE_COLUMNS, "rates")
    counts = (
        activities[ACTIVITY_COUNT]
        if ACTIVITY_COUNT in activities.columns
        else pd.Series(1, index=activities.index)
    )
    acts = pd.DataFrame(
        {
            ACCOUNT: activities[ACCOUNT],
            ACTIVITY_TYPE: activities[ACTIVITY_TYPE],
            DATE: as_datetime(activities[DATE]),
            QUANTITY: to_float(activities[QUANTITY]),
            ACTIVITY_COUNT: to_float(counts).astype("int64"),
        }
    )
    acts = acts[windows.in_y3(acts[DATE])]
    in_force = pd.DataFrame(
        {
            ACTIVITY_TYPE: rates[ACTIVITY_TYPE],
            EFFECTIVE_FROM: as_datetime(rates[EFFECTIVE_FROM]),
            UNIT_COST: rates[UNIT_COST].astype("float64"),
        }
    ).dropna()

    if acts.empty or in_force.empty:
        acts = acts.assign(**{UNIT_COST: np.nan})
    else:
        # merge_asof needs both sides sorted on the date; stable sorts keep input order
        # among equal dates, so the later of two same-day rates wins.
        acts = pd.merge_asof(
            acts.sort_values(DATE, kind="mergesort"),
            in_force.sort_values(EFFECTIVE_FROM, kind="mergesort"),
            left_on=DATE,
            right_on=EFFECTIVE_FROM,
            by=ACTIVITY_TYPE,  # the latest rate on or before the date (backward, exact included)
        ).drop(columns=EFFECTIVE_FROM)

    has_rate = acts[UNIT_COST].notna()
    type_has_any_rate = acts[ACTIVITY_TYPE].isin(in_force[ACTIVITY_TYPE])
    acts[COST] = (acts[QUANTITY] * acts[UNIT_COST]).where(has_rate, 0.0).astype("float64")
    reason = np.where(type_has_any_rate, BEFORE_FIRST_RATE, NO_RATE).astype("object")
    reason[has_rate.to_numpy()] = None
    acts[REASON] = reason
    return acts.reset_index(drop=True)


def _warning(row_type: object, reason: str, count: int) -> str:
    noun = "activity" if count == 1 else "activities"
    if reason == BEFORE_FIRST_RATE:
        return f"{count} {noun} of type {row_type} dated before its first rate: costed at 0"
    return f"{count} {noun} of type {row_type} with no rate at all: costed at 0"


def cost_to_serve(
    activities: pd.DataFrame,
    rates: pd.DataFrame,
    activity_types: pd.DataFrame,
    windows: Windows,
) -> CostToServe:
    """Y3 cost to serve and retention investment per account, with data-quality warnings.

    Inputs: see module docstring. Retention investment is the cost of Y3 activities
    whose type has IS_INVESTMENT true; it is also part of the cost to serve.
    Output: ``CostToServe`` (unrounded floats, currency units).
    """
    require_columns(activity_types, ACTIVITY_TYPE_COLUMNS, "activity_types")
    acts = costed_activities(activities, rates, windows)
    investment_types = activity_types.loc[activity_types[IS_INVESTMENT].eq(True), ACTIVITY_TYPE]
    acts[RETENTION_INVESTMENT_TTM] = acts[COST] * acts[ACTIVITY_TYPE].isin(investment_types)
    by_account = (
        acts.rename(columns={COST: COST_TO_SERVE_TTM})
        .groupby(ACCOUNT)[[COST_TO_SERVE_TTM, RETENTION_INVESTMENT_TTM]]
        .sum()
        .astype("float64")
    )
    unrated = unrated_summed([acts[acts[REASON].notna()]])
    warnings = unrated_warnings(unrated)
    return CostToServe(
        by_account=by_account,
        by_activity_type=_by_type(acts),
        unrated=unrated,
        warnings=warnings,
        by_account_and_type=acts.groupby([ACCOUNT, ACTIVITY_TYPE])[COST].sum().reset_index(),
    )


def unrated_summed(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Uncosted activities (rows with ACTIVITY_TYPE, REASON, ACTIVITY_COUNT, QUANTITY, such
    as ``CostToServe.unrated`` of several parts of the portfolio) summed per type and
    reason, the most numerous first (ties: activity type ascending)."""
    frame = pd.concat([part[[ACTIVITY_TYPE, REASON, ACTIVITY_COUNT, QUANTITY]] for part in parts])
    return (
        frame.groupby([ACTIVITY_TYPE, REASON])[[ACTIVITY_COUNT, QUANTITY]]
        .sum()
        .reset_index()
        .sort_values([ACTIVITY_COUNT, ACTIVITY_TYPE], ascending=[False, True], ignore_index=True)
    )


def unrated_warnings(unrated: pd.DataFrame) -> list[str]:
    """One plain-words data-quality warning per row of ``unrated_summed``."""
    return [
        _warning(row[ACTIVITY_TYPE], row[REASON], int(row[ACTIVITY_COUNT]))
        for row in unrated.to_dict("records")
    ]


def _by_type(acts: pd.DataFrame) -> pd.Series:
    return acts.groupby(ACTIVITY_TYPE)[COST].sum().astype("float64").rename(COST)


def cost_by_activity_type(
    activities: pd.DataFrame, rates: pd.DataFrame, windows: Windows
) -> pd.Series:
    """Y3 cost per activity type across all given activities (input of ``cost_pareto``).

    Output: float Series indexed by ACTIVITY_TYPE (types with Y3 activities only),
    named COST, currency units, unrounded.
    """
    return _by_type(costed_activities(activities, rates, windows))


def cost_pareto(cost_by_type: pd.Series) -> pd.DataFrame:
    """Activity types sorted by cost with cumulative share and the "vital few".

    Input: float Series of cost indexed by activity type (e.g. ``cost_by_activity_type``).
    Output: DataFrame with ACTIVITY_TYPE, COST, SHARE (of the total), CUMULATIVE_SHARE
    and VITAL_FEW, sorted by cost descending (ties: activity type ascending).
    VITAL_FEW marks the smallest set of top types whose cost reaches 80 % of the total:
    a type is in it when the types before it hold less than 80 %. The comparison is
    made in whole cents so 80 % exactly is not lost to float noise. With a total of 0,
    shares are 0 and no type is vital.
    """
    frame = pd.DataFrame(
        {ACTIVITY_TYPE: cost_by_type.index, COST: cost_by_type.to_numpy("float64")}
    ).sort_values([COST, ACTIVITY_TYPE], ascending=[False, True], ignore_index=True)
    total = frame[COST].sum()
    cents = to_cents(frame[COST])
    total_cents = int(cents.sum())
    before_cents = np.cumsum(cents) - cents
    frame[SHARE] = frame[COST] / total if total else 0.0
    frame[CUMULATIVE_SHARE] = frame[COST].cumsum() / total if total else 0.0
    # Costs are never negative, so with a total of 0 nothing is below 80 % of it.
    frame[VITAL_FEW] = (
        before_cents * VITAL_FEW_SHARE_DENOMINATOR < total_cents * VITAL_FEW_SHARE_NUMERATOR
    )
    return frame
