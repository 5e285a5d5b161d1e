"""Writes of notifications: `notify` (called by the services of every app, inside their own
transaction), marking read, and the e-mail preferences.

Rules (issue 18):
- Never for one's own action: the actor is left out of the recipients.
- Created in the caller's transaction: a rolled-back action leaves no notification and sends
  no e-mail (the e-mail is queued by `transaction.on_commit`).
- A `once_key` says a thing once per user (an overdue action, a failed run): a second call
  with the same key creates nothing for who already has it.
- E-mail follows the recipient's preference for the kind: at once (a Celery task after the
  commit, never in the request), in the daily digest, or not at all; a user without an
  e-mail address gets none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django_stubs_ext import StrPromise

from kam.types import User
from notifications.models import Delivery, EmailStatus, Kind, Notification, NotificationPreference
from notifications.selectors import deliveries_for, language_of, preferences_of

logger = logging.getLogger(__name__)

MESSAGE_MAX = 500


def _formatted(template: str | StrPromise, values: dict[str, object]) -> str:
    return str(template) % {
        name: str(value) if isinstance(value, Promise) else value for name, value in values.items()
    }


_formatted_lazy = lazy(_formatted, str)


def notification_message(template: str | StrPromise, /, **values: object) -> StrPromise:
    """A message for `notify` written when it is read, in the language active then:
    `notification_message(gettext_lazy("%(user)s approved the plan."), user=name)`. `notify`
    writes it once per recipient, in each one's language (notifications.selectors.language_of),
    so that an executive's action tells an account manager in the manager's words."""
    return cast(StrPromise, _formatted_lazy(template, values))


def _message_for(message: str | StrPromise, user: User) -> str:
    if isinstance(message, str):
        return message[:MESSAGE_MAX]
    with translation.override(language_of(user=user)):
        return str(message)[:MESSAGE_MAX]


def _email_status(delivery: str, has_address: bool) -> str:
    if not has_address or delivery == Delivery.OFF:
        return EmailStatus.NONE
    return EmailStatus.DIGEST if delivery == Delivery.DIGEST else EmailStatus.PENDING


def _insert(rows: list[Notification], *, once: bool) -> list[Notification]:
    """Insert the rows in a savepoint. A notification told once that a concurrent call has
    just told (the unique once_key) is skipped: it must not undo the action telling it."""
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        if not once:
            raise
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue  # told meanwhile
        created.append(row)
    return created


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    message: str | StrPromise,
    url: str = "",
    actor: User | None = None,
    once_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient (but the actor, the inactive and the repeated) `message`, linking
    to `url`. Returns the notifications created. `email=False` (the demo data) e-mails
    nobody, whatever their preference. A lazy message (gettext_lazy, `notification_message`)
    is written in each recipient's language; a plain text as it is."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    users: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        users.setdefault(user.pk, user)
    if not users:
        return []
    with transaction.atomic():
        if once_key:
            told = Notification.objects.filter(user_id__in=users, once_key=once_key)
            for user_id in told.values_list("user_id", flat=True):
                users.pop(user_id, None)
            if not users:
                return []
        deliveries = deliveries_for(user_ids=users, kind=kind)
        now = timezone.now()
        rows = [
            Notification(
                user_id=user.pk,
                kind=kind,
                message=_message_for(message, user),
                url=url,
                created_at=now,
                once_key=once_key,
                email_status=_email_status(deliveries[user.pk], email and bool(user.email)),
            )
            for user in users.values()
        ]
        created = _insert(rows, once=bool(once_key))
        at_once = [n.pk for n in created if n.email_status == EmailStatus.PENDING]
        if at_once:
            transaction.on_commit(lambda: notification_emails_queue(notification_ids=at_once))
    return created


def notification_emails_queue(*, notification_ids: Sequence[int]) -> int:
    """Hand each e-mail to the workers; a broker that cannot be reached (or, run in-process,
    a send that failed for good) is logged and never breaks the action. Returns how many
    were handed over."""
    from notifications.tasks import notification_email_task

    queued = 0
    for notification_id in notification_ids:
        try:
            notification_email_task.delay(notification_id)
        except Exception as error:  # noqa: BLE001 - the action must succeed whatever the queue does
            logger.warning(
                "Could not queue the e-mail of notification %s: %s", notification_id, error
            )
            Notification.objects.filter(
                pk=notification_id, email_status=EmailStatus.PENDING
            ).update(email_status=EmailStatus.FAILED)
        else:
            queued += 1
    return queued


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (once: a second call keeps the first
    time). Notification.DoesNotExist for another user's."""
    notification = Notification.objects.get(pk=notification_id, user=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User, kind: str = "") -> int:
    """Mark every unread notification of the user (of one kind, if given) read."""
    if kind and kind not in Kind.values:
        raise ValidationError(
            {"kind": _("“%(kind)s” is not a kind of notification.") % {"kind": kind}}
        )
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user: User, deliveries: dict[str, str]) -> dict[str, str]:
    """Set the user's delivery per kind; every value is checked before anything is written."""
    errors = {
        kind: _("“%(kind)s” is not a kind of notification.") % {"kind": kind}
        for kind in deliveries
        if kind not in Kind.values
    }
    errors.update(
        {
            kind: _("Choose immediate, digest or off.")
            for kind, delivery in deliveries.items()
            if kind in Kind.values and delivery not in Delivery.values
        }
    )
    if errors:
        raise ValidationError(errors)
    for kind, delivery in deliveries.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    return preferences_of(user=user)
