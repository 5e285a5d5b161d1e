"""Reads of key 4 (support for account managers): each manager's load, competency
assessments with their trend, and the pay-mix check.

Who may see what (one gatekeeper per object type):
* load: executives and ops read every manager's row; an account manager reads their own row
  only; anybody else is refused (`accounts.people.rules.can_view_load`).
* competency assessments: executives read and record them for every account manager; a
  manager reads their own; for anybody else the manager's page does not exist (404).
* pay mix: executives only; everybody else is refused (403) on the page, API and export.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import (
    COMPETENCY_DIMENSIONS,
    Account,
    CompetencyAssessment,
    Designation,
    PayMix,
)
from accounts.people.bands import (
    KEY_ACCOUNT_LIMIT,
    OUT_OF_RANGE,
    RELATIONSHIP_LIMIT,
    PayMixCheck,
    load_warnings,
    pay_mix_check,
    too_many_accounts,
    too_many_relationships,
)
from accounts.people.models import GROUP_LABELS
from accounts.people.rules import (
    can_read_competency_of,
    can_record_competency,
    can_view_every_load,
    can_view_load,
    can_view_pay,
)
from accounts.selectors import account_managers
from kam.roles import Role
from kam.types import AnyUser, User

# How many assessments the trend table shows side by side (the history lists them all).
TREND_COLUMNS = 6


def user_is_account_manager(user: AnyUser) -> bool:
    """An active user holding the account-manager group itself (not merely a superuser)."""
    if user is None or not user.is_active:
        return False
    return any(group.name == Role.ACCOUNT_MANAGER.value for group in user.groups.all())


# --- load -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerLoad:
    manager_id: int
    username: str
    full_name: str
    strategic: int
    pilot: int
    key_accounts: int  # strategic + pilot, against the book's 1-12
    relationships: int  # active contacts this manager is the primary contact for
    warnings: list[str]

    @property
    def is_overloaded(self) -> bool:
        return bool(self.warnings)

    @property
    def too_many_accounts(self) -> bool:
        return too_many_accounts(self.key_accounts)

    @property
    def too_many_relationships(self) -> bool:
        return too_many_relationships(self.relationships)


def _owned_count(designation: str) -> Coalesce:
    owned = (
        Account.objects.filter(owner=OuterRef("pk"), designation=designation)
        .order_by()
        .values("owner")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(owned, output_field=IntegerField()), Value(0))


def manager_load_rows(*, user: AnyUser) -> list[ManagerLoad]:
    """One row per account manager the user may see (every manager for executives and ops,
    their own for an account manager, none otherwise), overloaded managers first. One query:
    the two account counts are correlated subqueries and the relationships a single join."""
    if not can_view_load(user):
        return []
    managers = account_managers()
    if not can_view_every_load(user):
        managers = managers.filter(pk=user.pk)
    managers = managers.annotate(
        strategic_count=_owned_count(Designation.STRATEGIC),
        pilot_count=_owned_count(Designation.PILOT),
        relationship_count=Count(
            "primary_contact_for", filter=Q(primary_contact_for__is_active=True)
        ),
    )
    rows = []
    for manager in managers:
        key_accounts = manager.strategic_count + manager.pilot_count
        rows.append(
            ManagerLoad(
                manager_id=manager.pk,
                username=manager.username,
                full_name=manager.get_full_name() or manager.username,
                strategic=manager.strategic_count,
                pilot=manager.pilot_count,
                key_accounts=key_accounts,
                relationships=manager.relationship_count,
                warnings=load_warnings(
                    key_accounts=key_accounts,
                    relationships=manager.relationship_count,
                    gettext=_,
                ),
            )
        )
    rows.sort(key=lambda row: (not row.is_overloaded, row.username))
    return rows


LOAD_LIMITS = {"key_accounts": KEY_ACCOUNT_LIMIT, "relationships": RELATIONSHIP_LIMIT}


# --- competency -------------------------------------------------------------------------------


def competency_manager_get_for_user(*, user: AnyUser, manager_id: int | str) -> Any:
    """The account manager whose assessments the user may read: any manager for an
    executive, themself for a manager. Http404 otherwise, and for a user who is not an
    account manager (existence does not leak)."""
    try:
        manager = account_managers().get(pk=int(manager_id))
    except (User.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such account manager.")) from error
    if can_read_competency_of(user, manager):
        return manager
    raise Http404(_("No such account manager."))


def competency_assessments_visible_to(user: AnyUser) -> QuerySet[CompetencyAssessment]:
    """Every assessment for executives, a manager's own for a manager, none otherwise."""
    queryset = CompetencyAssessment.objects.select_related("manager", "assessed_by").order_by(
        "manager__username", "-assessed_on", "-id"
    )
    if not isinstance(user, User):  # anonymous
        return queryset.none()
    if can_record_competency(user):
        return queryset
    return queryset.filter(manager=user)


def competency_assessments_for(*, manager: User) -> list[CompetencyAssessment]:
    """The manager's assessments, newest first, with their assessors (one query)."""
    return list(
        CompetencyAssessment.objects.filter(manager=manager)
        .select_related("assessed_by")
        .order_by("-assessed_on", "-id")
    )


@dataclass(frozen=True)
class TrendRow:
    field: str
    label: str
    description: str
    scores: list[int]  # oldest to newest, aligned with the trend's dates
    latest: int | None
    change: int | None  # latest minus the assessment before it

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return "steady"
        return "up" if self.change > 0 else "down"


