"""Reads of notifications: a user reads their own only."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from kam.language import user_language
from kam.types import User
from notifications.models import Delivery, Kind, Notification, NotificationPreference


def notifications_of(
    *, user: User, kind: str = "", unread: bool | None = None
) -> QuerySet[Notification]:
    """The user's own notifications, newest first; of one kind, unread or read if asked."""
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if kind:
        rows = rows.filter(kind=kind)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows


def language_of(*, user: User) -> str:
    """The language KAM writes to the user in: their notifications and e-mails are written in
    it whoever's action made them. Their own choice (kam.language), else the site's
    (LANGUAGE_CODE)."""
    return user_language(user=user) or str(settings.LANGUAGE_CODE)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def deliveries_for(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's delivery for the kind (at once when they chose nothing): one query."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {user_id: chosen.get(user_id, Delivery.IMMEDIATE) for user_id in ids}


def preferences_of(*, user: User) -> dict[str, str]:
    """The user's delivery for every kind (at once for those never chosen)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in Kind.values}


def users_with_role(role: str) -> QuerySet[User]:
    """The active users holding a role (its Django group)."""
    return User.objects.filter(groups__name=role, is_active=True).distinct()
