"""A Redis outage degrades the cache to no cache (kam/cache.py): reads miss, writes are
dropped, and the pages and API that use it (rate limits included) go on answering."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings: Any) -> None:
    """The product's own cache configuration, pointed at a port where no Redis listens."""
    if not django_settings.REDIS_URL:
        pytest.fail("The cache tests need REDIS_URL (make test sets it).")
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": NOTHING_LISTENS},
    }


def test_an_unreachable_redis_reads_as_an_empty_cache(redis_down: None) -> None:
    cache.set("page", "cached body", timeout=60)

    assert cache.get("page", "missing") == "missing"
    assert cache.add("counter", 0) is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    assert cache.get_many(["page", "counter"]) == {}
    assert cache.set_many({"a": 1}) == []
    assert cache.has_key("page") is False
    assert cache.delete("page") is False
    cache.delete_many(["page"])


def test_the_api_answers_while_redis_is_down(redis_down: None, ops_api: Any) -> None:
    # the API's rate limits count in the cache; with Redis down they let requests through
    for _ in range(3):
        response = ops_api.get("/api/v1/me/")
        assert response.status_code == 200
        assert response.json()["username"] == "olga"


def test_the_cache_works_while_redis_answers() -> None:
    cache.set("page", "cached body", timeout=60)
    assert cache.get("page") == "cached body"
    assert cache.add("counter", 0) is True
    assert cache.add("counter", 5) is False
    assert cache.incr("counter") == 1
    assert cache.set_many({"a": 1, "b": 2}, timeout=60) == []
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.has_key("a") is True
    assert cache.touch("a", timeout=60) is True
    assert cache.delete("a") is True
    cache.delete_many(["b"])
    assert cache.get_many(["a", "b"]) == {}