@dataclass(frozen=True)
class TrendGroup:
    key: str
    label: str
    rows: list[TrendRow]


@dataclass(frozen=True)
class CompetencyTrend:
    dates: list[date]  # the assessments shown, oldest to newest
    groups: list[TrendGroup] = field(default_factory=list)


def competency_trend(assessments: list[CompetencyAssessment]) -> CompetencyTrend:
    """Per dimension, the scores of the latest `TREND_COLUMNS` assessments (oldest first)
    and the change since the one before the latest. `assessments` is newest first."""
    shown = list(reversed(assessments[:TREND_COLUMNS]))
    grouped: dict[str, list[TrendRow]] = defaultdict(list)
    for dimension in COMPETENCY_DIMENSIONS:
        scores = [getattr(assessment, dimension.field) for assessment in shown]
        latest = scores[-1] if scores else None
        change = scores[-1] - scores[-2] if len(scores) > 1 else None
        grouped[dimension.group].append(
            TrendRow(
                field=dimension.field,
                label=str(dimension.label),
                description=str(dimension.description),
                scores=scores,
                latest=latest,
                change=change,
            )
        )
    return CompetencyTrend(
        dates=[assessment.assessed_on for assessment in shown],
        groups=[
            TrendGroup(key=key, label=str(label), rows=grouped[key])
            for key, label in GROUP_LABELS.items()
        ],
    )


# --- pay mix ----------------------------------------------------------------------------------


def pay_mixes_visible_to(user: AnyUser) -> QuerySet[PayMix]:
    queryset = PayMix.objects.select_related("manager", "recorded_by").order_by(
        "manager__username", "-effective_from"
    )
    return queryset if can_view_pay(user) else queryset.none()


@dataclass(frozen=True)
class PayMixEntry:
    pay_mix: PayMix
    check: PayMixCheck
    is_current: bool
    is_scheduled: bool  # effective after `as_of`


@dataclass(frozen=True)
class PayMixRow:
    manager_id: int
    username: str
    full_name: str
    current: PayMixEntry | None
    history: list[PayMixEntry]  # newest first, the current one and any scheduled included

    @property
    def is_flagged(self) -> bool:
        return self.current is not None and self.current.check.status == OUT_OF_RANGE


# The words of accounts.people.bands' pay-mix check (a pure module: no Django), marked here for
# the catalogue and translated by `_in_words`.
PAY_MIX_WORDS = (
    gettext_noop("In the target band"),
    gettext_noop("Within the guideline, outside the target band"),
    gettext_noop("Out of range"),
    gettext_noop("Salary 75-80 %, bonus 15-20 %: the balance the book recommends."),
    gettext_noop("Within the 75-85 % guideline but above the 80 % target: little at stake."),
    gettext_noop(
        "Bonus above 25 %: short-term bonuses this heavy push the manager to chase new "
        "deals and neglect the long-term relationship."
    ),
    gettext_noop("Bonus below 15 %: too little rewards reaching the account's goals."),
)


def _in_words(check: PayMixCheck) -> PayMixCheck:
    """The check with its label and message in the reader's language."""
    return replace(check, label=_(check.label), message=_(check.message))


def pay_mix_rows(*, as_of: date) -> list[PayMixRow]:
    """Every account manager with the pay mix in force on `as_of` (the latest row effective
    on or before it), its check and the full history. Two queries (managers, pay mixes).
    Callers check `can_view_pay` first."""
    managers = account_managers().prefetch_related(
        Prefetch(
            "pay_mixes",
            queryset=PayMix.objects.select_related("recorded_by").order_by("-effective_from"),
        )
    )
    rows = []
    for manager in managers:
        history = []
        current: PayMixEntry | None = None
        for pay_mix in manager.pay_mixes.all():
            is_current = current is None and pay_mix.effective_from <= as_of
            entry = PayMixEntry(
                pay_mix=pay_mix,
                check=_in_words(pay_mix_check(salary=pay_mix.salary, bonus=pay_mix.bonus)),
                is_current=is_current,
                is_scheduled=pay_mix.effective_from > as_of,
            )
            if is_current:
                current = entry
            history.append(entry)
        rows.append(
            PayMixRow(
                manager_id=manager.pk,
                username=manager.username,
                full_name=manager.get_full_name() or manager.username,
                current=current,
                history=history,
            )
        )
    rows.sort(key=lambda row: (not row.is_flagged, row.username))
    return rows


def pay_mix_export_rows(*, as_of: date) -> list[list[Any]]:
    """The pay-mix table as plain rows for CSV: one line per pay-mix record."""
    lines: list[list[Any]] = []
    for row in pay_mix_rows(as_of=as_of):
        for entry in row.history:
            pay_mix = entry.pay_mix
            lines.append(
                [
                    row.username,
                    pay_mix.effective_from.isoformat(),
                    pay_mix.salary,
                    pay_mix.bonus,
                    entry.check.salary_percent,
                    entry.check.bonus_percent,
                    entry.check.label,
                    "yes" if entry.is_current else "",
                ]
            )
    return lines


PAY_MIX_EXPORT_HEADER = [
    "manager",
    "effective_from",
    "salary",
    "bonus",
    "salary_percent",
    "bonus_percent",
    "status",
    "current",
]
