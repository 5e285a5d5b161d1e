"""Reads of analysis runs and snapshots; snapshots always pass through the account gatekeeper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from kam.types import User
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot, AnalysisRun
from portfolio.schedule_words import in_words, next_run, simple_schedule
from portfolio.schedules import nightly_schedule_get
from valuation.analysis.columns import MONEY_COLUMNS
from valuation.models import ImportBatch

# Ratios shown as percentages (0.63 → 63.0 %); value_ratio stays a ratio (2.5).
PERCENT_FIGURES = ("growth_rate", "margin", "retention")

# The snapshot's fields by name (those of SNAPSHOT_FIGURES are all concrete).
SNAPSHOT_FIELDS = {field.name: field for field in AccountSnapshot._meta.concrete_fields}


def analysis_run_list() -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.select_related("requested_by")


def analysis_run_latest_succeeded() -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("-as_of", "-finished_at", "-id")
        .first()
    )


def snapshots_for_run(*, user: User, run: AnalysisRun) -> QuerySet[AccountSnapshot]:
    """The run's snapshots of the accounts the user may see, with their accounts."""
    return (
        AccountSnapshot.objects.filter(run=run, account__in=accounts_visible_to(user).values("pk"))
        .select_related("account", "account__owner")
        .order_by("account__name", "account_id")
    )


@dataclass(frozen=True)
class FigureMovement:
    name: str
    label: str
    # Decimal places to show, grouped by thousands (floatformat's argument), "" for text.
    places: str
    value: Any
    previous: Any
    change: Decimal | None

    @property
    def kind(self) -> str:
        """How the page shows it: money (in KAM_CURRENCY), a percentage, a number or text."""
        if self.name in MONEY_COLUMNS:
            return "money"
        if self.name in PERCENT_FIGURES:
            return "percent"
        return "number" if self.places else "text"


@dataclass(frozen=True)
class SnapshotHistory:
    latest: AccountSnapshot | None
    previous: AccountSnapshot | None
    figures: list[FigureMovement]


def snapshot_history_for_account(*, account: Account) -> SnapshotHistory:
    """The account's snapshot in the latest successful run and in the one before it, with
    how each figure moved (two queries)."""
    latest_two = list(
        AccountSnapshot.objects.filter(account=account, run__status=AnalysisRun.Status.SUCCEEDED)
        .select_related("run")
        .order_by("-run__as_of", "-run__finished_at", "-run_id")[:2]
    )
    latest = latest_two[0] if latest_two else None
    previous = latest_two[1] if len(latest_two) > 1 else None
    figures = []
    if latest is not None:
        for name in SNAPSHOT_FIGURES:
            value = getattr(latest, name)
            before = getattr(previous, name) if previous is not None else None
            change = None
            if isinstance(field := SNAPSHOT_FIELDS[name], models.BooleanField):
                value = gettext("yes") if value else gettext("no")
                before = None if previous is None else (gettext("yes") if before else gettext("no"))
            elif isinstance(value, int | Decimal) and isinstance(before, int | Decimal):
                change = Decimal(value) - Decimal(before)
            decimals = getattr(field, "decimal_places", 0)
            places = (
                "" if isinstance(field, models.CharField | models.BooleanField) else f"{decimals}g"
            )
            if field.choices:
                shown = dict(field.flatchoices)
                value, before = shown.get(value, value), shown.get(before, before)
            figures.append(
                FigureMovement(
                    name=name,
                    label=str(field.verbose_name),
                    places=places,
                    value=value,
                    previous=before,
                    change=change,
                )
            )
    return SnapshotHistory(latest=latest, previous=previous, figures=figures)


def snapshot_latest_for_account(*, account: Account) -> AccountSnapshot | None:
    return snapshot_history_for_account(account=account).latest


@dataclass(frozen=True)
class OpsStatus:
    latest_run: AnalysisRun | None
    active_runs: int
    failed_runs_week: int
    next_run: datetime | None
    schedule_words: str
    schedule_enabled: bool
    latest_imports: list[ImportBatch]
    failed_imports_week: int


def ops_status_get(*, now: datetime) -> OpsStatus:
    """What ops look at first (five queries): the latest run, runs queued or running, runs and
    imports that failed in the last seven days, the nightly schedule and its next run, and
    the five latest imports."""
    week_ago = now - timedelta(days=7)
    runs = AnalysisRun.objects.select_related("requested_by")
    schedule = nightly_schedule_get()
    simple = simple_schedule(schedule.minute, schedule.hour, schedule.day_of_week)
    counts = runs.aggregate(
        active=Count(
            "pk", filter=Q(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING])
        ),
        failed=Count("pk", filter=Q(status=AnalysisRun.Status.FAILED, queued_at__gte=week_ago)),
    )
    imports = ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")
    return OpsStatus(
        latest_run=runs.order_by("-queued_at", "-id").first(),
        active_runs=counts["active"],
        failed_runs_week=counts["failed"],
        next_run=next_run(simple, now.astimezone(UTC)) if simple and schedule.enabled else None,
        schedule_words=in_words(
            schedule.minute, schedule.hour, schedule.day_of_week, gettext=gettext
        ),
        schedule_enabled=schedule.enabled,
        latest_imports=list(imports[:5]),
        failed_imports_week=imports.filter(
            status=ImportBatch.Status.FAILED, created_at__gte=week_ago
        ).count(),
    )
