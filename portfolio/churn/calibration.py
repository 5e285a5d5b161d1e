"""Calibration of the churn score against past runs whose outcome is known (DOMAIN.md).

Pure (numpy and stdlib). Method: a **search over the parameters** ops edit, not a logistic
regression. Why: the score is a capped sum of whole-point weights of signals that fire past
thresholds (3 complaints, 90 days, 0.9 of last year's revenue…). A regression would give
fractional weights of a fixed set of features and could not move a threshold (a threshold
changes which accounts a signal fires for, a step the regression cannot differentiate); the
search proposes values in the very form of the signal table, which ops can read, compare
with today's and adopt as an ordinary parameter change.

The search, a coordinate ascent: from today's setting, for each signal in turn it tries every
candidate threshold with every weight of the grid (0, 5, …, 50 points) and keeps the one that
raises the mean AUC over the runs; rounds repeat until nothing improves (at most
``MAX_ROUNDS``). A change must improve the AUC by more than ``MIN_GAIN`` to be taken, so ties
keep today's values. Then ``at_risk_score`` is the score that best separates lost from kept
accounts over all the runs' rows: the largest Youden index (share of lost flagged − share of
kept flagged), ties going to the higher score (fewer accounts flagged).

Guard: with fewer than ``MIN_LOST_ACCOUNTS`` distinct lost accounts (or fewer kept ones) the
search would fit noise, so no proposal is made; the answer says how many lost accounts there
are and how many are needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from portfolio.churn.backtest import auc_of

WEIGHT_GRID = tuple(float(weight) for weight in range(0, 55, 5))
MAX_ROUNDS = 4
MIN_GAIN = 1e-9
MIN_LOST_ACCOUNTS = 8
MAX_SCORE = 100.0


@dataclass(frozen=True)
class SignalOptions:
    """A signal and the candidate values of its threshold parameter (``threshold`` None: a
    signal without a threshold, one column)."""

    code: str
    threshold: str | None = None
    values: tuple[float, ...] = ()

    @property
    def columns(self) -> int:
        return max(1, len(self.values))


@dataclass(frozen=True)
class RunSample:
    """One past run: its accounts, whether each was lost within the horizon, and for each
    signal whether it fires for each account under each candidate threshold (a bool matrix
    of accounts × the options' values, in ``SignalOptions.values`` order)."""

    run: int
    accounts: np.ndarray
    lost: np.ndarray
    fires: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Setting:
    weights: dict[str, float]
    thresholds: dict[str, float]
    at_risk_score: float


@dataclass(frozen=True)
class RunEvaluation:
    run: int
    accounts: int
    lost: int
    auc: float | None
    at_risk: int
    at_risk_lost: int
    lift: float | None


@dataclass(frozen=True)
class Evaluation:
    runs: list[RunEvaluation]
    mean_auc: float | None
    at_risk: int
    at_risk_lost: int
    lift: float | None  # over every row of the runs


@dataclass(frozen=True)
class Calibration:
    lost_accounts: int
    kept_accounts: int
    needed: int
    current: Setting
    current_evaluation: Evaluation
    proposed: Setting | None = None
    proposed_evaluation: Evaluation | None = None
    changes: list[tuple[str, float, float]] = field(default_factory=list)  # name, now, proposed

    @property
    def enough(self) -> bool:
        return self.proposed is not None


def _choice(options: SignalOptions, thresholds: Mapping[str, float]) -> int:
    """The column of the threshold value chosen (the nearest candidate)."""
    if options.threshold is None or not options.values:
        return 0
    value = thresholds.get(options.threshold, options.values[0])
    return int(np.argmin([abs(candidate - value) for candidate in options.values]))


def scores_of(
    sample: RunSample,
    options: Sequence[SignalOptions],
    weights: Mapping[str, float],
    columns: Mapping[str, int],
) -> np.ndarray:
    """The whole-number churn score each account of the run would have had."""
    total = np.zeros(len(sample.lost))
    for option in options:
        matrix = sample.fires.get(option.code)
        if matrix is None or not len(matrix):
            continue
        total += weights.get(option.code, 0.0) * matrix[:, columns[option.code]]
    rounded: np.ndarray = np.rint(np.minimum(total, MAX_SCORE))
    return rounded


def evaluate(
    samples: Sequence[RunSample], options: Sequence[SignalOptions], setting: Setting
) -> Evaluation:
    """The AUC and at-risk lift of each run under ``setting``, their mean, and the lift over
    every row."""
    columns = {option.code: _choice(option, setting.thresholds) for option in options}
    per_run = []
    flagged_total = flagged_lost_total = rows_total = lost_total = 0
    for sample in samples:
        scores = scores_of(sample, options, setting.weights, columns)
        flagged = scores >= setting.at_risk_score
        lost = sample.lost.astype(bool)
        base = lost.mean() if len(lost) else 0.0
        rate = lost[flagged].mean() if flagged.any() else None
        per_run.append(
            RunEvaluation(
                run=sample.run,
                accounts=len(lost),
                lost=int(lost.sum()),
                auc=auc_of(scores, lost),
                at_risk=int(flagged.sum()),
                at_risk_lost=int((flagged & lost).sum()),
                lift=float(rate / base) if rate is not None and base else None,
            )
        )
        flagged_total += int(flagged.sum())
        flagged_lost_total += int((flagged & lost).sum())
        rows_total += len(lost)
        lost_total += int(lost.sum())
    aucs = [row.auc for row in per_run if row.auc is not None]
    base_all = lost_total / rows_total if rows_total else 0.0
    rate_all = flagged_lost_total / flagged_total if flagged_total else None
    return Evaluation(
        runs=per_run,
        mean_auc=float(np.mean(aucs)) if aucs else None,
        at_risk=flagged_total,
        at_risk_lost=flagged_lost_total,
        lift=rate_all / base_all if rate_all is not None and base_all else None,
    )


def _mean_auc(
    samples: Sequence[RunSample],
    options: Sequence[SignalOptions],
    weights: Mapping[str, float],
    columns: Mapping[str, int],
) -> float:
    aucs = [auc_of(scores_of(sample, options, weights, columns), sample.lost) for sample in samples]
    known = [value for value in aucs if value is not None]
    return float(np.mean(known)) if known else 0.0


def _best_at_risk_score(
    samples: Sequence[RunSample],
    options: Sequence[SignalOptions],
    weights: Mapping[str, float],
    columns: Mapping[str, int],
) -> float:
    scores = np.concatenate([scores_of(s, options, weights, columns) for s in samples])
    lost = np.concatenate([s.lost.astype(bool) for s in samples])
    best_score, best_j = MAX_SCORE, -1.0
    for candidate in sorted(set(scores.tolist()) - {0.0}, reverse=True):
        flagged = scores >= candidate
        j = flagged[lost].mean() - flagged[~lost].mean()
        if j > best_j + MIN_GAIN:
            best_score, best_j = candidate, j
    return float(best_score)


def calibrate(
    samples: Sequence[RunSample], options: Sequence[SignalOptions], current: Setting
) -> Calibration:
    """Propose the weights, thresholds and at_risk_score that would have ranked the runs'
    accounts best (module docstring), beside today's; no proposal below the guard."""
    lost_ids = {int(a) for s in samples for a, gone in zip(s.accounts, s.lost, strict=True) if gone}
    kept_ids = {
        int(a) for s in samples for a, gone in zip(s.accounts, s.lost, strict=True) if not gone
    }
    current_evaluation = evaluate(samples, options, current)
    base = Calibration(
        lost_accounts=len(lost_ids),
        kept_accounts=len(kept_ids),
        needed=MIN_LOST_ACCOUNTS,
        current=current,
        current_evaluation=current_evaluation,
    )
    if len(lost_ids) < MIN_LOST_ACCOUNTS or len(kept_ids) < MIN_LOST_ACCOUNTS:
        return base
    weights = {option.code: float(current.weights.get(option.code, 0.0)) for option in options}
    columns = {option.code: _choice(option, current.thresholds) for option in options}
    best = _mean_auc(samples, options, weights, columns)
    for _ in range(MAX_ROUNDS):
        improved = False
        for option in options:
            for column in range(option.columns):
                for weight in WEIGHT_GRID:
                    trial_weights = {**weights, option.code: weight}
                    trial_columns = {**columns, option.code: column}
                    value = _mean_auc(samples, options, trial_weights, trial_columns)
                    if value > best + MIN_GAIN:
                        best, weights, columns, improved = value, trial_weights, trial_columns, True
        if not improved:
            break
    thresholds = dict(current.thresholds)
    for option in options:
        if option.threshold is not None and option.values:
            thresholds[option.threshold] = option.values[columns[option.code]]
    proposed = Setting(
        weights=weights,
        thresholds=thresholds,
        at_risk_score=_best_at_risk_score(samples, options, weights, columns),
    )
    changes = [
        (f"weight_{code}", float(current.weights.get(code, 0.0)), value)
        for code, value in weights.items()
        if value != float(current.weights.get(code, 0.0))
    ]
    changes += [
        (name, float(current.thresholds.get(name, value)), value)
        for name, value in thresholds.items()
        if value != float(current.thresholds.get(name, value))
    ]
    if proposed.at_risk_score != current.at_risk_score:
        changes.append(("at_risk_score", float(current.at_risk_score), proposed.at_risk_score))
    return Calibration(
        lost_accounts=base.lost_accounts,
        kept_accounts=base.kept_accounts,
        needed=MIN_LOST_ACCOUNTS,
        current=current,
        current_evaluation=current_evaluation,
        proposed=proposed,
        proposed_evaluation=evaluate(samples, options, proposed),
        changes=changes,
    )
