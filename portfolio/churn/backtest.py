"""Backtest of a run's churn score against what happened after it (DOMAIN.md "Backtest").

Pure (stdlib only): the caller gives the run's stored scores and the `account_lost` event
dates; every figure here is recomputed from them, so the same inputs give the same answer.

- an account is *lost* when it has an `account_lost` event in (T, T + h]: after the as-of
  date T, and at most h days later (an event on T itself or on T + h + 1 does not count);
- `base_rate` = lost / accounts; a group's `rate` = lost / accounts in the group and
  `lift` = rate / base_rate (None when the group is empty or nothing was lost);
- `auc` = the probability that a lost account has a higher churn score than a kept one,
  ties counting one half (the Mann-Whitney statistic); None without both a lost and a kept
  account, where the question has no answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

DEFAULT_HORIZON_DAYS = 365
MAX_HORIZON_DAYS = 3650
STAGES = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class ScoredAccount:
    """One account of the run as its snapshot stored it."""

    account: int
    score: float
    stage: int
    at_risk: bool


@dataclass(frozen=True)
class GroupOutcome:
    accounts: int
    lost: int
    rate: float | None
    lift: float | None


@dataclass(frozen=True)
class StageOutcome:
    stage: int
    accounts: int
    lost: int
    rate: float | None
    lift: float | None


@dataclass(frozen=True)
class RocPoint:
    """Share of kept accounts (false positives) and of lost ones (true positives) flagged
    when every account scoring at least ``threshold`` is flagged."""

    threshold: float
    false_positive_rate: float
    true_positive_rate: float


@dataclass(frozen=True)
class Backtest:
    as_of: date
    horizon_days: int
    accounts: int
    lost: int
    base_rate: float | None
    auc: float | None
    at_risk: GroupOutcome
    by_stage: list[StageOutcome]
    roc: list[RocPoint] = field(default_factory=list)
    lost_accounts: frozenset[int] = frozenset()
    missed: list[int] = field(default_factory=list)  # lost, not at risk: highest score first

    @property
    def horizon_end(self) -> date:
        return self.as_of + timedelta(days=self.horizon_days)


def lost_within(
    events: Iterable[tuple[int, date]], *, as_of: date, horizon_days: int
) -> frozenset[int]:
    """The accounts with an `account_lost` event dated in (as_of, as_of + horizon_days]."""
    end = as_of + timedelta(days=horizon_days)
    return frozenset(account for account, day in events if as_of < day <= end)


def auc(lost_scores: Sequence[float], kept_scores: Sequence[float]) -> float | None:
    """P(a lost account scores higher than a kept one), ties one half; None without both."""
    scores = np.array([*lost_scores, *kept_scores], dtype=float)
    lost = np.array([True] * len(lost_scores) + [False] * len(kept_scores))
    return auc_of(scores, lost)


def auc_of(scores: np.ndarray, lost: np.ndarray) -> float | None:
    """The Mann-Whitney AUC from average ranks (ties one half); None without both classes.
    The one definition: the backtest and the calibration's search both count with it."""
    lost = lost.astype(bool)
    n_lost = int(lost.sum())
    n_kept = len(lost) - n_lost
    if not n_lost or not n_kept:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0
    ranks = average_rank[inverse]
    return float((ranks[lost].sum() - n_lost * (n_lost + 1) / 2.0) / (n_lost * n_kept))


def _rate(lost: int, accounts: int) -> float | None:
    return lost / accounts if accounts else None


def _lift(rate: float | None, base_rate: float | None) -> float | None:
    if rate is None or not base_rate:
        return None
    return rate / base_rate


def roc_curve(scored: Sequence[ScoredAccount], lost: frozenset[int]) -> list[RocPoint]:
    """The ROC curve: from (0, 0) (nothing flagged) through one point per distinct score,
    highest first, to (1, 1); empty without both a lost and a kept account. Its area is
    ``auc``: equal scores move both rates in one step (a diagonal, the half of a tie)."""
    lost_total = sum(1 for row in scored if row.account in lost)
    kept_total = len(scored) - lost_total
    if not lost_total or not kept_total:
        return []
    points = [RocPoint(threshold=float("inf"), false_positive_rate=0.0, true_positive_rate=0.0)]
    flagged_lost = flagged_kept = 0
    by_score: dict[float, list[int]] = {}
    for row in scored:
        counts = by_score.setdefault(row.score, [0, 0])
        counts[0 if row.account in lost else 1] += 1
    for threshold in sorted(by_score, reverse=True):
        flagged_lost += by_score[threshold][0]
        flagged_kept += by_score[threshold][1]
        points.append(
            RocPoint(
                threshold=threshold,
                false_positive_rate=flagged_kept / kept_total,
                true_positive_rate=flagged_lost / lost_total,
            )
        )
    return points


def backtest(
    scored: Sequence[ScoredAccount],
    lost_events: Iterable[tuple[int, date]],
    *,
    as_of: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> Backtest:
    """Every backtest figure of one run (module docstring). ``scored``: the run's accounts
    (one each); ``lost_events``: (account, date) of `account_lost` events, any dates (those
    outside the horizon and of accounts not in the run are ignored)."""
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValueError(f"The horizon is a whole number of days from 1 to {MAX_HORIZON_DAYS}.")
    accounts = {row.account for row in scored}
    lost = lost_within(lost_events, as_of=as_of, horizon_days=horizon_days) & accounts
    base_rate = _rate(len(lost), len(scored))

    def group(rows: list[ScoredAccount]) -> tuple[int, int, float | None, float | None]:
        group_lost = sum(1 for row in rows if row.account in lost)
        rate = _rate(group_lost, len(rows))
        return len(rows), group_lost, rate, _lift(rate, base_rate)

    flagged = group([row for row in scored if row.at_risk])
    by_stage = [
        StageOutcome(stage, *group([row for row in scored if row.stage == stage]))
        for stage in STAGES
    ]
    missed = sorted(
        (row for row in scored if row.account in lost and not row.at_risk),
        key=lambda row: (-row.score, row.account),
    )
    return Backtest(
        as_of=as_of,
        horizon_days=horizon_days,
        accounts=len(scored),
        lost=len(lost),
        base_rate=base_rate,
        auc=auc(
            [row.score for row in scored if row.account in lost],
            [row.score for row in scored if row.account not in lost],
        ),
        at_risk=GroupOutcome(*flagged),
        by_stage=by_stage,
        roc=roc_curve(scored, lost),
        lost_accounts=lost,
        missed=[row.account for row in missed],
    )


def scored_accounts(rows: Iterable[tuple[int, float, int, bool]]) -> list[ScoredAccount]:
    """(account, score, stage, at_risk) tuples → ScoredAccount rows."""
    return [
        ScoredAccount(
            account=int(account), score=float(score), stage=int(stage), at_risk=bool(flag)
        )
        for account, score, stage, flag in rows
    ]
