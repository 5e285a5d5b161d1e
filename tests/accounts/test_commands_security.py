"""create_user refuses weak passwords (Django's validators); api_token --revoke; tokens past
KAM_API_TOKEN_LIFETIME_DAYS are refused and replaced. Measured before: `create_user
--password a` accepted, tokens never expired and could be revoked by the admin only."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from demo.users import DEMO_PASSWORD, DEMO_USERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
ME = "/api/v1/me/"


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_create_user_with_password_a_is_refused_and_exits_non_zero() -> None:
    """Through manage.py, as an operator runs it: the validators' messages, exit status 1."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "a-key-of-this-test-only-" + "k" * 40,
        "KAM_PASSWORD": "",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "create_user", "nina", "--role", "ops", "--password", "a"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "This password is too short. It must contain at least 8 characters." in result.stderr
    assert "This password is too common." in result.stderr
    assert not User.objects.filter(username="nina").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("4815162342", "This password is entirely numeric."),
        ("nina.marsh", "The password is too similar to the username."),
        ("marsh-nina", "The password is too similar to the username."),
        ("ninam@kam-example.org", "The password is too similar to the email address."),
    ],
)
def test_create_user_refuses_a_weak_password(password: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command(
            "create_user",
            "nina.marsh",
            "--role",
            "ops",
            "--email",
            "ninam@kam-example.org",
            "--password",
            password,
            stdout=StringIO(),
        )
    assert not User.objects.filter(username="nina.marsh").exists()


def test_create_user_reads_a_weak_password_from_the_environment_and_refuses_it(
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("KAM_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="This password is too common"):
        call_command("create_user", "nina", "--role", "ops", stdout=StringIO())
    assert not User.objects.filter(username="nina").exists()


def test_the_demo_password_passes_the_validators_for_every_demo_user() -> None:
    for username, first, last, _roles, _superuser in DEMO_USERS:
        user = User(
            username=username, first_name=first, last_name=last, email=f"{username}@example.com"
        )
        validate_password(DEMO_PASSWORD, user=user)


def test_the_admin_refuses_a_weak_password() -> None:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/auth/user/add/",
        {"username": "nina", "usable_password": "true", "password1": "a", "password2": "a"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too short." in page
    assert "This password is too common." in page
    assert not User.objects.filter(username="nina").exists()


def test_the_admin_refuses_a_weak_password_change() -> None:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    nina = UserFactory(username="nina")

    response = client.post(
        f"/admin/auth/user/{nina.pk}/password/",
        {"usable_password": "true", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    nina.refresh_from_db()
    assert not nina.check_password("12345678")


def issue(username: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", username, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def call_with(key: str) -> Any:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}")


def test_api_token_revoke_deletes_the_token_and_says_so() -> None:
    UserFactory(username="alice")
    key, _ = issue("alice")
    assert call_with(key).status_code == 200

    out = StringIO()
    call_command("api_token", "alice", "--revoke", stdout=out)

    assert out.getvalue().strip() == "Revoked the API token of alice: calls with it are refused."
    assert not Token.objects.filter(user__username="alice").exists()
    refused = call_with(key)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    # The next api_token issues a different key.
    assert issue("alice")[0] != key


def test_api_token_revoke_without_a_token_or_a_user() -> None:
    UserFactory(username="alice")
    out = StringIO()
    call_command("api_token", "alice", "--revoke", stdout=out)
    assert out.getvalue().strip() == "alice has no API token: nothing to revoke."
    with pytest.raises(CommandError, match="No user is called ghost"):
        call_command("api_token", "ghost", "--revoke")


def age_token(key: str, *, days: float) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=days))


def test_a_token_past_its_lifetime_is_refused_in_words(settings: Any) -> None:
    settings.KAM_API_TOKEN_LIFETIME_DAYS = 30
    UserFactory(username="alice")
    key, _ = issue("alice")

    age_token(key, days=29)
    assert call_with(key).status_code == 200

    age_token(key, days=31)
    refused = call_with(key)

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    expired_on = (Token.objects.get(key=key).created + timedelta(days=30)).strftime("%Y-%m-%d")
    assert refused.json()["detail"].startswith(f"This API token expired on {expired_on}")
    assert "tokens last 30 days" in refused.json()["detail"]
    assert "manage.py api_token" in refused.json()["detail"]


def test_api_token_replaces_an_expired_token_and_says_so(settings: Any) -> None:
    settings.KAM_API_TOKEN_LIFETIME_DAYS = 30
    UserFactory(username="alice")
    old, _ = issue("alice")
    age_token(old, days=45)

    new, news = issue("alice")

    assert new != old
    assert len(new) == 40
    assert news.startswith("The API token of alice expired on ")
    assert news.endswith("issued a new one.")
    assert call_with(new).status_code == 200
    assert call_with(old).status_code == 401
    # A valid token is printed as it is, without news.
    assert issue("alice") == (new, "")


def test_without_a_lifetime_tokens_do_not_expire(settings: Any) -> None:
    settings.KAM_API_TOKEN_LIFETIME_DAYS = None
    UserFactory(username="alice")
    key, _ = issue("alice")
    age_token(key, days=4000)

    assert call_with(key).status_code == 200
    assert issue("alice") == (key, "")
