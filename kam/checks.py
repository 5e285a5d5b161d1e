"""System checks that refuse unsafe production configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=False)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the public development default while DEBUG is off.",
                hint="Set the SECRET_KEY environment variable to a long random value, "
                "or set DEBUG=true for local development.",
                id="kam.E001",
            )
        ]
    return []


@register(Tags.security, deploy=False)
def check_api_limits(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from kam.throttling import parse_rate

    errors: list[CheckMessage] = []
    for name in ("KAM_THROTTLE_USER", "KAM_THROTTLE_ANON"):
        try:
            parse_rate(getattr(settings, name))
        except ValueError as error:
            errors.append(
                Error(
                    f"{name} is not a rate: {error}",
                    hint="Write it as N/unit, e.g. 6000/min, or leave it empty for no limit.",
                    id="kam.E002",
                )
            )
    days = settings.KAM_API_TOKEN_LIFETIME_DAYS
    if days is not None and days < 1:
        errors.append(
            Error(
                f"KAM_API_TOKEN_LIFETIME_DAYS is {days}: every token would be expired.",
                hint="Set a number of days of at least 1, or leave it empty: tokens never expire.",
                id="kam.E003",
            )
        )
    return errors
