"""Reads of accounts, and the one gatekeeper that decides who may see an account.

Every page, endpoint, export and chart that acts for a user starts from
`accounts_visible_to(user)` (or `account_get_for_user`), so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Account, KnowledgeArea, KnowledgeEntry, TeamMember
from kam.audit import access_refused
from kam.roles import Role, user_has_role, user_reads_all_accounts
from kam.types import AnyUser, User


def accounts_visible_to(user: AnyUser) -> QuerySet[Account]:
    """Accounts the user may read: all for executives, ops and superusers; for an account
    manager those they own or sit on the team of; none for anybody else."""
    queryset = Account.objects.select_related("owner")
    if not isinstance(user, User):  # anonymous
        return queryset.none()
    if user_reads_all_accounts(user):
        return queryset
    if not user_has_role(user, Role.ACCOUNT_MANAGER):
        return queryset.none()
    on_team = TeamMember.objects.filter(account=OuterRef("pk"), user=user)
    return queryset.filter(Q(owner=user) | Q(Exists(on_team)))


def account_get_for_user(*, user: AnyUser, account_id: int | str) -> Account:
    """The account if the user may see it; Http404 otherwise (existence does not leak). A
    refusal of an account that exists is logged (kam.audit.access_refused)."""
    try:
        pk = int(account_id)
        return accounts_visible_to(user).get(pk=pk)
    except Account.DoesNotExist as error:
        if Account.objects.filter(pk=pk).exists():
            access_refused(user=user, what=f"account {pk}")
        raise Http404(_("No such account.")) from error
    except (ValueError, TypeError) as error:
        raise Http404(_("No such account.")) from error


def account_managers() -> QuerySet[Any]:
    """Active users holding the account-manager role, by username."""
    return User.objects.filter(is_active=True, groups__name=Role.ACCOUNT_MANAGER.value).order_by(
        "username"
    )


def account_team(*, account: Account) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(account=account).select_related("user")


@dataclass(frozen=True)
class KnowledgeAreaSummary:
    area: str
    label: str
    entries: list[KnowledgeEntry]


@dataclass(frozen=True)
class KnowledgeProfile:
    areas: list[KnowledgeAreaSummary]
    completeness: int  # percent of the six areas with at least one entry


def knowledge_profile(*, account: Account) -> KnowledgeProfile:
    """The six areas of the knowledge profile with their entries (one query)."""
    by_area: dict[str, list[KnowledgeEntry]] = {area: [] for area in KnowledgeArea.values}
    for entry in KnowledgeEntry.objects.filter(account=account).select_related("updated_by"):
        by_area[entry.area].append(entry)
    areas = [
        KnowledgeAreaSummary(area=value, label=str(label), entries=by_area[value])
        for value, label in KnowledgeArea.choices
    ]
    return KnowledgeProfile(areas=areas, completeness=knowledge_completeness(by_area))


def knowledge_completeness(entries_by_area: dict[str, list[Any]]) -> int:
    """Percent of the six knowledge areas that hold at least one entry, rounded down."""
    filled = sum(1 for area in KnowledgeArea.values if entries_by_area.get(area))
    return filled * 100 // len(KnowledgeArea.values)
