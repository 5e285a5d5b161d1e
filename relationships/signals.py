"""Contacts, their goals and interactions change the account 360 page: bump the account's
data version on every write (see accounts.signals)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed

from accounts.services import account_data_changed
from accounts.signals import bump_on_write, connect_bumping, own_account


def _interaction_contacts_changed(
    sender: Any, instance: Any, action: str, pk_set: Any = None, **kwargs: Any
) -> None:
    """Interaction.contacts changed, from either side (both carry the account)."""
    if action in ("post_add", "post_remove", "post_clear"):
        account_data_changed(account_ids=[instance.account_id])


def register() -> None:
    from relationships.models import Contact, ContactGoal, Interaction

    def contact_account(instance: ContactGoal) -> Any:
        return Contact.objects.filter(pk=instance.contact_id).values("account_id")

    bump_on_write(Contact, own_account)
    bump_on_write(Interaction, own_account)
    bump_on_write(ContactGoal, contact_account, skip_deletes_from=(Contact,))
    connect_bumping(
        m2m_changed,
        _interaction_contacts_changed,
        Interaction.contacts.through,
        "account_data_version:interaction_contacts",
    )
