"""Reads of the portfolio dashboard: the latest successful run's snapshots of the accounts the
user may see, filtered, aggregated in SQL and capped, in a constant number of queries.

Every query starts from `accounts.selectors.accounts_visible_to(user)`, so an account
manager's charts, totals, tables and exports hold only their own and their team's accounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django_stubs_ext import StrOrPromise

from accounts.models import Account, Designation
from accounts.selectors import accounts_visible_to
from kam import data_versions
from kam.cache import cached_or_built
from kam.types import User
from portfolio.dashboard.filters import DashboardFilters
from portfolio.dashboard.lorenz import Concentration, lorenz_curve
from portfolio.models import AccountSnapshot, AnalysisRun, Segment
from portfolio.selectors import analysis_run_latest_succeeded
from portfolio.signal_words import signal_and_words, signal_detail, signal_step
from valuation.analysis.cost_to_serve import cost_pareto
from valuation.models import ActivityType

MATRIX_LIMIT = 300  # bubbles drawn on the portfolio matrix (largest revenue first)
TOP_LIMIT = 20  # creators, drainers, ltv vs replacement, value exchange
CHURN_LIMIT = 50  # rows of the churn-risk list on the dashboard
TREND_RUNS = 12  # successful runs on the trend
TREND_CACHE_SECONDS = 60 * 60  # an earlier run's totals over every account
DASHBOARD_CACHE_SECONDS = 10 * 60  # the whole portfolio's dashboard (see dashboard_get)
SMALL_SCOPE = 2000  # up to this many visible accounts are listed by id


@dataclass(frozen=True)
class Totals:
    accounts: int = 0
    revenue_ttm: Decimal = Decimal("0")
    gross_margin_ttm: Decimal = Decimal("0")
    cost_to_serve_ttm: Decimal = Decimal("0")
    net_profit_ttm: Decimal = Decimal("0")
    ltv: Decimal = Decimal("0")
    replacement_cost: Decimal = Decimal("0")
    value_delivered_ttm: Decimal = Decimal("0")
    value_received_ttm: Decimal = Decimal("0")
    creators: int = 0
    drainers: int = 0
    at_risk: int = 0

    @property
    def net_margin(self) -> Decimal | None:
        return self.net_profit_ttm / self.revenue_ttm if self.revenue_ttm else None


@dataclass(frozen=True)
class AccountRow:
    """One account's figures as the dashboard's tables and exports show them."""

    account_id: int
    name: str
    external_id: str
    owner: str
    revenue_ttm: Decimal
    net_profit_ttm: Decimal
    margin: Decimal
    attractiveness: Decimal
    segment: str
    churn_stage: int
    churn_score: int
    ltv: Decimal
    replacement_cost: Decimal
    value_delivered_ttm: Decimal
    value_received_ttm: Decimal
    at_risk: bool = False
    signals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The account's name, and its external id beside it: two accounts may share a name."""
        return f"{self.name} ({self.external_id})" if self.external_id else self.name

    @property
    def signal_words(self) -> list[str]:
        return [
            signal_and_words(str(s.get("code", "")), signal_detail(str(s.get("detail", ""))))
            for s in self.signals
        ]

    @property
    def signal_actions(self) -> list[str]:
        """The playbook's action for each fired signal, in the signals' order."""
        return [
            signal_and_words(str(s.get("code", "")), signal_step(str(s.get("code", ""))))
            for s in self.signals
        ]


@dataclass(frozen=True)
class ParetoRow:
    code: str
    name: str
    is_investment: bool
    cost: float
    share: float
    cumulative_share: float
    is_vital_few: bool


@dataclass(frozen=True)
class TrendRow:
    run_id: int
    as_of: date
    accounts: int
    totals: dict[str, Decimal]


@dataclass(frozen=True)
class FilterOptions:
    # The labels stay lazy (a cached dashboard is read in every language).
    segments: list[tuple[str, StrOrPromise]]
    designations: list[tuple[str, StrOrPromise]]
    owners: list[str]
    regions: list[str]


@dataclass(frozen=True)
class Dashboard:
    run: AnalysisRun
    filters: DashboardFilters
    totals: Totals
    matrix: list[AccountRow]  # largest revenue first, at most MATRIX_LIMIT
    concentration: Concentration
    pareto: list[ParetoRow]
    creators: list[AccountRow]
    drainers: list[AccountRow]
    value_exchange: list[AccountRow]
    churn: list[AccountRow]
    trend: list[TrendRow]
    options: FilterOptions
    cache_key: str | None = None  # set when every reader of the whole portfolio shares it

    @property
    def top_accounts(self) -> list[AccountRow]:
        """The largest accounts by revenue, for lifetime value against replacement cost."""
        return self.matrix[:TOP_LIMIT]


