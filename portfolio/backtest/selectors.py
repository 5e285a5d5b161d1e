"""The backtest's inputs read from a run's stored snapshots and the account_lost events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext

from accounts.models import Account, AccountEvent, EventKind
from portfolio.churn.backtest import Backtest, backtest, scored_accounts
from portfolio.models import AccountSnapshot, AnalysisRun

# How many of the latest successful runs the AUC trend shows.
TREND_RUNS = 12


@dataclass(frozen=True)
class MissedAccount:
    account_id: int
    name: str
    external_id: str
    churn_score: int
    churn_stage: int
    lost_on: date
    notes: str


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    as_of: date
    accounts: int
    lost: int
    auc: float | None
    horizon_over: bool  # whether T + h has passed: until then more losses may come


@dataclass(frozen=True)
class RunBacktest:
    run: AnalysisRun
    result: Backtest
    missed: list[MissedAccount]
    horizon_over: bool


def succeeded_runs() -> list[AnalysisRun]:
    """The successful runs, newest as-of first (the page's choice of run)."""
    return list(
        AnalysisRun.objects.filter(status=AnalysisRun.Status.SUCCEEDED).order_by(
            "-as_of", "-finished_at", "-id"
        )
    )


def account_losses(*, as_of: date, horizon_days: int) -> list[tuple[int, date, str]]:
    """The account_lost events in (as_of, as_of + horizon_days], DOMAIN.md's window of a
    run's outcome: (account id, date, notes), earliest first (one query)."""
    return list(
        AccountEvent.objects.filter(
            kind=EventKind.ACCOUNT_LOST,
            date__gt=as_of,
            date__lte=as_of + timedelta(days=horizon_days),
        )
        .order_by("date", "id")
        .values_list("account_id", "date", "notes")
    )


def run_backtest(*, run: AnalysisRun, horizon_days: int, today: date) -> RunBacktest:
    """The run's backtest from its snapshots and the account_lost events (3 queries)."""
    scored = scored_accounts(
        AccountSnapshot.objects.filter(run=run)
        .order_by("account_id")
        .values_list("account_id", "churn_score", "churn_stage", "at_risk")
    )
    losses = account_losses(as_of=run.as_of, horizon_days=horizon_days)
    events = [(account_id, day) for account_id, day, _ in losses]
    result = backtest(scored, events, as_of=run.as_of, horizon_days=horizon_days)
    missed: list[MissedAccount] = []
    if result.missed:
        first_loss: dict[int, tuple[date, str]] = {}
        missed_ids = set(result.missed)
        for account_id, day, notes in losses:
            if account_id in missed_ids:
                first_loss.setdefault(account_id, (day, notes))
        names = {
            pk: (name, external_id or "")
            for pk, name, external_id in Account.objects.filter(pk__in=result.missed).values_list(
                "pk", "name", "external_id"
            )
        }
        by_account = {row.account: row for row in scored}
        missed = [
            MissedAccount(
                account_id=account,
                name=names.get(account, (gettext("Account %(id)s") % {"id": account}, ""))[0],
                external_id=names.get(account, ("", ""))[1],
                churn_score=int(by_account[account].score),
                churn_stage=by_account[account].stage,
                lost_on=first_loss[account][0],
                notes=first_loss[account][1],
            )
            for account in result.missed
        ]
    horizon_over = run.as_of + timedelta(days=horizon_days) < today
    return RunBacktest(run=run, result=result, missed=missed, horizon_over=horizon_over)


def auc_trend(*, runs: list[AnalysisRun], horizon_days: int, today: date) -> list[TrendPoint]:
    """The AUC of each of the runs (oldest first) at the same horizon (2 queries)."""
    if not runs:
        return []
    chosen = sorted(runs, key=lambda run: (run.as_of, run.pk))[-TREND_RUNS:]
    rows: dict[int, list[tuple[int, float, int, bool]]] = defaultdict(list)
    for run_id, account_id, score, stage, at_risk in AccountSnapshot.objects.filter(
        run_id__in=[run.pk for run in chosen]
    ).values_list("run_id", "account_id", "churn_score", "churn_stage", "at_risk"):
        rows[run_id].append((account_id, score, stage, at_risk))
    first = min(run.as_of for run in chosen)
    span = (max(run.as_of for run in chosen) - first).days + horizon_days
    events = [
        (account_id, day) for account_id, day, _ in account_losses(as_of=first, horizon_days=span)
    ]
    points = []
    for run in chosen:
        result = backtest(
            scored_accounts(rows[run.pk]), events, as_of=run.as_of, horizon_days=horizon_days
        )
        points.append(
            TrendPoint(
                run_id=run.pk,
                as_of=run.as_of,
                accounts=result.accounts,
                lost=result.lost,
                auc=result.auc,
                horizon_over=result.horizon_end < today,
            )
        )
    return points
