"""Writes to accounts, their team, locations and knowledge profile.

Callers have already checked that the acting user may edit the account
(`accounts.rules.can_edit_account`); these functions enforce the data rules and write
in one transaction, raising ValidationError with plain-words messages per field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, RestrictedError

from accounts.models import Account, AccountLocation, KnowledgeEntry, TeamMember
from kam.roles import Role, user_has_role
from kam.versioning import versioned_update

ACCOUNT_EDITABLE_FIELDS = (
    "external_id",
    "name",
    "industry",
    "region",
    "designation",
    "owner",
    "buying_hierarchy_level",
    "continuum_position",
)


def _validate_owner(owner: Any) -> None:
    if owner is None:
        raise ValidationError({"owner": "Choose the account manager who owns this account."})
    if not owner.is_active or not user_has_role(owner, Role.ACCOUNT_MANAGER):
        raise ValidationError(
            {"owner": f"{owner.username} is not an active account manager and cannot own accounts."}
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
def account_create(*, created_by: Any, **fields: Any) -> Account:
    """Create an account. The owner defaults to the creating user."""
    unknown = set(fields) - set(ACCOUNT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown account fields: {', '.join(sorted(unknown))}.")
    cleaned = _normalise(fields)
    cleaned.setdefault("owner", created_by)
    _validate_owner(cleaned["owner"])
    account = Account(**cleaned)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_update(
    *, account: Account, updated_by: Any, version: int | None = None, **fields: Any
) -> Account:
    """Change the given fields of an account; nothing is written unless all are valid.

    Only the fields whose value differs are written (kam.versioning.versioned_update), so
    a concurrent edit of other fields survives. `version` is the version the user edited:
    a stale one raises VersionConflictError and writes nothing; None writes on top."""
    unknown = set(fields) - set(ACCOUNT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown account fields: {', '.join(sorted(unknown))}.")
    cleaned = _normalise(fields)
    if "owner" in cleaned:
        _validate_owner(cleaned["owner"])
    if cleaned.get("designation", account.designation) != account.designation:
        # Designation changes are decided by the steering committee (issue 4):
        # accounts.governance.services.designation_request_create / _decide.
        raise ValidationError(
            {
                "designation": (
                    "The designation changes only through a designation request approved by "
                    "the steering committee (the account's Selection tab, or "
                    "POST /api/v1/designation-requests/)."
                )
            }
        )
    cleaned.pop("designation", None)
    candidate = Account.objects.get(pk=account.pk)
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    fresh, _changed = versioned_update(
        instance=account, values=cleaned, version=version, by=updated_by
    )
    return fresh


@transaction.atomic
def account_delete(*, account: Account) -> None:
    """Delete the account and everything that belongs to it.

    The account's row is locked FOR UPDATE before Django gathers what to cascade: bulk
    writers that add rows under an account without a database foreign key (the activities
    import, the analysis's snapshots) hold it FOR KEY SHARE until they commit, so the
    deletion waits for them and then removes their rows too, leaving none orphaned."""
    Account.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
    account.delete()


@transaction.atomic
def team_member_set(
    *,
    account: Account,
    user: Any,
    function: str,
    is_executive_sponsor: bool = False,
    version: int | None = None,
) -> TeamMember:
    """Add the user to the account team, or change their function and sponsorship (only
    what differs is written; a stale `version` of the membership raises
    VersionConflictError, kam/versioning.py)."""
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is not an active user."})
    if is_executive_sponsor:
        other_sponsor = (
            TeamMember.objects.filter(account=account, is_executive_sponsor=True)
            .exclude(user=user)
            .select_related("user")
            .first()
        )
        if other_sponsor is not None:
            raise ValidationError(
                {
                    "is_executive_sponsor": (
                        f"{other_sponsor.user.username} is already the executive sponsor of this "
                        "account; remove that sponsorship first."
                    )
                }
            )
    member = TeamMember.objects.filter(account=account, user=user).first()
    if member is None:
        member = TeamMember(account=account, user=user)
        member.function = function
        member.is_executive_sponsor = is_executive_sponsor
        member.full_clean()
        member.save()
        return member
    candidate = TeamMember.objects.get(pk=member.pk)
    candidate.function = function
    candidate.is_executive_sponsor = is_executive_sponsor
    candidate.full_clean()
    fresh, _changed = versioned_update(
        instance=member,
        values={"function": function, "is_executive_sponsor": is_executive_sponsor},
        version=version,
    )
    return fresh


@transaction.atomic
def team_member_remove(*, account: Account, user: Any) -> None:
    deleted, _ = TeamMember.objects.filter(account=account, user=user).delete()
    if not deleted:
        raise ValidationError({"user": f"{user.username} is not on this account's team."})


@transaction.atomic
def location_add(*, account: Account, name: str, kind: str) -> AccountLocation:
    location = AccountLocation(account=account, name=name.strip(), kind=kind)
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def location_remove(*, location: AccountLocation) -> None:
    """Remove a location (the caller found it under its account: another account's is a 404)."""
    try:
        location.delete()
    except RestrictedError as error:  # revenue records point at it (valuation.RevenueRecord)
        raise ValidationError(
            "This location has revenue records, so it cannot be removed; it keeps their history."
        ) from error


@transaction.atomic
def knowledge_entry_add(
    *, account: Account, area: str, title: str, detail: str, added_by: Any
) -> KnowledgeEntry:
    entry = KnowledgeEntry(
        account=account, area=area, title=title.strip(), detail=detail.strip(), updated_by=added_by
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def knowledge_entry_remove(*, entry: KnowledgeEntry) -> None:
    """Remove a knowledge entry (found under its account by the caller)."""
    entry.delete()


def account_data_changed(*, account_ids: Iterable[int] | QuerySet[Any] | None) -> int:
    """Raise the data version of the given accounts by one (one UPDATE; `account_ids` may be
    ids or a `values("account_id")` queryset, run as a subquery; None means every account).
    Called by each app's signals.py after every write to what the account 360 page shows,
    and by seed_demo, which writes in bulk without signals (imports change the page's cache
    key through the latest import instead, see portfolio.account360.selectors). Returns the
    number of accounts bumped."""
    accounts = Account.objects.all()
    if account_ids is not None:
        if not isinstance(account_ids, QuerySet):
            account_ids = [pk for pk in set(account_ids) if pk is not None]
            if not account_ids:
                return 0
        accounts = accounts.filter(pk__in=account_ids)
    # order_by(): the model's default ordering has no place in an UPDATE
    return accounts.order_by().update(data_version=F("data_version") + 1)