_ROW_FIELDS = (
    "account_id",
    "account__name",
    "account__external_id",
    "account__owner__username",
    "revenue_ttm",
    "net_profit_ttm",
    "margin",
    "attractiveness",
    "segment",
    "churn_stage",
    "churn_score",
    "ltv",
    "replacement_cost",
    "value_delivered_ttm",
    "value_received_ttm",
    "at_risk",
)
TREND_FIGURES = ("revenue_ttm", "gross_margin_ttm", "cost_to_serve_ttm", "net_profit_ttm")


def _rows(queryset: QuerySet[AccountSnapshot], *, with_signals: bool = False) -> list[AccountRow]:
    fields = (*_ROW_FIELDS, "signals") if with_signals else _ROW_FIELDS
    return [
        AccountRow(
            account_id=values[0],
            name=values[1],
            external_id=values[2] or "",
            owner=values[3],
            revenue_ttm=values[4],
            net_profit_ttm=values[5],
            margin=values[6],
            attractiveness=values[7],
            segment=values[8],
            churn_stage=values[9],
            churn_score=values[10],
            ltv=values[11],
            replacement_cost=values[12],
            value_delivered_ttm=values[13],
            value_received_ttm=values[14],
            at_risk=values[15],
            signals=values[16] if with_signals else [],
        )
        for values in queryset.values_list(*fields)
    ]


def dashboard_visible_accounts(*, user: User, filters: DashboardFilters) -> QuerySet[Account]:
    """The accounts the user may see, narrowed by the account filters (not by segment,
    which belongs to a run's snapshot)."""
    accounts = accounts_visible_to(user)
    if filters.designation:
        accounts = accounts.filter(designation=filters.designation)
    if filters.owner:
        accounts = accounts.filter(owner__username=filters.owner)
    if filters.region:
        accounts = accounts.filter(region=filters.region)
    return accounts


def _is_every_account(accounts: QuerySet[Account]) -> bool:
    """True when the gatekeeper's queryset, after the filters, restricts nothing (an
    executive or ops without account filters): the dashboard then reads a run's snapshots
    without joining the accounts, and may use the figures the run stored for all of them.
    Read from the queryset itself, so a stricter gatekeeper turns this off by itself."""
    return not accounts.query.where


@dataclass
class Scope:
    """The accounts one dashboard request covers."""

    accounts: QuerySet[Account]
    is_every_account: bool  # every account, no account filter
    reads_every_account: bool = False  # the user's own view is unrestricted (before filters)

    @cached_property
    def account_ids(self) -> list[int] | None:
        """The scope's ids when there are few (an account manager's book, a narrow filter):
        PostgreSQL misjudges the gatekeeper's "owner OR on the team" subquery as half the
        portfolio and would walk every snapshot of the run; by id it is an index lookup.
        Read on first use only, so a cached dashboard does not pay for it."""
        if self.is_every_account:
            return None
        ids = list(self.accounts.order_by().values_list("pk", flat=True)[: SMALL_SCOPE + 1])
        return ids if len(ids) <= SMALL_SCOPE else None


def dashboard_scope(*, user: User, filters: DashboardFilters) -> Scope:
    """The visible, filtered accounts (no query yet: see Scope.account_ids)."""
    accounts = dashboard_visible_accounts(user=user, filters=filters)
    if _is_every_account(accounts):
        return Scope(accounts=accounts, is_every_account=True, reads_every_account=True)
    return Scope(
        accounts=accounts,
        is_every_account=False,
        reads_every_account=_is_every_account(accounts_visible_to(user)),
    )


def dashboard_snapshots(
    *, scope: Scope, run: AnalysisRun | None = None, segment: str = ""
) -> QuerySet[AccountSnapshot]:
    """Snapshots of `run` (or of every run when None) of the scope's accounts."""
    snapshots = AccountSnapshot.objects.all()
    if scope.account_ids is not None:
        snapshots = snapshots.filter(account_id__in=scope.account_ids)
    elif not scope.is_every_account:
        snapshots = snapshots.filter(account__in=scope.accounts.values("pk"))
    if run is not None:
        snapshots = snapshots.filter(run=run)
    if segment:
        snapshots = snapshots.filter(segment=segment)
    return snapshots.order_by()


