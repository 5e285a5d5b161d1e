"""The account 360 page: everything a manager needs for one account's review, read with the
selectors each app already has, plus the churn history across runs and the value projection.

`account_360(user=, account=, as_of=)` runs a fixed number of queries whatever the amount of
data under the account (contacts, interactions, activities, ledger entries, plan actions,
runs); `tests/portfolio/account360/test_queries.py` holds the count.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Prefetch, Value, When

from accounts.models import Account, AccountPlan, PlanAction, PlanObjective, TeamMember
from accounts.plans.selectors import account_plans_for_account, plan_actions_overdue
from accounts.selectors import KnowledgeProfile, account_team, knowledge_profile
from kam.types import User
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.signal_words import signal_detail, signal_name, signal_step
from relationships.models import Contact, Interaction
from relationships.selectors import (
    GapGroup,
    account_contacts,
    account_influences,
    account_interactions,
    coverage_gap_groups,
    coverage_gaps_from_contacts,
)
from valuation.analysis import columns
from valuation.analysis.lifetime_value import value_projection
from valuation.analysis.parameters import AnalysisParameters
from valuation.models import ImportBatch
from valuation.selectors import (
    CostToServe,
    LedgerSummary,
    RevenueSummary,
    account_cost_to_serve,
    account_revenue_summary,
    account_value_ledger,
)

# How many of the account's analysed runs the churn history shows (newest first).
RUN_HISTORY = 12
# How many interactions and ledger entries per side the page lists (it is a summary; the
# Relationships and Value tabs hold the full lists).
LAST_INTERACTIONS = 10
LEDGER_ENTRIES_SHOWN = 5

_DEFAULTS = AnalysisParameters()


@dataclass(frozen=True)
class ProjectionYear:
    year: int
    value: float  # m·(1+g)^(t−1)·r^(t−1), undiscounted
    discounted: float  # value / (1+d)^t
    cumulative: float  # running sum of `discounted`; the last equals the ltv


@dataclass(frozen=True)
class ValueProjection:
    """The ten-year value chart's numbers, from the latest snapshot and its run's parameters."""

    net_profit: Decimal
    growth_rate: Decimal
    retention: Decimal
    discount_rate: float
    horizon_years: int
    years: list[ProjectionYear]
    snapshot_ltv: Decimal

    @property
    def total(self) -> float:
        return self.years[-1].cumulative if self.years else 0.0


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: PlanObjective
    percent: int | None  # current / target in percent, None without a current value or target

    @property
    def is_met(self) -> bool:
        current = self.objective.current
        return current is not None and current >= self.objective.target


@dataclass(frozen=True)
class SignalLine:
    code: str
    label: str
    stage: int
    weight: float
    detail: str
    action: str = ""  # the playbook's action for the signal


@dataclass(frozen=True)
class RunRow:
    """The account's churn figures in one run."""

    snapshot: AccountSnapshot
    signals: list[SignalLine]


@dataclass
class Account360:
    account: Account
    as_of: datetime.date
    knowledge: KnowledgeProfile
    team: list[TeamMember]
    history: list[RunRow]  # newest first
    projection: ValueProjection | None
    revenue: RevenueSummary
    cost: CostToServe
    ledger: LedgerSummary
    plan: AccountPlan | None
    objectives: list[ObjectiveProgress]
    overdue_actions: list[PlanAction]
    contacts: Sequence[Contact]  # with their last interaction (relationships.selectors)
    gap_groups: list[GapGroup]
    interactions: list[Interaction]
    gap_count: int = 0
    delivered_shown: list[Any] = field(default_factory=list)
    received_shown: list[Any] = field(default_factory=list)

    @property
    def latest(self) -> AccountSnapshot | None:
        return self.history[0].snapshot if self.history else None

    @property
    def active_contacts(self) -> int:
        return sum(1 for contact in self.contacts if contact.is_active)


def signal_lines(signals: Any) -> list[SignalLine]:
    lines = []
    for signal in signals or []:
        code = str(signal.get("code", ""))
        lines.append(
            SignalLine(
                code=code,
                label=signal_name(code),
                stage=int(signal.get("stage", 0)),
                weight=float(signal.get("weight", 0)),
                detail=signal_detail(str(signal.get("detail", ""))),
                action=signal_step(code),
            )
        )
    lines.sort(key=lambda line: (-line.stage, -line.weight, line.code))
    return lines


