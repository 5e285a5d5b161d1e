"""The Redis cache, which a Redis outage degrades to no cache instead of failing requests.

Everything KAM keeps in the cache can be computed again (cached pages and dashboards, import
progress, rate-limit counters), so while Redis cannot be reached a read is a miss, a write is
dropped and a counter starts again (the API's rate limits let requests through then). A
warning is logged (at most every 10 s per process); nothing else changes while Redis
answers. `make faults` stops Redis under the product to show it (bench/faults.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


# While Redis is down every request meets it: one warning per process this often is enough.
WARN_EVERY_SECONDS = 10.0
_last_warning = [-WARN_EVERY_SECONDS]


def _unreachable(operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning("The cache (Redis) is unreachable; %s skipped: %s", operation, error)


class ResilientRedisCacheClient(RedisCacheClient):
    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return bool(super().add(key, value, timeout))
        except UNREACHABLE as error:
            _unreachable("add", error)
            return False

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return bool(super().touch(key, timeout))
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return bool(super().delete(key))
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def get_many(self, keys: Any) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys))
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return bool(super().has_key(key))
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def incr(self, key: Any, delta: int) -> Any:
        try:
            return super().incr(key, delta)
        except UNREACHABLE as error:
            _unreachable("incr", error)
            # As for a key that is not there: the caller starts its counter again.
            raise ValueError("Key not found (the cache is unreachable).") from error

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except UNREACHABLE as error:
            _unreachable("set_many", error)

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)

    def clear(self) -> bool:
        try:
            return bool(super().clear())
        except UNREACHABLE as error:
            _unreachable("clear", error)
            return False


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose operations answer as an empty cache while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient


def cached_or_built(key: str, build: Callable[[], T | None], timeout: int) -> T | None:
    """The value kept under `key`, else `build()`, kept for `timeout` seconds unless it is
    None (a refusal or "nothing yet" is never kept). Django's `get_or_set` would keep a None
    (and reads the key a second time)."""
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, timeout)
    return value