def _totals(snapshots: QuerySet[AccountSnapshot]) -> Totals:
    zero = Decimal("0")
    money = (
        "revenue_ttm",
        "gross_margin_ttm",
        "cost_to_serve_ttm",
        "net_profit_ttm",
        "ltv",
        "replacement_cost",
        "value_delivered_ttm",
        "value_received_ttm",
    )
    # Aliases differ from the field names: the counts filter on those fields.
    sums = snapshots.aggregate(
        total_accounts=Count("pk"),
        total_creators=Count("pk", filter=Q(net_profit_ttm__gt=0)),
        total_drainers=Count("pk", filter=Q(net_profit_ttm__lt=0)),
        total_at_risk=Count("pk", filter=Q(at_risk=True)),
        **{f"total_{name}": Sum(name, default=zero) for name in money},
    )
    return Totals(**{name.removeprefix("total_"): value for name, value in sums.items()})


def _concentration(snapshots: QuerySet[AccountSnapshot]) -> Concentration:
    """Revenue concentration from the sorted revenue list: one query reading the run's
    snapshots along the (run, revenue) index, largest first (10,000 floats at 10,000
    accounts; a window function summing them in SQL had to sort and took longer)."""
    largest_first = list(
        snapshots.order_by("-revenue_ttm")
        .annotate(revenue_float=Cast("revenue_ttm", FloatField()))
        .values_list("revenue_float", flat=True)
    )
    return lorenz_curve(revenues_ascending=largest_first[::-1])


def _pareto(
    run: AnalysisRun, snapshots: QuerySet[AccountSnapshot], *, whole_run: bool
) -> list[ParetoRow]:
    """Cost to serve per activity type over the filtered accounts, with the vital few (the
    rule of valuation.analysis.cost_to_serve.cost_pareto: the smallest set reaching 80 %).

    Over the whole run (every account, no filter) the run's own Pareto is read; otherwise
    the snapshots' costs per activity type are summed (about 10 per account). Types no
    longer in the database are left out, as on the run's own Pareto."""
    if whole_run:
        costs = {row["activity_type"]: float(row["cost"]) for row in run.cost_by_activity_type}
    else:
        costs = {}
        for split in snapshots.values_list("cost_by_activity_type", flat=True):
            for code, cost in split.items():
                costs[code] = costs.get(code, 0.0) + cost
    about = {
        code: (name, investment)
        for code, name, investment in ActivityType.objects.filter(code__in=costs).values_list(
            "code", "name", "is_investment"
        )
    }
    costs = {code: round(cost, 2) for code, cost in costs.items() if code in about}
    if not costs:
        return []
    frame = cost_pareto(pd.Series(costs, dtype="float64"))
    return [
        ParetoRow(
            code=code,
            name=about[code][0],
            is_investment=about[code][1],
            cost=cost,
            share=share,
            cumulative_share=cumulative,
            is_vital_few=bool(vital),
        )
        for code, cost, share, cumulative, vital in zip(
            frame["activity_type"].tolist(),
            frame["cost"].tolist(),
            frame["share"].tolist(),
            frame["cumulative_share"].tolist(),
            frame["vital_few"].tolist(),
            strict=True,
        )
    ]


def _trend_rows(snapshots: QuerySet[AccountSnapshot], run_ids: list[int]) -> dict[int, TrendRow]:
    zero = Decimal("0")
    rows = (
        snapshots.filter(run_id__in=run_ids)
        .values("run_id", "run__as_of")
        .annotate(
            accounts=Count("pk"),
            **{name: Sum(name, default=zero) for name in TREND_FIGURES},
        )
        .order_by()
    )
    return {
        row["run_id"]: TrendRow(
            run_id=row["run_id"],
            as_of=row["run__as_of"],
            accounts=row["accounts"],
            totals={name: row[name] for name in TREND_FIGURES},
        )
        for row in rows
    }


def _trend_cache_key(run_id: int, finished_at: Any, segment: str) -> str:
    # finished_at makes the key unique to this run even across databases sharing a cache.
    stamp = finished_at.isoformat() if finished_at else ""
    return f"dashboard:trend:{run_id}:{stamp}:{segment}"


