"""DRF permission classes built on roles. Object visibility is the gatekeepers' job
(each app's selectors); these classes decide what a user who can see an object may do.
Each of them needs a signed-in user first, so a view that names only one of them is still
closed to anonymous callers (401)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request

from kam.roles import Role, user_has_role


class OpsCanWriteOthersRead(IsAuthenticated):
    """Every signed-in user may read; only ops (and superusers) may write."""

    message = "Only operations staff may change this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user_has_role(request.user, Role.OPS)


class ExecutivesCanWriteOthersRead(IsAuthenticated):
    """Every signed-in user may read; only executives (and superusers) may write."""

    message = "Only the executive steering committee may change this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user_has_role(request.user, Role.EXECUTIVE)
