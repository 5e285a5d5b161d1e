"""The whole portfolio analysis for one as-of date: frames in, one row per account out.

Money is computed in float64 and rounded to cents (2 dp) once, in the result; ratios
and rates (growth_rate, value_ratio, churn_score, retention, attractiveness, margin)
are rounded to 6 dp. The loader should turn result floats into Decimal via ``str``
(``Decimal(str(x))``) to keep exactly those digits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from portfolio.churn.score import churn_score
from portfolio.churn.signals import MAPPED_DESIGNATIONS, churn_signals
from valuation.analysis.attractiveness import attractiveness, margin, segment
from valuation.analysis.columns import (
    ACCOUNT,
    ACCOUNTS_COLUMNS,
    ACTIVITY_COLUMNS,
    ACTIVITY_COUNT,
    ACTIVITY_TYPE,
    ACTIVITY_TYPE_COLUMNS,
    ASSESSMENT_COLUMNS,
    AT_RISK,
    ATTRACTIVENESS,
    CHURN_SCORE,
    CHURN_STAGE,
    COMPLAINT_COLUMNS,
    CONTACT_COLUMNS,
    COST,
    COST_TO_SERVE_TTM,
    CRITERIA_SCORE_COLUMNS,
    CUMULATIVE_SHARE,
    DESIGNATION,
    EVENT_COLUMNS,
    FORECAST_COLUMNS,
    GROSS_MARGIN_TTM,
    GROWTH_RATE,
    LEDGER_COLUMNS,
    LTV,
    MARGIN,
    MONEY_COLUMNS,
    NET_PROFIT_TTM,
    QUANTITY,
    RATE_COLUMNS,
    RATIO_COLUMNS,
    REASON,
    REPLACEMENT_CUSTOMERS,
    RESULT_COLUMNS,
    RETENTION,
    REVENUE,
    REVENUE_COLUMNS,
    REVENUE_TTM,
    REVENUE_Y2,
    SEGMENT,
    SHARE,
)
from valuation.analysis.cost_to_serve import (
    cost_pareto,
    cost_to_serve,
    unrated_summed,
    unrated_warnings,
)
from valuation.analysis.frames import empty_frame, require_columns, round_money, round_ratio
from valuation.analysis.lifetime_value import lifetime_value, retention
from valuation.analysis.parameters import AnalysisParameters
from valuation.analysis.replacement_cost import replacement_cost, small_account_size
from valuation.analysis.revenue import revenue_by_location, revenue_summary
from valuation.analysis.value_ledger import value_ledger_summary
from valuation.analysis.windows import Windows


@dataclass(frozen=True, kw_only=True)
class AnalysisInputs:
    """The frames an analysis run reads. Only ``accounts`` is required; every other
    frame defaults to empty (with its columns). Required columns are the
    ``*_COLUMNS`` tuples of ``valuation.analysis.columns``; see each module for units.

    accounts: ACCOUNT (unique), DESIGNATION.
    revenue: ACCOUNT, PERIOD_START, REVENUE, COST_OF_GOODS [, LOCATION].
    forecasts: ACCOUNT, PERIOD_START, AMOUNT.
    activities: ACCOUNT, ACTIVITY_TYPE, DATE, QUANTITY [, ACTIVITY_COUNT].
    rates: ACTIVITY_TYPE, EFFECTIVE_FROM, UNIT_COST.
    activity_types: ACTIVITY_TYPE, IS_INVESTMENT.
    ledger: ACCOUNT, DIRECTION, DATE, AMOUNT.
    criteria_scores: ACCOUNT, CRITERION, WEIGHT, SCORE.
    complaints: ACCOUNT, CATEGORY, OPENED_ON.
    assessments: ACCOUNT, DATE, SCORE.
    contacts: ACCOUNT, CONTACT, CONTACT_NAME, ROLE, IS_ACTIVE, CONTACT_FREQUENCY_DAYS,
      LAST_INTERACTION_ON (one row per contact and role).
    events: ACCOUNT, EVENT_TYPE, DATE.
    """

    accounts: pd.DataFrame
    revenue: pd.DataFrame = field(default_factory=lambda: empty_frame(REVENUE_COLUMNS))
    forecasts: pd.DataFrame = field(default_factory=lambda: empty_frame(FORECAST_COLUMNS))
    activities: pd.DataFrame = field(default_factory=lambda: empty_frame(ACTIVITY_COLUMNS))
    rates: pd.DataFrame = field(default_factory=lambda: empty_frame(RATE_COLUMNS))
    activity_types: pd.DataFrame = field(default_factory=lambda: empty_frame(ACTIVITY_TYPE_COLUMNS))
    ledger: pd.DataFrame = field(default_factory=lambda: empty_frame(LEDGER_COLUMNS))
    criteria_scores: pd.DataFrame = field(
        default_factory=lambda: empty_frame(CRITERIA_SCORE_COLUMNS)
    )
    complaints: pd.DataFrame = field(default_factory=lambda: empty_frame(COMPLAINT_COLUMNS))
    assessments: pd.DataFrame = field(default_factory=lambda: empty_frame(ASSESSMENT_COLUMNS))
    contacts: pd.DataFrame = field(default_factory=lambda: empty_frame(CONTACT_COLUMNS))
    events: pd.DataFrame = field(default_factory=lambda: empty_frame(EVENT_COLUMNS))


@dataclass(frozen=True)
class AnalysisResult:
    """Output of ``analyse_portfolio``.

    accounts: one row per input account, indexed by ACCOUNT in input order, with
      RESULT_COLUMNS (money rounded to cents, ratios to 6 dp; replacement_customers and
      churn_stage int; at_risk bool; value_ratio NaN when nothing was received; signals a list of
      {"code", "stage", "weight", "detail"} dicts).
    warnings: plain-words data-quality warnings of the run.
    cost_pareto: the cost-to-serve Pareto of the analysed accounts' Y3 activities
      (ACTIVITY_TYPE, COST, SHARE, CUMULATIVE_SHARE, VITAL_FEW; cost in cents, shares 6 dp).
    revenue_by_location: ACCOUNT, LOCATION, WINDOW, REVENUE (cents).
    small_account_revenue: S, the small-account revenue used for replacement cost.
    cost_by_account_and_type: ACCOUNT, ACTIVITY_TYPE, COST: the Y3 cost of each analysed
      account and activity type with Y3 activities (unrounded float).
    cost_by_type: the Y3 cost per activity type (unrounded float Series indexed by
      ACTIVITY_TYPE), whose Pareto ``cost_pareto`` is.
    unrated: the uncosted activities behind the cost warnings (``cost_to_serve.unrated``).
    The last two let ``portfolio_costs`` join the parts of a run made in shards.
    """

    as_of: date
    windows: Windows
    accounts: pd.DataFrame
    warnings: list[str]
    cost_pareto: pd.DataFrame
    revenue_by_location: pd.DataFrame
    small_account_revenue: float
    cost_by_account_and_type: pd.DataFrame = field(
        default_factory=lambda: empty_frame((ACCOUNT, ACTIVITY_TYPE, COST))
    )
    cost_by_type: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64", name=COST))
    unrated: pd.DataFrame = field(
        default_factory=lambda: empty_frame((ACTIVITY_TYPE, REASON, ACTIVITY_COUNT, QUANTITY))
    )


def analyse_portfolio(
    inputs: AnalysisInputs, params: AnalysisParameters, as_of: date
) -> AnalysisResult:
    """Run every DOMAIN.md portfolio formula for every account at ``as_of``.

    Every account of ``inputs.accounts`` gets a row, with zeros when it has no data.
    Rows of other frames for accounts not in ``inputs.accounts`` are ignored (so the
    Pareto adds up to the accounts' cost to serve).
    Raises ValueError when a parameter is invalid (message lists every error), when a
    frame lacks a required column, or when an account id repeats; TypeError when
    ``as_of`` is not a date.

    The same as ``analyse_before_costs`` then ``analyse_costs``: a caller may compute the
    first while the service activities are still being read.
    """
    before = analyse_before_costs(inputs, params, as_of)
    return analyse_costs(
        before,
        activities=inputs.activities,
        rates=inputs.rates,
        activity_types=inputs.activity_types,
    )


@dataclass(frozen=True)
class BeforeCosts:
    """Output of ``analyse_before_costs``: every figure that does not depend on the
    service activities, one row per account (indexed by ACCOUNT, input order), unrounded;
    and what ``analyse_costs`` needs to finish."""

    as_of: date
    windows: Windows
    params: AnalysisParameters
    figures: pd.DataFrame
    revenue_by_location: pd.DataFrame
    small_account_revenue: float


def analyse_before_costs(
    inputs: AnalysisInputs,
    params: AnalysisParameters,
    as_of: date,
    *,
    small_account_revenue: float | None = None,
) -> BeforeCosts:
    """The first part of ``analyse_portfolio``: revenue windows, growth and forecast, the
    value ledger, churn signals, score, stage and retention, replacement cost and
    attractiveness. ``inputs.activities``, ``rates`` and ``activity_types`` are not read.
    ``small_account_revenue``: S as ``small_account_revenue_of`` gave it for the whole
    portfolio, when ``inputs`` hold a shard of it (None: S of the accounts given).
    Raises as ``analyse_portfolio`` does."""
    errors = params.validate()
    if errors:
        raise ValueError(
            "Invalid analysis parameters: "
            + "; ".join(f"{name}: {message}" for name, message in errors.items())
        )
    windows = Windows.from_as_of(as_of)
    require_columns(inputs.accounts, ACCOUNTS_COLUMNS, "accounts")
    if inputs.accounts[ACCOUNT].duplicated().any():
        raise ValueError("The accounts frame lists an account more than once.")
    index = pd.Index(inputs.accounts[ACCOUNT])  # named ACCOUNT, like the column
    designation = pd.Series(inputs.accounts[DESIGNATION].to_numpy(), index=index)

    result = revenue_summary(inputs.revenue, inputs.forecasts, windows, accounts=index)
    result = result.join(value_ledger_summary(inputs.ledger, windows, accounts=index))

    fired = churn_signals(
        accounts=index,
        complaints=inputs.complaints,
        assessments=inputs.assessments,
        contacts=inputs.contacts,
        events=inputs.events,
        revenue_y2=result[REVENUE_Y2],
        revenue_ttm=result[REVENUE_TTM],
        as_of=as_of,
        weights=params.churn_weights(),
        thresholds=params.churn_thresholds(),
        mapped=designation.index[designation.isin(MAPPED_DESIGNATIONS).to_numpy()],
    )
    result = result.join(churn_score(fired, index))
    # DOMAIN.md: at risk when the score reaches at_risk_score, compared on the whole-number
    # score the snapshot stores (rounded as portfolio.services rounds it), so the stored
    # flag and the stored score always agree.
    result[AT_RISK] = result[CHURN_SCORE].round().ge(float(params.at_risk_score))
    result[RETENTION] = retention(result[CHURN_SCORE], float(params.base_retention))

    small = (
        small_account_size(designation, result[REVENUE_TTM], float(params.small_account_revenue))
        if small_account_revenue is None
        else small_account_revenue
    )
    result = result.join(
        replacement_cost(result[REVENUE_TTM], small, float(params.acquisition_cost))
    )
    result[ATTRACTIVENESS] = attractiveness(inputs.criteria_scores, result[GROWTH_RATE])

    by_location = revenue_by_location(inputs.revenue[inputs.revenue[ACCOUNT].isin(index)], windows)
    by_location[REVENUE] = round_money(by_location[REVENUE])
    return BeforeCosts(
        as_of=as_of,
        windows=windows,
        params=params,
        figures=result,
        revenue_by_location=by_location,
        small_account_revenue=small,
    )


def analyse_costs(
    before: BeforeCosts,
    *,
    activities: pd.DataFrame,
    rates: pd.DataFrame,
    activity_types: pd.DataFrame,
) -> AnalysisResult:
    """The second part of ``analyse_portfolio``: activity-based cost to serve, net profit,
    lifetime value, margin and segment, then every figure rounded. Activities of accounts
    not analysed in ``before`` are ignored."""
    params, windows = before.params, before.windows
    result = before.figures.copy()
    index = result.index

    require_columns(activities, ACTIVITY_COLUMNS, "activities")
    activities = activities[activities[ACCOUNT].isin(index)]
    costs = cost_to_serve(activities, rates, activity_types, windows)
    result = result.join(costs.by_account.reindex(index, fill_value=0.0))
    result[NET_PROFIT_TTM] = result[GROSS_MARGIN_TTM] - result[COST_TO_SERVE_TTM]

    result[LTV] = lifetime_value(
        result[NET_PROFIT_TTM],
        result[GROWTH_RATE],
        result[RETENTION],
        float(params.discount_rate),
        int(params.horizon_years),
    )
    result[MARGIN] = margin(result[NET_PROFIT_TTM], result[REVENUE_TTM])
    result[SEGMENT] = segment(
        result[ATTRACTIVENESS],
        result[MARGIN],
        float(params.attractiveness_threshold),
        float(params.margin_target),
    )

    result = result[list(RESULT_COLUMNS)].copy()
    for column in MONEY_COLUMNS:
        result[column] = round_money(result[column])
    for column in RATIO_COLUMNS:
        result[column] = round_ratio(result[column])
    result[REPLACEMENT_CUSTOMERS] = result[REPLACEMENT_CUSTOMERS].astype("int64")
    result[CHURN_STAGE] = result[CHURN_STAGE].astype("int64")
    result[AT_RISK] = result[AT_RISK].astype(bool)

    return AnalysisResult(
        as_of=before.as_of,
        windows=windows,
        accounts=result,
        warnings=list(costs.warnings),
        cost_pareto=_pareto_rounded(costs.by_activity_type),
        revenue_by_location=before.revenue_by_location,
        small_account_revenue=before.small_account_revenue,
        cost_by_account_and_type=costs.by_account_and_type,
        cost_by_type=costs.by_activity_type,
        unrated=costs.unrated,
    )


def analyse_costs_in_parts(
    before: BeforeCosts,
    *,
    activities: pd.DataFrame,
    rates: pd.DataFrame,
    activity_types: pd.DataFrame,
    size: int,
) -> Iterator[AnalysisResult]:
    """``analyse_costs`` for ``size`` accounts of ``before`` at a time, in its order, so
    that a caller can store one part while the next is computed. Each account's figures
    are those of one ``analyse_costs`` over every account (an account's costs are its own
    activities', added up in the same order); the run-level figures of the parts (the
    Pareto, the warnings of uncosted activities) are joined by ``portfolio_costs`` from
    their ``cost_by_type`` and ``unrated``. Raises ValueError when ``size`` < 1."""
    if size < 1:
        raise ValueError("A part holds at least one account.")
    require_columns(activities, ACTIVITY_COLUMNS, "activities")
    figures = before.figures
    accounts = activities[ACCOUNT]
    # Sorted by account (as portfolio.services reads them), a part's activities are a slice;
    # otherwise analyse_costs keeps the part's accounts' activities from them all.
    sorted_by_account = accounts.is_monotonic_increasing and figures.index.is_monotonic_increasing
    for start in range(0, max(len(figures), 1), size):
        part = figures.iloc[start : start + size]
        ours = activities
        if sorted_by_account and len(part):
            first = accounts.searchsorted(part.index[0], side="left")
            end = accounts.searchsorted(part.index[-1], side="right")
            ours = activities.iloc[first:end]
        yield analyse_costs(
            dataclasses.replace(before, figures=part),
            activities=ours,
            rates=rates,
            activity_types=activity_types,
        )


def _pareto_rounded(cost_by_type: pd.Series) -> pd.DataFrame:
    pareto = cost_pareto(cost_by_type)
    pareto[COST] = round_money(pareto[COST])
    for column in (SHARE, CUMULATIVE_SHARE):
        pareto[column] = round_ratio(pareto[column])
    return pareto


def small_account_revenue_of(
    inputs: AnalysisInputs, params: AnalysisParameters, as_of: date
) -> float:
    """S of the whole portfolio (DOMAIN.md: the median revenue_ttm of its transactional
    accounts), from ``inputs`` holding the accounts and their revenue (the transactional
    ones' suffice), for a run computed in shards."""
    windows = Windows.from_as_of(as_of)
    index = pd.Index(inputs.accounts[ACCOUNT])
    designation = pd.Series(inputs.accounts[DESIGNATION].to_numpy(), index=index)
    summary = revenue_summary(inputs.revenue, inputs.forecasts, windows, accounts=index)
    return small_account_size(
        designation, summary[REVENUE_TTM], float(params.small_account_revenue)
    )


@dataclass(frozen=True)
class PortfolioCosts:
    """The run-level cost figures of a run made in shards: the Pareto and the warnings of
    uncosted activities, as one ``analyse_costs`` over the whole portfolio gives them."""

    cost_pareto: pd.DataFrame
    warnings: list[str]


def costs_summed(parts: list[tuple[pd.Series, pd.DataFrame]]) -> tuple[pd.Series, pd.DataFrame]:
    """The parts' (``cost_by_type``, ``unrated``) of ``AnalysisResult`` added up: each
    activity type's cost, and the uncosted activities per type and reason."""
    series = [by_type for by_type, _ in parts if len(by_type)]
    by_type = (
        pd.concat(series).groupby(level=0).sum().astype("float64").rename(COST)
        if series
        else pd.Series(dtype="float64", name=COST)
    )
    return by_type, unrated_summed([part for _, part in parts])


def portfolio_costs(parts: list[tuple[pd.Series, pd.DataFrame]]) -> PortfolioCosts:
    """The parts' or the shards' (``cost_by_type``, ``unrated``) of ``AnalysisResult``
    summed over the portfolio: each activity type's cost added up before its share is
    taken."""
    by_type, unrated = costs_summed(parts)
    return PortfolioCosts(cost_pareto=_pareto_rounded(by_type), warnings=unrated_warnings(unrated))