def _trend(
    *, scope: Scope, filters: DashboardFilters, run: AnalysisRun, totals: Totals
) -> list[TrendRow]:
    """The totals of the last TREND_RUNS successful runs over the visible, filtered
    accounts (the segment filter uses each run's own segment), oldest first.

    Over every account the earlier runs' totals are cached: a run's snapshots never change,
    and summing 12 runs of 10,000 accounts took longer than the rest of the page. The
    latest run's totals are the dashboard's own. Filtered or restricted views sum the
    snapshots of their accounts in one query."""
    runs = list(
        AnalysisRun.objects.filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("-as_of", "-finished_at", "-id")
        .values_list("pk", "as_of", "finished_at")[:TREND_RUNS]
    )
    snapshots = dashboard_snapshots(scope=scope, segment=filters.segment)
    if not scope.is_every_account:
        found = _trend_rows(snapshots, [pk for pk, _, _ in runs])
    else:
        keys = {
            pk: _trend_cache_key(pk, finished_at, filters.segment)
            for pk, _, finished_at in runs
            if pk != run.pk
        }
        cached = cache.get_many(list(keys.values()))
        found = {pk: cached[key] for pk, key in keys.items() if key in cached}
        missing = [pk for pk in keys if pk not in found]
        if missing:
            fresh = _trend_rows(snapshots, missing)
            cache.set_many(
                {keys[pk]: row for pk, row in fresh.items()}, timeout=TREND_CACHE_SECONDS
            )
            found.update(fresh)
        found[run.pk] = TrendRow(
            run_id=run.pk,
            as_of=run.as_of,
            accounts=totals.accounts,
            totals={name: getattr(totals, name) for name in TREND_FIGURES},
        )
    return [found[pk] for pk, _, _ in reversed(runs) if pk in found]


def _options(*, user: User) -> FilterOptions:
    visible = accounts_visible_to(user).order_by()
    # Owners holding a visible account: one index probe per user, not a DISTINCT over
    # every account.
    owners = (
        get_user_model()
        .objects.filter(Exists(visible.filter(owner=OuterRef("pk"))))
        .order_by("username")
        .values_list("username", flat=True)
    )
    regions = (
        visible.exclude(region="").values_list("region", flat=True).distinct().order_by("region")
    )
    return FilterOptions(
        segments=list(Segment.choices),
        designations=list(Designation.choices),
        owners=list(owners),
        regions=list(regions),
    )


def _dashboard_cache_key(run: AnalysisRun, filters: DashboardFilters) -> str:
    """What a dashboard of a reader of every account depends on besides the run (whose
    snapshots never change) and the filters: the accounts' names, owners, designations and
    regions, whose every write moves the accounts data's version when it commits
    (kam.data_versions: an account or team saved or deleted, an owner renamed, any import).
    No query: at 100,000 accounts the `max(updated_at)` and `count(*)` it replaced cost a
    cached dashboard 20 ms."""
    finished = run.finished_at.isoformat() if run.finished_at else ""
    # Filter values are free text (owner, region): hashed, so any cache backend takes the key.
    chosen = hashlib.sha256(urlencode(sorted(filters.as_query().items())).encode()).hexdigest()
    accounts = data_versions.current(data_versions.ACCOUNTS)
    return f"dashboard:{run.pk}:{finished}:{chosen[:32]}:{accounts}"


@dataclass(frozen=True)
class DashboardSource:
    """What one dashboard request reads: the latest successful run (None before the first),
    the accounts in scope, and the shared cache key of a whole-portfolio view (None for a
    restricted or account-filtered one, which is never cached)."""

    run: AnalysisRun | None
    scope: Scope | None
    cache_key: str | None


def dashboard_source(*, user: User, filters: DashboardFilters) -> DashboardSource:
    """Two or three queries: the run, then the account ids of a restricted scope or the
    accounts' version of the whole portfolio's cache key."""
    run = analysis_run_latest_succeeded()
    if run is None:
        return DashboardSource(run=None, scope=None, cache_key=None)
    scope = dashboard_scope(user=user, filters=filters)
    key = _dashboard_cache_key(run, filters) if scope.reads_every_account else None
    return DashboardSource(run=run, scope=scope, cache_key=key)


