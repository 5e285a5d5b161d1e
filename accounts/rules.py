"""Who may write an account and the records under it (predicates: no writes, no raising).

Services enforce these with `kam.rules.require`; pages and the API ask them to decide what to
show. Reads are decided by the gatekeeper `accounts.selectors.accounts_visible_to`."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountLocation, KnowledgeEntry, TeamMember
from kam.roles import Role, user_has_role
from kam.types import AnyUser, User

ACCOUNT_CREATE_REFUSED = _("Only account managers may create accounts.")
ACCOUNT_OWNER_REFUSED = _("You can only create accounts that you own.")
ACCOUNT_CHANGE_REFUSED = _("Only the account's owner may change it.")
TEAM_CHANGE_REFUSED = _("Only the account's owner may change its team.")

# The refusal of `can_change_account_record`; `what` names the record ("a complaint").
# Translators: {what} is a record, e.g. "a complaint"
RECORD_CHANGE_REFUSED = _(
    "Only the account's owner, or the team member who recorded it, changes {what}."
)


class AccountRecord(Protocol):
    """A record of an account that remembers who recorded it (complaint, event, activity…)."""

    @property
    def account(self) -> Account: ...

    @property
    def created_by_id(self) -> int | None: ...


def can_edit_account(user: AnyUser, account: Account) -> bool:
    """The owner edits the account and everything under it; superusers administer all."""
    return bool(user.is_superuser or (user.is_authenticated and account.owner_id == user.pk))


def is_team_member(user: AnyUser, account: Account) -> bool:
    return bool(
        user.is_authenticated and TeamMember.objects.filter(account=account, user=user).exists()
    )


def can_contribute_to_account(user: AnyUser, account: Account) -> bool:
    """Owners and team members add interactions, complaints, events and value entries."""
    return can_edit_account(user, account) or is_team_member(user, account)


def can_change_account_record(user: AnyUser, record: AccountRecord) -> bool:
    """Who edits or deletes a record of an account (a complaint, an event, a value entry):
    the owner any of them, a team member only what they recorded."""
    if can_edit_account(user, record.account):
        return True
    return (
        user.is_authenticated
        and record.created_by_id == user.pk
        and is_team_member(user, record.account)
    )


def can_review(user: AnyUser) -> bool:
    """Executives (the steering committee) review plans and designations."""
    return user_has_role(user, Role.EXECUTIVE)


def is_ops(user: AnyUser) -> bool:
    """Operations staff load data, price activities and run the analysis."""
    return user_has_role(user, Role.OPS)


def can_create_account(user: AnyUser) -> bool:
    """Account managers create accounts (superusers hold every role)."""
    return user_has_role(user, Role.ACCOUNT_MANAGER)


def can_choose_owner(user: AnyUser) -> bool:
    """Superusers name the owner of a new account; an account manager owns what they create."""
    return bool(user.is_superuser)


def can_give_account_to(user: AnyUser, owner: User | None) -> bool:
    """An account manager creates accounts they own; a superuser may name another owner."""
    return bool(owner is None or can_choose_owner(user) or owner.pk == user.pk)


def can_change_team(user: AnyUser, account: Account) -> bool:
    """The owner adds, changes and removes the account's team members."""
    return can_edit_account(user, account)


def can_change_location(user: AnyUser, location: AccountLocation) -> bool:
    return can_edit_account(user, location.account)


def can_change_knowledge(user: AnyUser, entry: KnowledgeEntry) -> bool:
    return can_edit_account(user, entry.account)
