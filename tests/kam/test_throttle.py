"""API rate limits (kam/throttling.py), counted in the real Redis cache. Measured before:
300 API calls in 3.6 s with one token, no 429."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kam.throttling import parse_rate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


@pytest.fixture
def rates(settings: Any) -> Any:
    """Set the API's rates for one test (DRF rereads its settings on the change)."""

    def set_rates(*, user: str | None, anon: str | None) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon},
        }

    return set_rates


def inside_one_minute() -> None:
    """The limits count per clock minute: start a burst early enough in one."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.1)


def token_client(username: str) -> APIClient:
    token = Token.objects.create(user=UserFactory(username=username))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_three_hundred_calls_with_one_token_meet_the_limit(rates: Any) -> None:
    rates(user="100/min", anon="100/min")
    client = token_client("alice")
    inside_one_minute()

    started = time.monotonic()
    answers = [client.get(URL) for _ in range(300)]
    seconds = time.monotonic() - started

    statuses = [answer.status_code for answer in answers]
    assert statuses == [200] * 100 + [429] * 200, f"{seconds:.1f} s"
    refused = answers[100]
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    detail = refused.json()["detail"]
    assert detail.startswith("Request was throttled. Expected available in")
    assert "second" in detail


def test_a_session_counts_as_its_user_and_others_are_not_held_up(rates: Any) -> None:
    rates(user="20/min", anon="20/min")
    alice = Client()
    alice.force_login(UserFactory(username="alice"))
    tom = Client()
    tom.force_login(UserFactory(username="tom"))
    inside_one_minute()

    alice_statuses = [alice.get(URL).status_code for _ in range(25)]

    assert alice_statuses == [200] * 20 + [429] * 5
    assert tom.get(URL).status_code == 200


def test_guessed_tokens_meet_the_anonymous_limit_of_the_address(rates: Any) -> None:
    rates(user="100/min", anon="10/min")
    inside_one_minute()

    answers = [
        APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {n:040x}", REMOTE_ADDR="203.0.113.9")
        for n in range(15)
    ]

    assert [a.status_code for a in answers] == [401] * 10 + [429] * 5
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    # Another address is not held up, nor is a real token from the same one.
    other = APIClient().get(URL, HTTP_AUTHORIZATION="Token " + "0" * 40, REMOTE_ADDR="192.0.2.1")
    assert other.status_code == 401
    real = token_client("alice").get(URL, REMOTE_ADDR="203.0.113.9")
    assert real.status_code == 200


def test_a_forwarded_address_does_not_escape_the_anonymous_limit(rates: Any) -> None:
    """Without a TLS proxy in front, X-Forwarded-For is the caller's to forge: not read."""
    rates(user="100/min", anon="5/min")
    inside_one_minute()

    statuses = [
        APIClient()
        .get(URL, HTTP_AUTHORIZATION=f"Token {n:040x}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        .status_code
        for n in range(8)
    ]

    assert statuses == [401] * 5 + [429] * 3


def test_the_default_limits_leave_a_busy_script_alone() -> None:
    """6000 a minute per user: a script's 300 calls in a few seconds all pass."""
    client = token_client("alice")
    inside_one_minute()

    statuses = {client.get(URL).status_code for _ in range(300)}

    assert statuses == {200}


def test_an_empty_rate_is_no_limit(rates: Any) -> None:
    rates(user=None, anon=None)
    client = token_client("alice")

    assert {client.get(URL).status_code for _ in range(50)} == {200}


def test_rates_are_read_as_n_per_unit() -> None:
    assert parse_rate("6000/min") == (6000, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("1/day") == (1, 86400)
    assert parse_rate("") is None
    for bad in ("fast", "10", "0/min", "-1/min", "10/week"):
        with pytest.raises(ValueError, match="N/unit"):
            parse_rate(bad)