def dashboard_get(
    *, user: User, filters: DashboardFilters, source: DashboardSource | None = None
) -> Dashboard | None:
    """Everything the dashboard shows, from the latest successful run; None before the
    first run. Fourteen queries whatever the portfolio's size (see the query-count tests).

    The dashboard of a reader of every account (executives, ops), with or without filters,
    is the same for every such reader, so it is cached for DASHBOARD_CACHE_SECONDS under a
    key of the run, the filters and the accounts' version (any account change makes a new
    key): a hit costs the source's queries. An account manager's view is never cached."""
    source = source or dashboard_source(user=user, filters=filters)
    if source.run is None or source.scope is None:
        return None
    if source.cache_key is None:
        return _dashboard_build(user=user, filters=filters, run=source.run, scope=source.scope)
    cached: Dashboard | None = cache.get(source.cache_key)
    if cached is None:
        built = _dashboard_build(user=user, filters=filters, run=source.run, scope=source.scope)
        cached = replace(built, cache_key=source.cache_key)
        cache.set(source.cache_key, cached, timeout=DASHBOARD_CACHE_SECONDS)
    return cached


def dashboard_payload(
    *, source: DashboardSource, variant: str, build: Callable[[], dict[str, Any] | None]
) -> dict[str, Any] | None:
    """The API's answer (`variant`: its `rows`) of a dashboard every reader of the whole
    portfolio shares (its source has a cache key), kept in the cache beside that dashboard,
    one per variant and language: a repeat costs the source's queries and one cache read.
    Any other is `build()` each time; None (no run yet) is not kept."""
    if source.cache_key is None:
        return build()
    key = f"{source.cache_key}:api:{variant}:{get_language()}"
    return cached_or_built(key, build, DASHBOARD_CACHE_SECONDS)


def _dashboard_build(
    *, user: User, filters: DashboardFilters, run: AnalysisRun, scope: Scope
) -> Dashboard:
    snapshots = dashboard_snapshots(scope=scope, run=run, segment=filters.segment)
    whole_run = scope.is_every_account and not filters.segment
    totals = _totals(snapshots)
    with_names = snapshots
    by_account = ("account_id",)
    return Dashboard(
        run=run,
        filters=filters,
        totals=totals,
        matrix=_rows(with_names.order_by("-revenue_ttm", *by_account)[:MATRIX_LIMIT]),
        concentration=_concentration(snapshots),
        pareto=_pareto(run, snapshots, whole_run=whole_run),
        creators=_rows(
            with_names.filter(net_profit_ttm__gt=0).order_by("-net_profit_ttm", *by_account)[
                :TOP_LIMIT
            ]
        ),
        drainers=_rows(
            with_names.filter(net_profit_ttm__lt=0).order_by("net_profit_ttm", *by_account)[
                :TOP_LIMIT
            ]
        ),
        value_exchange=_rows(
            with_names.filter(Q(value_delivered_ttm__gt=0) | Q(value_received_ttm__gt=0))
            .annotate(exchanged=F("value_delivered_ttm") + F("value_received_ttm"))
            .order_by("-exchanged", *by_account)[:TOP_LIMIT]
        ),
        churn=_rows(dashboard_churn_risk(snapshots)[:CHURN_LIMIT], with_signals=True),
        trend=_trend(scope=scope, filters=filters, run=run, totals=totals),
        options=_options(user=user),
    )


def dashboard_churn_risk(snapshots: QuerySet[AccountSnapshot]) -> QuerySet[AccountSnapshot]:
    """The accounts at churn risk (DOMAIN.md at_risk) by revenue at risk, largest first."""
    return snapshots.filter(at_risk=True).order_by("-revenue_ttm", "-churn_score", "account_id")


@dataclass(frozen=True)
class ChurnPage:
    run: AnalysisRun | None
    page: Page[Any] | None
    rows: list[AccountRow]


def dashboard_churn_risk_page(
    *, user: User, filters: DashboardFilters, page_number: Any
) -> ChurnPage:
    """One page (CHURN_LIMIT rows) of every visible account at churn risk."""
    run = analysis_run_latest_succeeded()
    if run is None:
        return ChurnPage(run=None, page=None, rows=[])
    scope = dashboard_scope(user=user, filters=filters)
    at_risk = dashboard_churn_risk(
        dashboard_snapshots(scope=scope, run=run, segment=filters.segment)
    )
    page = Paginator(at_risk.values_list("pk", flat=True), CHURN_LIMIT).get_page(page_number)
    start = page.start_index() - 1 if page.paginator.count else 0
    rows = (
        _rows(at_risk[start : start + CHURN_LIMIT], with_signals=True) if page.object_list else []
    )
    return ChurnPage(run=run, page=page, rows=rows)
