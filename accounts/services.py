"""Writes to accounts, their team, locations and knowledge profile.

Each service enforces who may write (`accounts.rules`) and the data rules, writes in one
transaction, raises ValidationError with plain-words messages per field, and raises the data
version of the account it changed (`account_data_changed`, the account 360 page's cache key).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, RestrictedError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import (
    Account,
    AccountLocation,
    KnowledgeEntry,
    PlanAction,
    TeamFunction,
    TeamMember,
)
from accounts.rules import (
    ACCOUNT_CHANGE_REFUSED,
    ACCOUNT_CREATE_REFUSED,
    ACCOUNT_OWNER_REFUSED,
    TEAM_CHANGE_REFUSED,
    can_change_knowledge,
    can_change_location,
    can_change_team,
    can_create_account,
    can_edit_account,
    can_give_account_to,
)
from kam import data_versions
from kam.roles import Role, user_has_role
from kam.rules import require
from kam.types import User
from kam.versioning import versioned_update
from notifications.models import Kind
from notifications.services import notification_message, notify


class Unset(enum.Enum):
    """A keyword argument not given: the field keeps its value (or the model's default)."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


def _lower(text: object) -> str:
    return str(text).lower()


# A choice's label in lower case, read (like the label) in the language active when shown.
lower_lazy = lazy(_lower, str)


def given(**values: object) -> dict[str, Any]:
    """The keyword arguments that were given (not UNSET), for a partial update."""
    return {name: value for name, value in values.items() if value is not UNSET}


def _validate_owner(owner: User | None) -> None:
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager who owns this account.")})
    if not owner.is_active or not user_has_role(owner, Role.ACCOUNT_MANAGER):
        raise ValidationError(
            {
                "owner": _("%(username)s is not an active account manager and cannot own accounts.")
                % {"username": owner.username}
            }
        )


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "external_id" in cleaned:
        cleaned["external_id"] = (cleaned["external_id"] or "").strip() or None
    for name in ("name", "industry", "region"):
        if name in cleaned and isinstance(cleaned[name], str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


@transaction.atomic
def account_create(
    *,
    created_by: User,
    name: str,
    external_id: str | None | Unset = UNSET,
    industry: str | Unset = UNSET,
    region: str | Unset = UNSET,
    designation: str | Unset = UNSET,
    owner: User | None | Unset = UNSET,
    buying_hierarchy_level: int | None | Unset = UNSET,
    continuum_position: int | None | Unset = UNSET,
) -> Account:
    """Create an account (account managers only). The owner defaults to the creating user;
    only a superuser names another. Fields not given take the model's defaults."""
    require(can_create_account(created_by), ACCOUNT_CREATE_REFUSED)
    chosen_owner = None if owner is UNSET else owner
    require(can_give_account_to(created_by, chosen_owner), ACCOUNT_OWNER_REFUSED)
    cleaned = _normalise(
        given(
            name=name,
            external_id=external_id,
            industry=industry,
            region=region,
            designation=designation,
            buying_hierarchy_level=buying_hierarchy_level,
            continuum_position=continuum_position,
        )
    )
    cleaned["owner"] = chosen_owner or created_by
    _validate_owner(cleaned["owner"])
    account = Account(**cleaned)
    account.full_clean()
    account.save()
    return account


def _refuse_designation_change(account: Account, designation: str | Unset) -> None:
    if designation is not UNSET and designation != account.designation:
        # Designation changes are decided by the steering committee (issue 4):
        # accounts.governance.services.designation_request_create / _decide.
        raise ValidationError(
            {
                "designation": _(
                    "The designation changes only through a designation request approved by "
                    "the steering committee (the account's Selection tab, or "
                    "POST /api/v1/designation-requests/)."
                )
            }
        )


@transaction.atomic
def account_update(
    *,
    account: Account,
    updated_by: User,
    version: int | None = None,
    external_id: str | None | Unset = UNSET,
    name: str | Unset = UNSET,
    industry: str | Unset = UNSET,
    region: str | Unset = UNSET,
    designation: str | Unset = UNSET,
    owner: User | None | Unset = UNSET,
    buying_hierarchy_level: int | None | Unset = UNSET,
    continuum_position: int | None | Unset = UNSET,
) -> Account:
    """Change the given fields of an account (its owner only); nothing is written unless all
    are valid. The designation is not among them: it changes through a designation request.

    Only the fields whose value differs are written (kam.versioning.versioned_update), so
    a concurrent edit of other fields survives. `version` is the version the user edited:
    a stale one raises VersionConflictError and writes nothing; None writes on top."""
    require(can_edit_account(updated_by, account), ACCOUNT_CHANGE_REFUSED)
    cleaned = _normalise(
        given(
            external_id=external_id,
            name=name,
            industry=industry,
            region=region,
            owner=owner,
            buying_hierarchy_level=buying_hierarchy_level,
            continuum_position=continuum_position,
        )
    )
    if "owner" in cleaned:
        _validate_owner(cleaned["owner"])
    _refuse_designation_change(account, designation)
    candidate = Account.objects.get(pk=account.pk)
    for field_name, value in cleaned.items():
        setattr(candidate, field_name, value)
    candidate.full_clean()
    fresh, changed = versioned_update(
        instance=account, values=cleaned, version=version, by=updated_by
    )
    if changed:
        account_data_changed(account_ids=[account.pk])
    updated: Account = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def account_delete(*, account: Account, deleted_by: User) -> None:
    """Delete the account (its owner, or a superuser) and everything that belongs to it.

    The account's row is locked FOR UPDATE before Django gathers what to cascade: bulk
    writers that add rows under an account without a database foreign key (the activities
    import, the analysis's snapshots) hold it FOR KEY SHARE until they commit, so the
    deletion waits for them and then removes their rows too, leaving none orphaned."""
    require(can_edit_account(deleted_by, account), ACCOUNT_CHANGE_REFUSED)
    Account.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
    account.delete()


def _validate_sponsor(account: Account, user: User) -> None:
    other_sponsor = (
        TeamMember.objects.filter(account=account, is_executive_sponsor=True)
        .exclude(user=user)
        .select_related("user")
        .first()
    )
    if other_sponsor is not None:
        raise ValidationError(
            {
                "is_executive_sponsor": _(
                    "%(username)s is already the executive sponsor of this account; remove that "
                    "sponsorship first."
                )
                % {"username": other_sponsor.user.username}
            }
        )


@transaction.atomic
def team_member_set(
    *,
    account: Account,
    user: User,
    function: str,
    set_by: User,
    is_executive_sponsor: bool = False,
    version: int | None = None,
) -> TeamMember:
    """Add the user to the account team, or change their function and sponsorship (the
    account's owner only; only what differs is written; a stale `version` of the membership
    raises VersionConflictError, kam/versioning.py)."""
    require(can_change_team(set_by, account), TEAM_CHANGE_REFUSED)
    if not user.is_active:
        raise ValidationError(
            {"user": _("%(username)s is not an active user.") % {"username": user.username}}
        )
    if is_executive_sponsor:
        _validate_sponsor(account, user)
    member = TeamMember.objects.filter(account=account, user=user).first()
    if member is None:
        member = TeamMember(account=account, user=user)
        member.function = function
        member.is_executive_sponsor = is_executive_sponsor
        member.full_clean()
        member.save()
        account_data_changed(account_ids=[account.pk])
        # Notification (issue 18): the new member hears of it.
        notify(
            recipients=[user],
            kind=Kind.TEAM_MEMBER_ADDED,
            # lazy: written in each recipient's language (notifications.services.notify)
            message=notification_message(
                gettext_lazy("%(username)s added you to the team of %(account)s (%(function)s)."),
                username=set_by.username,
                account=account.name,
                function=lower_lazy(TeamFunction(member.function).label),
            ),
            url=reverse("accounts:detail", args=[account.pk]),
            actor=set_by,
        )
        return member
    candidate = TeamMember.objects.get(pk=member.pk)
    candidate.function = function
    candidate.is_executive_sponsor = is_executive_sponsor
    candidate.full_clean()
    fresh, changed = versioned_update(
        instance=member,
        values={"function": function, "is_executive_sponsor": is_executive_sponsor},
        version=version,
    )
    if changed:
        account_data_changed(account_ids=[account.pk])
    updated: TeamMember = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def team_member_remove(*, account: Account, user: User, removed_by: User) -> None:
    """Take the user off the account's team (the account's owner only)."""
    require(can_change_team(removed_by, account), TEAM_CHANGE_REFUSED)
    deleted, _by_model = TeamMember.objects.filter(account=account, user=user).delete()
    if not deleted:
        raise ValidationError(
            {"user": _("%(username)s is not on this account's team.") % {"username": user.username}}
        )
    account_data_changed(account_ids=[account.pk])


@transaction.atomic
def location_add(*, account: Account, name: str, kind: str, added_by: User) -> AccountLocation:
    location = AccountLocation(account=account, name=name.strip(), kind=kind)
    require(can_change_location(added_by, location), ACCOUNT_CHANGE_REFUSED)
    location.full_clean()
    location.save()
    account_data_changed(account_ids=[account.pk])
    return location


@transaction.atomic
def location_remove(*, location: AccountLocation, removed_by: User) -> None:
    """Remove a location (the caller found it under its account: another account's is a 404)."""
    require(can_change_location(removed_by, location), ACCOUNT_CHANGE_REFUSED)
    try:
        location.delete()
    except RestrictedError as error:  # revenue records point at it (valuation.RevenueRecord)
        raise ValidationError(
            _("This location has revenue records, so it cannot be removed; it keeps their history.")
        ) from error
    account_data_changed(account_ids=[location.account_id])


@transaction.atomic
def knowledge_entry_add(
    *, account: Account, area: str, title: str, detail: str, added_by: User
) -> KnowledgeEntry:
    entry = KnowledgeEntry(
        account=account, area=area, title=title.strip(), detail=detail.strip(), updated_by=added_by
    )
    require(can_change_knowledge(added_by, entry), ACCOUNT_CHANGE_REFUSED)
    entry.full_clean()
    entry.save()
    account_data_changed(account_ids=[account.pk])
    return entry


@transaction.atomic
def knowledge_entry_remove(*, entry: KnowledgeEntry, removed_by: User) -> None:
    """Remove a knowledge entry (found under its account by the caller)."""
    require(can_change_knowledge(removed_by, entry), ACCOUNT_CHANGE_REFUSED)
    entry.delete()
    account_data_changed(account_ids=[entry.account_id])


def user_shown_changed(*, user: User) -> int:
    """Raise the data version of every account whose page names `user`: called after a
    user's name changes (accounts.admin's user admin). Returns the number of accounts bumped.

    The page names the owner, the team, the plan actions' owners, and (through the
    relationships app, named here by lookup so accounts imports none of its models) whoever
    interacted with the account or is a contact's primary contact, even after leaving the
    team."""
    # one id subquery per relation (each on its own index), not a join of all of them
    return account_data_changed(
        account_ids=Account.objects.filter(
            Q(owner=user)
            | Q(pk__in=TeamMember.objects.filter(user=user).values("account_id"))
            | Q(pk__in=PlanAction.objects.filter(owner=user).values("plan__account_id"))
            | Q(pk__in=Account.objects.filter(interactions__user=user).values("pk"))
            | Q(pk__in=Account.objects.filter(contacts__primary_contact=user).values("pk"))
        ).values("pk")
    )


def account_row_lock(*, account_id: int) -> bool:
    """Lock the account's row before writing any row under it (FOR NO KEY UPDATE: the lock
    its data version's UPDATE takes), so every write under an account takes its locks in the
    same order (account first: no deadlock with the account's own delete), and writes under
    one account are serialised. False when the account is gone. Bulk writers' FOR KEY SHARE
    locks on accounts (imports, analysis runs) do not block it (a no-op on SQLite)."""
    return (
        Account.objects.select_for_update(no_key=True)
        .filter(pk=account_id)
        .values_list("pk")
        .first()
        is not None
    )


ACCOUNT_GONE = gettext_lazy("This account was deleted meanwhile.")


def account_row_require(*, account_id: int) -> None:
    """`account_row_lock`, refusing (ValidationError on `account`) when the account is gone:
    a write under an account deleted meanwhile answers 400, not a database error."""
    if not account_row_lock(account_id=account_id):
        raise ValidationError({"account": ACCOUNT_GONE})


def account_data_changed(*, account_ids: Iterable[int] | QuerySet[Any] | None) -> int:
    """Raise the data version of the given accounts by one (one UPDATE; `account_ids` may be
    ids or a `values("account_id")` queryset, run as a subquery; None means every account).
    Called by every service (and admin) after a write to what the account 360 page shows,
    inside its transaction, and by the demo seeders, which write in bulk (imports change the
    page's cache key through the latest import instead, see portfolio.account360.selectors).
    Returns the number of accounts bumped."""
    accounts = Account.objects.all()
    if account_ids is not None:
        if not isinstance(account_ids, QuerySet):
            account_ids = [pk for pk in set(account_ids) if pk is not None]
            if not account_ids:
                return 0
        accounts = accounts.filter(pk__in=account_ids)
    # The account list shows some of the same (last interaction, plan status): its cached
    # pages and counts follow the accounts data's version (kam.data_versions).
    data_versions.bump(data_versions.ACCOUNTS)
    # order_by(): the model's default ordering has no place in an UPDATE
    return accounts.order_by().update(data_version=F("data_version") + 1)
