"""How a service enforces who may write.

Each feature has a `rules.py` of `can_*` predicates: functions of a user and an object that
answer True or False, write nothing and raise nothing. Services enforce them with
`require(can_x(user, obj), "message")` before they write; views, the API and the admin ask
the same predicates to decide what to show, so the rule is written once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise


def require(allowed: bool, message: str | Promise) -> None:
    """Refuse (PermissionDenied, 403 on a page and in the API) unless `allowed`. The message
    may be lazy (gettext_lazy): it is read in the language of the request refused."""
    if not allowed:
        raise PermissionDenied(message)
