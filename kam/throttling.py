"""API rate limits: a counter per caller and fixed time window, kept in the cache.

DRF's own throttles keep every request's time in one cached list (read, extended and written
back whole on each call, so a generous rate costs a long list per request, and two workers
can overwrite each other's list); here each window is one counter, raised with the cache's
atomic `incr` (Redis INCR in production), so the cost does not grow with the rate. A fixed
window lets a caller make at most twice the rate across a window's edge.

Rates are "N/unit" with unit s, m (min), h or d, or empty for no limit: the settings
KAM_API_THROTTLE_USER and KAM_API_THROTTLE_ANON (kam/settings.py). A caller over its rate
gets DRF's 429 with `Retry-After`: the seconds until the window ends.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'6000/min' -> (6000, 60); None or '' -> None (no limit). Raises ValueError otherwise."""
    if not rate:
        return None
    count, _, unit = rate.partition("/")
    seconds = UNIT_SECONDS.get(unit.strip()[:1].lower())
    if not count.strip().isdigit() or seconds is None or int(count) < 1:
        raise ValueError(f"A rate is 'N/unit' with unit s, m, h or d, not {rate!r}.")
    return int(count), seconds


def window_hit(*, key: str, limit: int, seconds: int, now: float) -> tuple[bool, float]:
    """Count one request in the current window of `key`; (allowed, seconds to window end)."""
    window = int(now // seconds)
    count = _count(f"throttle:{key}:{window}", timeout=seconds + 1)
    return count <= limit, (window + 1) * seconds - now


def _count(key: str, *, timeout: int) -> int:
    """Raise the window's counter (one round trip but the first of each window's)."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        pass
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)  # another worker made it meanwhile
    except ValueError:  # gone again, or the cache unreachable: counting starts again
        return 1


class _WindowThrottle(BaseThrottle):
    scope = ""

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def rate(self) -> tuple[int, int] | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return parse_rate(None if rate is None else str(rate))

    def ident_of(self, request: Any) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        rate = self.rate()
        ident = self.ident_of(request)
        if rate is None or ident is None:
            return True
        allowed, wait = window_hit(
            key=f"{self.scope}:{ident}", limit=rate[0], seconds=rate[1], now=time.time()
        )
        self.wait_seconds = None if allowed else wait
        return allowed

    def wait(self) -> float | None:
        return self.wait_seconds


class UserRateThrottle(_WindowThrottle):
    """Requests of one signed-in user (session or token), whichever worker answers them."""

    scope = "user"

    def ident_of(self, request: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return str(user.pk)


class AnonRateThrottle(_WindowThrottle):
    """Requests without a signed-in user, by client address (views open to anonymous callers,
    and invalid API tokens: kam/authentication.py)."""

    scope = "anon"

    def ident_of(self, request: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.get_ident(request)

    def allow_address(self, request: Any) -> bool:
        """Count a request of this client address whoever it claims to be (an authentication
        class calls it while `request.user` is still being worked out)."""
        rate = self.rate()
        if rate is None:
            return True
        allowed, wait = window_hit(
            key=f"{self.scope}:{self.get_ident(request)}",
            limit=rate[0],
            seconds=rate[1],
            now=time.time(),
        )
        self.wait_seconds = None if allowed else wait
        return allowed
