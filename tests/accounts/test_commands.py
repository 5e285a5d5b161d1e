"""The public commands of CONTRACT.md: create_user, api_token, seed_demo."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Account, Designation, TeamMember

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_create_user_with_roles() -> None:
    out = StringIO()
    call_command(
        "create_user",
        "nina",
        "--role",
        "executive",
        "--role",
        "ops",
        "--password",
        "s3cret-pw",
        stdout=out,
    )
    user = User.objects.get(username="nina")
    assert sorted(user.groups.values_list("name", flat=True)) == ["executive", "ops"]
    assert user.check_password("s3cret-pw")


def test_create_user_reads_password_from_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("KAM_PASSWORD", "from-the-env")
    call_command("create_user", "nina", "--role", "ops", stdout=StringIO())
    assert User.objects.get(username="nina").check_password("from-the-env")


def test_create_user_refuses_unknown_role() -> None:
    with pytest.raises(CommandError, match="Unknown role boss"):
        call_command("create_user", "nina", "--role", "boss", "--password", "x-y-z-w")
    assert not User.objects.filter(username="nina").exists()


def test_create_user_refuses_existing_username(owner: Any) -> None:
    with pytest.raises(CommandError, match="A user called alice already exists"):
        call_command("create_user", "alice", "--role", "ops", "--password", "x-y-z-w")
    assert list(owner.groups.values_list("name", flat=True)) == ["account_manager"]


def test_api_token_is_stable_and_authenticates(owner: Any, account: Account) -> None:
    first, second = StringIO(), StringIO()
    call_command("api_token", "alice", stdout=first)
    call_command("api_token", "alice", stdout=second)
    token = first.getvalue().strip()
    assert token == second.getvalue().strip()
    assert len(token) == 40
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Northwind Foods"]


def test_api_token_unknown_user() -> None:
    with pytest.raises(CommandError, match="No user is called ghost"):
        call_command("api_token", "ghost")


def test_seed_demo_is_deterministic_and_idempotent() -> None:
    call_command("seed_demo", "--accounts", "50", "--seed", "3", stdout=StringIO())
    first = list(Account.objects.order_by("external_id").values_list("name", "designation"))
    call_command("seed_demo", "--accounts", "50", "--seed", "3", stdout=StringIO())
    assert Account.objects.count() == 50
    call_command("seed_demo", "--accounts", "50", "--seed", "3", "--flush", stdout=StringIO())
    again = list(Account.objects.order_by("external_id").values_list("name", "designation"))
    assert first == again
    designations = [designation for _, designation in first]
    assert designations.count(Designation.STRATEGIC) == 3
    assert designations.count(Designation.TRANSACTIONAL) == 50 - 3 - 2 - 3 - 1
    assert TeamMember.objects.filter(is_executive_sponsor=True).count() == 5
    assert set(User.objects.values_list("username", flat=True)) >= {"alice", "erin", "olga"}


def test_groups_exist_after_migrate() -> None:
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "account_manager",
        "executive",
        "ops",
    }
