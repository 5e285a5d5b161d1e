"""Versions of the data that cached figures are derived from, kept in the cache.

A reader caches a figure under a key holding the version of what it was computed from
(``current``); a writer ``bump``s that version when its transaction commits, so the next
reader computes the figure again. The version is a number in the cache: losing it (Redis
restarted or down) only costs a recomputation, never a stale figure, since a fresh version
is a new random number.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

# Everything the list of accounts a user sees depends on: the accounts and their teams.
ACCOUNTS = "accounts"


def _key(name: str) -> str:
    return f"data-version:{name}"


def current(name: str) -> str:
    """The version of ``name`` now (a new one when the cache has none)."""
    version = cache.get(_key(name))
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(_key(name), version, timeout=None):
            version = cache.get(_key(name), version)
    return str(version)


def bump(name: str) -> None:
    """A new version of ``name`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: cache.set(_key(name), secrets.token_hex(8), timeout=None))
