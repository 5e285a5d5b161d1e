"""Keep `Account.data_version` in step with every write to what the account 360 page shows.

Each app registers its models with `bump_on_write` from its AppConfig.ready() (its own
signals.py); a receiver runs `accounts.services.account_data_changed` (one UPDATE) after a save or a
delete. Bulk writes bypass signals: seed_demo bumps by itself; imports change the account
360 cache key through the latest successful import (portfolio.account360.selectors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
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

    parents = (Account, *skip_deletes_from)

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


def _user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A renamed user shows under a new name on the pages of the accounts they own, are on
    the team of, interacted with, own a plan action of or are a contact's primary contact
    for (coverage gaps name them). A login writes only last_login:
    no bump."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    from accounts.models import Account, PlanAction, TeamMember
    from relationships.models import Contact, Interaction

    # one id subquery per relation (each on its own index), not a join of all of them
    account_data_changed(
        account_ids=Account.objects.filter(
            Q(owner=instance)
            | Q(pk__in=TeamMember.objects.filter(user=instance).values("account_id"))
            | Q(pk__in=Interaction.objects.filter(user=instance).values("account_id"))
            | Q(pk__in=PlanAction.objects.filter(owner=instance).values("plan__account_id"))
            | Q(pk__in=Contact.objects.filter(primary_contact=instance).values("account_id"))
        ).values("pk")
    )


def register() -> None:
    from accounts.models import (
        Account,
        AccountEvent,
        AccountLocation,
        AccountPlan,
        Assessment,
        Complaint,
        CriterionScore,
        KnowledgeEntry,
        PlanAction,
        PlanObjective,
        TeamMember,
    )

    def the_account(instance: Account) -> list[int]:
        return [instance.pk]

    def plan_account(instance: Any) -> Any:
        return AccountPlan.objects.filter(pk=instance.plan_id).values("account_id")

    # The account's own fields also change its updated_at, which the page's key carries.
    bump_on_write(Account, the_account, on_create=False)
    for model in (
        AccountLocation,
        KnowledgeEntry,
        TeamMember,
        AccountPlan,
        Assessment,
        Complaint,
        AccountEvent,
        CriterionScore,
    ):
        bump_on_write(model, own_account)
    for model in (PlanObjective, PlanAction):
        bump_on_write(model, plan_account, skip_deletes_from=(AccountPlan,))
    connect_bumping(post_save, _user_saved, settings.AUTH_USER_MODEL, "account_data_version:user")
