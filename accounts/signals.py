"""Signal receivers that bump `Account.data_version`, on their way out.

The accounts app registers none any more: its services call
`accounts.services.account_data_changed` explicitly. These helpers stay only while the
relationships and valuation apps and seed_demo still use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import ModelSignal, post_delete, post_save

from accounts.services import account_data_changed

AccountIds = Callable[[Any], Any]

# (signal, receiver, sender, dispatch_uid) of every receiver registered here
_RECEIVERS: list[tuple[ModelSignal, Callable[..., None], Any, str]] = []


def connect_bumping(
    signal: ModelSignal, receiver: Callable[..., None], sender: Any, uid: str
) -> None:
    signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
    _RECEIVERS.append((signal, receiver, sender, uid))


@contextmanager
def account_data_signals_muted() -> Iterator[None]:
    """Disconnect the receivers for a bulk rewrite that bumps by itself (seed_demo --flush).
    Without listeners Django deletes cascaded rows in one statement per table instead of
    loading each one to send its signals (2 M service activities at 10,000 accounts)."""
    for signal, _receiver, sender, uid in _RECEIVERS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, receiver, sender, uid in _RECEIVERS:
            signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)


def _deleted_with(origin: Any, models: tuple[type[Model], ...]) -> bool:
    """True when the delete started at one of `models` (an instance or a queryset of them):
    the parent's own receiver bumps (or the account is gone), so its cascaded children do
    not each run an UPDATE."""
    if isinstance(origin, QuerySet):
        return issubclass(origin.model, models)
    return isinstance(origin, models)


def bump_on_write(
    model: type[Model],
    account_ids: AccountIds,
    *,
    skip_deletes_from: tuple[type[Model], ...] = (),
    on_create: bool = True,
) -> None:
    """After each save or delete of `model`, bump the accounts `account_ids(instance)` names
    (a list of ids, a values("account_id") queryset, or None for every account)."""
    from accounts.models import Account

    parents: tuple[type[Model], ...] = (Account, *skip_deletes_from)

    def saved(
        sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
    ) -> None:
        if raw or (created and not on_create):  # loaddata; a new account has no page yet
            return
        account_data_changed(account_ids=account_ids(instance))

    def deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
        if _deleted_with(origin, parents):
            return
        account_data_changed(account_ids=account_ids(instance))

    uid = f"account_data_version:{model._meta.label}"
    connect_bumping(post_save, saved, model, uid)
    connect_bumping(post_delete, deleted, model, uid)


def own_account(instance: Any) -> list[int]:
    return [instance.account_id]