def account_snapshots_recent(
    *, account: Account, as_of: datetime.date, limit: int = RUN_HISTORY
) -> list[AccountSnapshot]:
    """The account's snapshots in its latest `limit` successful runs dated on or before
    `as_of`, newest first, each with its run (one query on the (account, run) index)."""
    return list(
        AccountSnapshot.objects.filter(
            account=account,
            run__status=AnalysisRun.Status.SUCCEEDED,
            run__as_of__lte=as_of,
        )
        .select_related("run")
        # the run's Pareto and warnings are the dashboard's and ops' business, not this page's
        .defer("run__cost_by_activity_type", "run__warnings", "run__error")
        .order_by("-run__as_of", "-run__finished_at", "-run_id")[:limit]
    )


@lru_cache(maxsize=1024)
def _projection_years(
    net_profit: float, growth_rate: float, retention: float, discount_rate: float, horizon: int
) -> list[ProjectionYear]:
    """valuation.analysis.lifetime_value.value_projection as rows; memoised because a
    DataFrame costs more than the rest of the arithmetic (callers do not mutate the list)."""
    frame = value_projection(net_profit, growth_rate, retention, discount_rate, horizon)
    return [
        ProjectionYear(year=int(year), value=value, discounted=discounted, cumulative=cumulative)
        for year, value, discounted, cumulative in zip(
            frame[columns.YEAR].tolist(),
            frame[columns.VALUE].tolist(),
            frame[columns.DISCOUNTED_VALUE].tolist(),
            frame[columns.CUMULATIVE_DISCOUNTED_VALUE].tolist(),
            strict=True,
        )
    ]


def account_value_projection(*, snapshot: AccountSnapshot) -> ValueProjection:
    """Year-by-year lifetime value of the snapshot's account with its run's discount rate and
    horizon (DOMAIN.md defaults for a run that recorded none). No query: the run is joined."""
    parameters = snapshot.run.parameters or {}
    discount_rate = float(parameters.get("discount_rate", _DEFAULTS.discount_rate))
    horizon_years = int(parameters.get("horizon_years", _DEFAULTS.horizon_years))
    years = _projection_years(
        float(snapshot.net_profit_ttm),
        float(snapshot.growth_rate),
        float(snapshot.retention),
        discount_rate,
        horizon_years,
    )
    return ValueProjection(
        net_profit=snapshot.net_profit_ttm,
        growth_rate=snapshot.growth_rate,
        retention=snapshot.retention,
        discount_rate=discount_rate,
        horizon_years=horizon_years,
        years=years,
        snapshot_ltv=snapshot.ltv,
    )


