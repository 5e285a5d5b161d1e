"""API token authentication with an optional lifetime, and the token rules of `api_token`.

A token older than KAM_API_TOKEN_LIFETIME_DAYS (kam/settings.py; empty: tokens never
expire) is refused with 401 and a message saying when it expired; `manage.py api_token
USERNAME` then issues a new one. An unknown token counts against the client address's
anonymous rate (kam/throttling.py), so guessing tokens meets a 429 with `Retry-After`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from kam.throttling import AnonRateThrottle


def token_lifetime() -> timedelta | None:
    days = settings.KAM_API_TOKEN_LIFETIME_DAYS
    return None if days is None else timedelta(days=days)


def token_expires_at(*, token: Token) -> datetime | None:
    """When the token stops being accepted; None when tokens do not expire."""
    lifetime = token_lifetime()
    return None if lifetime is None else token.created + lifetime


def token_is_expired(*, token: Token, now: datetime) -> bool:
    expires_at = token_expires_at(token=token)
    return expires_at is not None and expires_at <= now


def api_token_revoke(*, username: str) -> bool:
    """Delete the user's API token; False when they had none. ValidationError: no such user."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("No user is called %(username)s.") % {"username": username})
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted > 0


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, refusing expired tokens and throttling guesses."""

    request: Any = None

    def authenticate(self, request: Any) -> tuple[Any, Token] | None:
        # DRF makes one authenticator per request, so keeping the request here is safe.
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        try:
            token = Token.objects.select_related("user").get(key=key)
        except Token.DoesNotExist:
            self._count_guess()
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token=token, now=timezone.now()):
            expired_on = token_expires_at(token=token)
            raise exceptions.AuthenticationFailed(
                _(
                    "This API token expired on %(when)s UTC (tokens last %(days)s days). "
                    "Ask for a new one: manage.py api_token USERNAME."
                )
                % {
                    "when": f"{expired_on:%Y-%m-%d %H:%M}",
                    "days": settings.KAM_API_TOKEN_LIFETIME_DAYS,
                }
            )
        return token.user, token

    def _count_guess(self) -> None:
        if self.request is None:
            return
        throttle = AnonRateThrottle()
        if not throttle.allow_address(self.request):
            raise exceptions.Throttled(wait=throttle.wait())
