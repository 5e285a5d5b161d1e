"""The three roles of the product, held as Django groups named exactly like the enum values."""

from __future__ import annotations

from typing import Any

from django.db import models


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    EXECUTIVE = "executive", "Executive"
    OPS = "ops", "Operations"


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names, read once per user object (one query) and cached on it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_kam_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._kam_roles = cached
    return cached


def user_has_role(user: Any, *roles: Role) -> bool:
    """True when the user holds any of the roles; superusers hold them all."""
    if getattr(user, "is_superuser", False):
        return True
    held = user_roles(user)
    return any(role.value in held for role in roles)


def user_reads_all_accounts(user: Any) -> bool:
    """Executives and ops read every account; superusers administer everything."""
    return user_has_role(user, Role.EXECUTIVE, Role.OPS)
