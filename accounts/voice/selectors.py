"""Reads of the voice of the customer: assessments and their trend, complaints with the
recurring-problem flag (DOMAIN.md), and account events. Visibility follows the account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, QuerySet

from accounts.models import Account, AccountEvent, Assessment, AssessmentDimension, Complaint
from accounts.selectors import accounts_visible_to
from kam.types import AnyUser

# DOMAIN.md, churn signal recurring_problems: ≥ 3 complaints of the same category opened in
# the 90 days up to T, both ends inclusive (T − 90 days ≤ opened_on ≤ T), as the analysis does.
RECURRING_COMPLAINTS = 3
RECURRING_DAYS = 90


def assessments_visible_to(user: AnyUser) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(account__in=accounts_visible_to(user).values("pk"))
        .select_related("account", "created_by")
        .prefetch_related(
            Prefetch("dimensions", queryset=AssessmentDimension.objects.order_by("id"))
        )
    )


def complaints_visible_to(user: AnyUser) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        account__in=accounts_visible_to(user).values("pk")
    ).select_related("account", "created_by")


def events_visible_to(user: AnyUser) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(
        account__in=accounts_visible_to(user).values("pk")
    ).select_related("account", "created_by")


@dataclass(frozen=True)
class RecurringProblem:
    category: str
    count: int
    first_opened_on: date


def complaint_recurring_problems(*, account: Account, as_of: date) -> list[RecurringProblem]:
    """Categories with ≥ 3 complaints opened in the 90 days up to `as_of` (one query)."""
    rows = (
        Complaint.objects.filter(
            account=account,
            opened_on__gte=as_of - timedelta(days=RECURRING_DAYS),
            opened_on__lte=as_of,
        )
        .values("category")
        .annotate(count=Count("id"), first=Min("opened_on"))
        .filter(count__gte=RECURRING_COMPLAINTS)
        .order_by("-count", "category")
    )
    return [
        RecurringProblem(category=row["category"], count=row["count"], first_opened_on=row["first"])
        for row in rows
    ]


@dataclass(frozen=True)
class TrendPoint:
    assessment: Assessment
    change: Decimal | None  # against the previous assessment; None for the first

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"


def assessment_trend(*, account: Account) -> list[TrendPoint]:
    """The account's assessments oldest first, each with its change against the one before."""
    points: list[TrendPoint] = []
    previous: Decimal | None = None
    for assessment in (
        Assessment.objects.filter(account=account)
        .prefetch_related(
            Prefetch("dimensions", queryset=AssessmentDimension.objects.order_by("id"))
        )
        .order_by("date", "id")
    ):
        change = None if previous is None else assessment.score - previous
        points.append(TrendPoint(assessment=assessment, change=change))
        previous = assessment.score
    return points


@dataclass(frozen=True)
class VoiceTrend:
    account: Account
    latest_score: Decimal
    latest_date: date
    change: Decimal | None
    assessments: int

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"

    @property
    def is_warning(self) -> bool:
        """DOMAIN.md satisfaction_decline: latest ≤ 5 or ≥ 1.0 below the one before."""
        return self.latest_score <= 5 or (self.change is not None and self.change <= -1)


def voice_trends(*, user: AnyUser, designations: list[str] | None = None) -> list[VoiceTrend]:
    """Latest assessment score and its change per visible account, worst change first.

    Two queries: the visible accounts with assessments, and their assessments.
    """
    accounts = accounts_visible_to(user).filter(assessments__isnull=False).distinct()
    if designations:
        accounts = accounts.filter(designation__in=designations)
    by_account: dict[int, list[Assessment]] = defaultdict(list)
    account_of: dict[int, Account] = {}
    for account in accounts:
        account_of[account.pk] = account
    for assessment in Assessment.objects.filter(account__in=list(account_of)).order_by(
        "account_id", "date", "id"
    ):
        by_account[assessment.account_id].append(assessment)
    trends = []
    for pk, items in by_account.items():
        latest = items[-1]
        change = latest.score - items[-2].score if len(items) > 1 else None
        trends.append(
            VoiceTrend(
                account=account_of[pk],
                latest_score=latest.score,
                latest_date=latest.date,
                change=change,
                assessments=len(items),
            )
        )
    trends.sort(
        key=lambda trend: (trend.change if trend.change is not None else 0, trend.account.name)
    )
    return trends
