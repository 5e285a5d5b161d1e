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
