"""DRF permission classes. Object visibility is the gatekeepers' job (each app's selectors);
who may write is each feature's `can_*` rule, which its services enforce. A view asks the same
rule here so that a refused write answers 403 before its body is read. Each class needs a
signed-in user first, so a view that names only one of them is still closed to anonymous
callers (401)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from kam.types import AnyUser

Rule = Callable[[AnyUser], bool]


def writes_allowed_by(rule: Rule, message: str | Promise) -> type[BasePermission]:
    """A permission class: every signed-in user reads; a write needs `rule(user)`, refused
    with `message` (the refusal the service gives; lazy, it is read in the request's language)."""

    class WritesByRule(IsAuthenticated):
        def __init__(self) -> None:
            self.message = message

        def has_permission(self, request: Request, view: APIView) -> bool:
            if not super().has_permission(request, view):
                return False
            return request.method in SAFE_METHODS or rule(request.user)

    WritesByRule.__name__ = WritesByRule.__qualname__ = f"WritesBy_{rule.__name__}"
    WritesByRule.__doc__ = f"Every signed-in user reads; a write needs {rule.__name__}."
    return WritesByRule
