"""Who may write the relationship map (predicates: no writes, no raising).

The owner keeps the account's map (its contacts and their goals); the owner and team members
log interactions. Services enforce these with `kam.rules.require`; pages and the API ask them
to decide what to show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.rules import can_contribute_to_account, can_edit_account
from kam.types import AnyUser
from relationships.models import Contact, Interaction

CONTACT_ADD_REFUSED = _("Only the account's owner may add people to its map.")
CONTACT_CHANGE_REFUSED = _("Only the account's owner may change its map.")
INTERACTION_LOG_REFUSED = _("Only the account's owner and team members log interactions.")
INTERACTION_CHANGE_REFUSED = _(
    "Only the person who logged an interaction may correct or delete it."
)


def can_add_contact(user: AnyUser, account: Account) -> bool:
    """The owner adds people to the account's map."""
    return can_edit_account(user, account)


def can_edit_contact(user: AnyUser, contact: Contact) -> bool:
    """The owner changes the people of the account's map (and their goals)."""
    return can_edit_account(user, contact.account)


def can_log_interaction(user: AnyUser, account: Account) -> bool:
    """The owner and team members log interactions with the account's people."""
    return can_contribute_to_account(user, account)


def can_change_interaction(user: AnyUser, interaction: Interaction) -> bool:
    """Who logged an interaction corrects or deletes it (for older records without a
    logger, our person in it), while they may still log at the account."""
    author = interaction.logged_by_id or interaction.user_id
    return (
        user.is_authenticated
        and author == user.pk
        and can_log_interaction(user, interaction.account)
    )
