"""Sign-in that resists guessing (django-axes, kam/signin.py): after 5 failures for one
username that username is locked out for 15 minutes on /login/ and /admin/login/, even with
the right password; the answer says so in words, 429 with Retry-After; every failure is
logged. Measured before: 20 wrong passwords, then the right one, signed in."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
COOL_OFF_SECONDS = 15 * 60


def sign_in(client: Client, username: str, password: str, *, url: str = LOGIN, **extra: Any) -> Any:
    return client.post(url, {"username": username, "password": password}, **extra)


def signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/me/")
    return response.json()["username"] if response.status_code == 200 else None


def assert_locked_page(response: Any, username: str) -> None:
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert COOL_OFF_SECONDS - 5 <= retry_after <= COOL_OFF_SECONDS
    page = response.content.decode()
    # The product's page, in words.
    assert "<h1>Sign-in locked</h1>" in page
    assert 'class="brand"' in page
    assert "css/kam.css" in page
    assert f"Sign-in for <strong>{username}</strong> is locked after 5 failed attempts" in page
    assert "Try again in 15 minutes" in page


def test_twenty_wrong_passwords_then_the_right_one_is_locked_out(caplog: Any) -> None:
    UserFactory(username="alice")
    client = Client()

    with caplog.at_level(logging.WARNING, logger="kam.signin"):
        answers = [sign_in(client, "alice", f"guess-{n}").status_code for n in range(20)]
        right = sign_in(client, "alice", PASSWORD)

    # Four ordinary refusals (the form again), then the lock from the fifth failure on.
    assert answers == [200] * 4 + [429] * 16
    assert_locked_page(right, "alice")
    assert signed_in_as(client) is None
    # Each failure is logged by us; axes' failure log (in the admin) keeps the five that
    # counted, the last one marked as the lock.
    logged = AccessFailureLog.objects.filter(username="alice").order_by("attempt_time")
    assert [row.locked_out for row in logged] == [False] * 4 + [True]
    failures = [r for r in caplog.records if r.getMessage().startswith("Failed sign-in")]
    assert len(failures) == 21
    assert "'alice'" in failures[0].getMessage()
    assert "/login/" in failures[0].getMessage()
    assert any("locked out" in r.getMessage() for r in caplog.records)


def test_the_admin_sign_in_is_locked_out_too() -> None:
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()

    for n in range(20):
        sign_in(client, "root", f"guess-{n}", url=ADMIN_LOGIN)
    response = sign_in(client, "root", PASSWORD, url=ADMIN_LOGIN)

    assert_locked_page(response, "root")
    assert client.get("/admin/").status_code == 302  # still sent to the sign-in page


def test_failures_on_the_page_and_the_admin_add_up() -> None:
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()

    for n in range(3):
        sign_in(client, "root", f"guess-{n}")
    for n in range(2):
        sign_in(client, "root", f"admin-guess-{n}", url=ADMIN_LOGIN)

    assert_locked_page(sign_in(client, "root", PASSWORD), "root")


def test_the_lock_follows_the_username_not_the_address() -> None:
    """The team shares an office address: one person's typos lock only that person, and a
    guesser changing address stays locked."""
    UserFactory(username="alice")
    UserFactory(username="tom")
    client = Client()

    for n in range(5):
        sign_in(client, "alice", f"guess-{n}", REMOTE_ADDR=f"203.0.113.{n + 1}")

    locked = sign_in(Client(), "alice", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert_locked_page(locked, "alice")
    colleague = Client()
    response = sign_in(colleague, "tom", PASSWORD, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 302
    assert signed_in_as(colleague) == "tom"


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_forgets_them() -> None:
    UserFactory(username="alice")

    for _ in range(3):
        client = Client()
        for n in range(4):
            assert sign_in(client, "alice", f"typo-{n}").status_code == 200
        assert sign_in(client, "alice", PASSWORD).status_code == 302
        assert signed_in_as(client) == "alice"


def test_the_lock_ends_after_the_cool_off() -> None:
    UserFactory(username="alice")
    client = Client()
    for n in range(5):
        sign_in(client, "alice", f"guess-{n}")
    assert sign_in(client, "alice", PASSWORD).status_code == 429

    # The failures were made 16 minutes ago: forgotten.
    AccessAttempt.objects.filter(username="alice").update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )

    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert signed_in_as(client) == "alice"


def test_retry_after_counts_down_from_the_failure_that_locked() -> None:
    """Attempts during the lock neither count nor make it longer: it ends when announced."""
    UserFactory(username="alice")
    client = Client()
    for n in range(5):
        sign_in(client, "alice", f"guess-{n}")
    AccessAttempt.objects.filter(username="alice").update(
        attempt_time=timezone.now() - timedelta(minutes=10)
    )

    response = sign_in(client, "alice", PASSWORD)
    again = sign_in(client, "alice", "guess-again")

    assert response.status_code == again.status_code == 429
    assert 4 * 60 <= int(response["Retry-After"]) <= 5 * 60
    assert 4 * 60 <= int(again["Retry-After"]) <= 5 * 60
    assert "Try again in 5 minutes" in response.content.decode()


def test_a_script_asking_for_json_gets_json(settings: Any) -> None:
    UserFactory(username="alice")
    client = Client()
    for n in range(5):
        sign_in(client, "alice", f"guess-{n}")

    response = sign_in(client, "alice", PASSWORD, HTTP_ACCEPT="application/json")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) == response.json()["retry_after"]
    assert response.json()["detail"].startswith(
        "Sign-in for alice is locked after 5 failed attempts. Try again in 15 minutes"
    )


def test_the_failure_limit_and_cool_off_are_settings(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    UserFactory(username="alice")
    client = Client()

    first = sign_in(client, "alice", "guess-1")
    second = sign_in(client, "alice", "guess-2")

    assert first.status_code == 200
    assert second.status_code == 429
    assert 170 <= int(second["Retry-After"]) <= 180
    assert "locked after 2 failed attempts" in second.content.decode()
