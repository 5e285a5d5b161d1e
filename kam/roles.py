"""The three roles of the product, held as Django groups named exactly like the enum values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.types import AnyUser

# The user's role names, kept on the user object for the rest of the request.
_ROLES_CACHE = "_kam_roles"


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    EXECUTIVE = "executive", _("Executive")
    OPS = "ops", _("Operations")


def user_roles(user: AnyUser) -> frozenset[str]:
    """The user's role names, read once per user object (one query) and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _ROLES_CACHE, cached)
    return cached


def user_has_role(user: AnyUser, *roles: Role) -> bool:
    """True when the user holds any of the roles; superusers hold them all."""
    if user.is_superuser:
        return True
    held = user_roles(user)
    return any(role.value in held for role in roles)


def user_reads_all_accounts(user: AnyUser) -> bool:
    """Executives and ops read every account; superusers administer everything."""
    return user_has_role(user, Role.EXECUTIVE, Role.OPS)
