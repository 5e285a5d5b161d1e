"""The accounts a user may see, each annotated with the latest successful run's figures."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import get_language

from accounts.models import Account, AccountPlan
from accounts.selectors import accounts_visible_to
from kam import data_versions
from kam.cache import cached_or_built
from kam.roles import user_reads_all_accounts, user_roles
from kam.types import AnyUser
from portfolio.models import AccountSnapshot, AnalysisRun
from relationships.models import Interaction

# Read from the latest successful run (CONTRACT.md): None for an account it did not analyse.
FIGURES = ("revenue_ttm", "net_profit_ttm", "segment", "churn_score", "churn_stage", "at_risk")


def _snapshot_field(name: str) -> Any:
    return AccountSnapshot._meta.get_field(name)


def accounts_with_figures(*, user: AnyUser, run: AnalysisRun | None) -> QuerySet[Account]:
    """`accounts_visible_to(user)` with the owner, each account's FIGURES from `run` (None
    without one), `last_interaction_on` and `plan_status` (the status of its plan with the
    latest period). One query for any number of rows."""
    accounts = accounts_visible_to(user).select_related("owner")
    if run is None:
        figures: dict[str, Any] = {
            name: Value(None, output_field=_snapshot_field(name).clone()) for name in FIGURES
        }
    else:
        accounts = accounts.annotate(
            latest=FilteredRelation("snapshots", condition=Q(snapshots__run_id=run.pk))
        )
        figures = {name: F(f"latest__{name}") for name in FIGURES}
    last_interaction = Interaction.objects.filter(account=OuterRef("pk")).order_by("-date")
    plan = AccountPlan.objects.filter(account=OuterRef("pk")).order_by("-period_end", "-id")
    return accounts.annotate(
        **figures,
        last_interaction_on=Subquery(last_interaction.values("date")[:1]),
        plan_status=Subquery(plan.values("status")[:1]),
    )


PAGE_SECONDS = 10 * 60


def reader_scope(user: AnyUser) -> str:
    """Which accounts a cached figure of the account list was read over: every account for
    readers of all of them (executives, ops, superusers), else the user's own; with the
    user's roles, so that a role given or taken away reads afresh."""
    scope = "all" if user_reads_all_accounts(user) else f"user-{user.pk}"
    return f"{scope}:{','.join(sorted(user_roles(user)))}"


def account_list_page(
    *, user: AnyUser, url: str, run: AnalysisRun | None, build: Callable[[], Any | None]
) -> Any | None:
    """One page of the list's API as `user` reads it at `url` (the whole URL: filters, sort,
    page or cursor, format), from the cache when it was built since the accounts data last
    changed (kam.data_versions: every write to an account, its team, its interactions or
    plans, and every import, moves the version when it commits) for the same run, scope,
    roles and language; else `build()`, kept unless it gives None (a refusal is not kept)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    key = ":".join(
        (
            "account-list-page",
            data_versions.current(data_versions.ACCOUNTS),
            "none" if run is None else str(run.pk),
            reader_scope(user),
            get_language(),
            digest,
        )
    )
    return cached_or_built(key, build, PAGE_SECONDS)


CHOICES_SECONDS = 24 * 60 * 60


def account_list_choices(*, user: AnyUser) -> dict[str, list[str]]:
    """The regions, industries and owners' usernames of the accounts `user` sees, for the
    list's filters: three DISTINCT reads over the accounts alone (without the figures), kept
    in the cache per version of the accounts data and reader scope (at 100,000 accounts they
    were most of the page's time)."""
    key = ":".join(
        (
            "account-list-choices",
            data_versions.current(data_versions.ACCOUNTS),
            reader_scope(user),
        )
    )
    visible = accounts_visible_to(user).select_related(None).order_by()

    def distinct(name: str, empty: dict[str, Any]) -> list[str]:
        return list(visible.exclude(**empty).order_by(name).values_list(name, flat=True).distinct())

    def build() -> dict[str, list[str]]:
        return {
            "region": distinct("region", {"region": ""}),
            "industry": distinct("industry", {"industry": ""}),
            "owner": distinct("owner__username", {"owner": None}),
        }

    # build() always answers, so the helper never gives None here
    return cast(dict[str, list[str]], cached_or_built(key, build, CHOICES_SECONDS))
