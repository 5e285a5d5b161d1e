"""Sign-in that resists guessing (django-axes, configured in kam/settings.py).

After AXES_FAILURE_LIMIT failed sign-ins for one username (from any address: the team
shares an office), that username is refused for AXES_COOLOFF_TIME on /login/ and
/admin/login/, even with the right password. `lockout_response` is what the refused
request gets: the lockout page in the product's look, or JSON for a script asking for JSON,
both 429 with `Retry-After`. Every failure is logged by axes (logger `axes`, and the
Access failures table in the admin) and on the `kam.signin` logger here.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger("kam.signin")

LOCKOUT_TEMPLATE = "registration/lockout.html"


def lockout_ends_at(*, username: str, now: datetime) -> datetime | None:
    """When axes will let `username` try again: the lockout lasts while the failures of the
    cool-off period still reach the limit, so it ends when the oldest failure needed to reach
    it leaves the period. None when not locked (or no cool-off: locked until reset)."""
    cool_off = get_cool_off()
    if cool_off is None:
        return None
    limit = get_failure_limit(None, {"username": username})
    attempts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - cool_off
    ).order_by("-attempt_time")
    failures = 0
    for attempt_time, count in attempts.values_list("attempt_time", "failures_since_start"):
        failures += count
        if failures >= limit:
            until: datetime = attempt_time + cool_off
            return until
    return None


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or ("application/json" in accept and "text/html" not in accept)
    )


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After, in words."""
    username = get_client_username(request, credentials) or ""
    now = timezone.now()
    ends_at = lockout_ends_at(username=username, now=now)
    cool_off = get_cool_off() or timedelta(0)
    retry_after = max(1, math.ceil(((ends_at - now) if ends_at else cool_off).total_seconds()))
    limit = get_failure_limit(request, credentials)
    message = _(
        "Sign-in for %(username)s is locked after %(limit)s failed attempts. "
        "Try again in %(wait)s, or ask an administrator to unlock it."
    ) % {"username": username, "limit": limit, "wait": _minutes(retry_after)}
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": retry_after}, status=429
        )
    else:
        context = {
            "username": username,
            "failure_limit": limit,
            "retry_after_text": _minutes(retry_after),
            "cool_off_text": _minutes(int(cool_off.total_seconds())),
            "login_url": request.path,
        }
        response = render(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@receiver(user_login_failed, dispatch_uid="kam.signin.failure")
def log_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    logger.warning(
        "Failed sign-in for %r from %s on %s",
        (credentials or {}).get("username", ""),
        request.META.get("REMOTE_ADDR", "?") if request is not None else "?",
        request.path if request is not None else "?",
    )


@receiver(user_locked_out, dispatch_uid="kam.signin.lockout")
def log_lockout(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    logger.warning(
        "Sign-in for %r refused: locked out (last attempt from %s on %s)",
        username or "",
        ip_address or "?",
        request.path if request is not None else "?",
    )
