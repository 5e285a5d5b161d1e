"""The accounts a user may see, each annotated with the latest successful run's figures."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value

from accounts.models import Account, AccountPlan
from accounts.selectors import accounts_visible_to
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