def account_plan_current(*, account: Account, as_of: datetime.date) -> AccountPlan | None:
    """The plan the review is about: the latest one that has started by `as_of` (else the
    next one to start), with its objectives (two queries; the page lists the overdue actions
    of every plan separately)."""
    has_started = Case(
        When(period_start__lte=as_of, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        account_plans_for_account(account=account)
        .annotate(has_started=has_started)
        .order_by("-has_started", "-period_start", "-id")
        .prefetch_related(Prefetch("objectives", queryset=PlanObjective.objects.order_by("id")))
        .first()
    )


def _objective_progress(plan: AccountPlan | None) -> list[ObjectiveProgress]:
    if plan is None:
        return []
    rows = []
    for objective in plan.objectives.all():
        percent = None
        if objective.current is not None and objective.target:
            percent = int(objective.current * 100 / objective.target)
        rows.append(ObjectiveProgress(objective=objective, percent=percent))
    return rows


def account_360(*, user: User, account: Account, as_of: datetime.date) -> Account360:
    """Everything on the account 360 page for an account the user may read (the caller has
    passed the gatekeeper). Fifteen queries whatever the data size:
    knowledge entries 1, team 1, snapshots with runs 1, revenue 1, forecasts 1, cost to
    serve 1, ledger 1, plan + objectives 2, overdue actions 1, contacts + goals 2, lines of
    influence 1, interactions + their contacts 2."""
    snapshots = account_snapshots_recent(account=account, as_of=as_of)
    history = [RunRow(snapshot=s, signals=signal_lines(s.signals)) for s in snapshots]
    plan = account_plan_current(account=account, as_of=as_of)
    contacts = list(account_contacts(account=account, as_of=as_of))
    gaps = coverage_gaps_from_contacts(
        contacts=contacts, as_of=as_of, influences=account_influences(account=account)
    )
    ledger = account_value_ledger(account=account, as_of=as_of)
    return Account360(
        account=account,
        as_of=as_of,
        knowledge=knowledge_profile(account=account),
        team=list(account_team(account=account)),
        history=history,
        projection=account_value_projection(snapshot=snapshots[0]) if snapshots else None,
        revenue=account_revenue_summary(account=account, as_of=as_of),
        cost=account_cost_to_serve(account=account, as_of=as_of),
        ledger=ledger,
        plan=plan,
        objectives=_objective_progress(plan),
        overdue_actions=list(
            plan_actions_overdue(user=user, as_of=as_of).filter(plan__account=account)
        ),
        contacts=contacts,
        gap_groups=coverage_gap_groups(gaps),
        gap_count=len(gaps),
        interactions=account_interactions(account=account, limit=LAST_INTERACTIONS),
        delivered_shown=ledger.delivered[:LEDGER_ENTRIES_SHOWN],
        received_shown=ledger.received[:LEDGER_ENTRIES_SHOWN],
    )


# Raise when the body template or what account_360 computes changes, so pages cached by the
# previous code are not served by the new one.
ACCOUNT_360_CODE_VERSION = 2
# A cached body is replaced as soon as its key changes; the timeout only frees memory.
ACCOUNT_360_CACHE_SECONDS = 24 * 3600


def account_360_cache_key(*, account: Account, as_of: datetime.date, is_today: bool) -> str:
    """The cache key of the account's 360 body for a review date, from what can change it.

    - the account row as the gatekeeper read it (no query): its id, `created_at` (another
      database reusing the id, e.g. a rebuilt test database on a shared Redis, differs
      there), `updated_at` (its own fields) and `data_version` (every service writing the rows
      the page reads calls accounts.services.account_data_changed; activity types and
      rates bump every account);
    - one query: the latest successful analysis run and how many there are (a new run, a
      deleted one), the same of imports (they write in bulk, bumping no version, and may touch
      every account: one new key for all instead of a version bump on each; the count also
      changes when two imports commit out of order),
      and when the account's plans last changed (the plan services move a plan's status
      with a queryset UPDATE, which sets `updated_at`);
    - the review date and whether it is today (the page words a few sentences for today).

    Every part is read from the database, so processes with their own local-memory cache
    never serve a page older than the data (no cross-process invalidation is needed)."""
    runs = AnalysisRun._meta.db_table
    imports = ImportBatch._meta.db_table
    plans = AccountPlan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {runs} WHERE status = %s),"  # noqa: S608 - table names
            f" (SELECT count(*) FROM {runs} WHERE status = %s),"
            f" (SELECT max(id) FROM {imports} WHERE status = %s),"
            f" (SELECT count(*) FROM {imports} WHERE status = %s),"
            f" (SELECT max(updated_at) FROM {plans} WHERE account_id = %s)",
            [
                AnalysisRun.Status.SUCCEEDED,
                AnalysisRun.Status.SUCCEEDED,
                ImportBatch.Status.SUCCEEDED,
                ImportBatch.Status.SUCCEEDED,
                account.pk,
            ],
        )
        last_run, run_count, last_import, import_count, plans_changed = cursor.fetchone()
    parts = [
        ACCOUNT_360_CODE_VERSION,
        account.pk,
        account.created_at.timestamp(),
        account.updated_at.timestamp(),
        account.data_version,
        last_run or 0,
        run_count,
        last_import or 0,
        import_count,
        # A raw max() comes back as a datetime on PostgreSQL, as text on SQLite.
        str(plans_changed or 0).replace(" ", "T"),  # no space: a portable cache key
        as_of.isoformat(),
        int(is_today),
    ]
    return "account360:" + ":".join(str(part) for part in parts)
