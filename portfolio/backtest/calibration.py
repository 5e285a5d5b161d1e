"""The calibration's inputs: for each past run whose outcome is known, which signal fires for
which account under each candidate threshold, recomputed from the data as of the run's date
(portfolio.churn.calibration holds the search; this module only reads)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from accounts.models import Account
from portfolio import loaders
from portfolio.backtest.selectors import account_losses
from portfolio.churn.calibration import Calibration, RunSample, Setting, SignalOptions, calibrate
from portfolio.churn.signals import MAPPED_DESIGNATIONS, SIGNAL_DEFINITIONS, churn_signals
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.services import analysis_parameters_get, parameters_as_pure, signal_frames_wide
from valuation.analysis import columns as c
from valuation.analysis.parameters import AnalysisParameters as Parameters
from valuation.analysis.revenue import revenue_summary
from valuation.analysis.windows import Windows

# How many of the latest runs with a known outcome the calibration learns from.
CALIBRATION_RUNS = 12

# The candidate values the search tries for each signal's threshold (today's is added).
CANDIDATES: dict[str, tuple[str | None, tuple[float, ...]]] = {
    "recurring_problems": ("recurring_complaints", (2.0, 3.0, 4.0, 5.0)),
    "satisfaction_decline": ("low_satisfaction_score", (4.0, 5.0, 6.0)),
    "key_influencer_neglected": ("neglect_factor", (1.5, 2.0, 3.0)),
    "coverage_gap": (None, ()),
    "revenue_decline": ("revenue_decline_ratio", (0.8, 0.9, 0.95)),
    "competitor_activity": ("competitor_days", (90.0, 180.0, 365.0)),
    "ultimatum": ("ultimatum_days", (90.0, 180.0, 365.0)),
    "litigation": ("litigation_days", (365.0, 730.0)),
}


@dataclass(frozen=True)
class CalibrationPage:
    calibration: Calibration
    runs: list[AnalysisRun]
    horizon_days: int
    version: int


def signal_options(params: Parameters) -> list[SignalOptions]:
    """Each signal with its candidate thresholds, today's value among them."""
    options = []
    for definition in SIGNAL_DEFINITIONS:
        threshold, values = CANDIDATES[definition.code]
        if threshold is None:
            options.append(SignalOptions(definition.code))
            continue
        today = float(getattr(params, threshold))
        options.append(SignalOptions(definition.code, threshold, tuple(sorted({*values, today}))))
    return options


def _designations_on(day: date, account_ids: list[int]) -> dict[int, str]:
    """Each account's designation on `day`: its latest recorded change up to that day, today's
    when none is recorded (the relationship signals depend on it)."""
    current = dict(Account.objects.filter(pk__in=account_ids).values_list("pk", "designation"))
    # oldest first: the latest change up to `day` is the last one written
    changes = dict(
        Account.history.filter(id__in=account_ids, history_date__date__lte=day)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "designation")
    )
    return {**current, **changes}


def _sample(
    run: AnalysisRun, params: Parameters, options: list[SignalOptions], horizon_days: int
) -> RunSample | None:
    account_ids = sorted(
        AccountSnapshot.objects.filter(run=run).values_list("account_id", flat=True)
    )
    if not account_ids:
        return None
    windows = Windows.from_as_of(run.as_of)
    days = {
        option.threshold: int(max(option.values))
        for option in options
        if option.threshold in ("competitor_days", "ultimatum_days", "litigation_days")
    }
    widest = replace(params, **days)
    frames = {**loaders.frames_besides_activities(windows), **signal_frames_wide(run.as_of, widest)}
    designations = _designations_on(run.as_of, account_ids)
    index = pd.Index([pk for pk in account_ids if pk in designations], name=c.ACCOUNT)
    revenue = revenue_summary(frames["revenue"], frames["forecasts"], windows, accounts=index)
    mapped = pd.Index([pk for pk in index if designations[pk] in MAPPED_DESIGNATIONS])
    widest_columns = max(option.columns for option in options)
    fires = {option.code: np.zeros((len(index), option.columns), dtype=bool) for option in options}
    position = {pk: row for row, pk in enumerate(index)}
    for column in range(widest_columns):
        thresholds = params.churn_thresholds()
        for option in options:
            if option.threshold is not None:
                thresholds[option.threshold] = option.values[min(column, len(option.values) - 1)]
        fired = churn_signals(
            accounts=index,
            complaints=frames["complaints"],
            assessments=frames["assessments"],
            contacts=frames["contacts"],
            events=frames["events"],
            revenue_y2=revenue[c.REVENUE_Y2],
            revenue_ttm=revenue[c.REVENUE_TTM],
            as_of=run.as_of,
            thresholds=thresholds,
            mapped=mapped,
        )
        for account, code in zip(fired[c.ACCOUNT], fired[c.SIGNAL_CODE], strict=True):
            option_columns = fires[str(code)].shape[1]
            if column < option_columns:
                fires[str(code)][position[int(account)], column] = True
    lost_ids = {
        account_id
        for account_id, _, _ in account_losses(as_of=run.as_of, horizon_days=horizon_days)
    }
    return RunSample(
        run=run.pk,
        accounts=np.array(list(index), dtype="int64"),
        lost=np.array([pk in lost_ids for pk in index], dtype=bool),
        fires=fires,
    )


def calibration_page(*, horizon_days: int, today: date) -> CalibrationPage:
    """The latest runs whose horizon is over (their outcome known), and the calibration of
    today's parameters on them."""
    stored = analysis_parameters_get()
    params = parameters_as_pure(stored)
    runs = [
        run
        for run in AnalysisRun.objects.filter(status=AnalysisRun.Status.SUCCEEDED).order_by(
            "-as_of", "-id"
        )
        if run.as_of + timedelta(days=horizon_days) < today
    ][:CALIBRATION_RUNS]
    options = signal_options(params)
    samples = [
        sample
        for sample in (_sample(run, params, options, horizon_days) for run in runs)
        if sample is not None
    ]
    current = Setting(
        weights=params.churn_weights(),
        thresholds=params.churn_thresholds(),
        at_risk_score=float(params.at_risk_score),
    )
    return CalibrationPage(
        calibration=calibrate(samples, options, current),
        runs=runs,
        horizon_days=horizon_days,
        version=stored.version,
    )


def proposal_values(calibration: Calibration) -> dict[str, str]:
    """The proposal's parameters by name, as the adopt form posts them (changed ones only)."""
    return {name: f"{proposed:g}" for name, _now, proposed in calibration.changes}
