"""Personas (owner, team member, unrelated manager, executive, ops, anonymous) and clients."""

from __future__ import annotations

import os
import uuid
from datetime import date
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.celery_worker import queue_name, start_worker  # noqa: F401 - fixtures
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous, so Django's async-safety guard is relaxed for the tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    from scripts.compile_messages import ROOT, compile_dir

    # The translations the zh-hans tests read, compiled as the build does (make test does it
    # too; a bare pytest run must not depend on it). Before any test activates a language.
    compile_dir(ROOT / "locale")

    # Password hashing is deliberately slow; the tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The tests run with DEBUG off, as production does, but talk plain http to the test
    # client and the live server: no redirect to https (tests/kam/test_deploy_check.py
    # checks the production defaults in a process of their own).
    settings.SECURE_SSL_REDIRECT = False


# The day the suite's dated examples are written for (plans of 2027, actions due in it): the
# rules that compare with today (kam/clock.py) see this day, whatever the calendar says.
SUITE_TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def suite_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("kam.clock.today", lambda: SUITE_TODAY)
    return SUITE_TODAY


@pytest.fixture(autouse=True)
def cache_of_this_test(settings: Any) -> None:
    """The tests share one real Redis (and several test processes share it), while every test
    database numbers its rows from 1: a key prefix of each test's own keeps one test's cached
    pages out of another's. (pytest-django resets Django's cache connections on the change.)"""
    cache = {**settings.CACHES["default"]}
    cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "default": cache}


@pytest.fixture
def owner(db: Any) -> Any:
    return UserFactory(username="alice", roles=["account_manager"])


@pytest.fixture
def team_member(db: Any) -> Any:
    return UserFactory(username="tom", roles=["account_manager"])


@pytest.fixture
def other_manager(db: Any) -> Any:
    return UserFactory(username="mallory", roles=["account_manager"])


@pytest.fixture
def executive(db: Any) -> Any:
    return UserFactory(username="erin", roles=["executive"])


@pytest.fixture
def ops(db: Any) -> Any:
    return UserFactory(username="olga", roles=["ops"])


@pytest.fixture
def account(owner: Any, team_member: Any) -> Any:
    account = AccountFactory(owner=owner, name="Northwind Foods", external_id="NW-1")
    TeamMemberFactory(account=account, user=team_member)
    return account


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def owner_client(owner: Any) -> Client:
    return _client_for(owner)


@pytest.fixture
def team_member_client(team_member: Any) -> Client:
    return _client_for(team_member)


@pytest.fixture
def other_manager_client(other_manager: Any) -> Client:
    return _client_for(other_manager)


@pytest.fixture
def executive_client(executive: Any) -> Client:
    return _client_for(executive)


@pytest.fixture
def ops_client(ops: Any) -> Client:
    return _client_for(ops)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def owner_api(owner: Any) -> APIClient:
    return _api_client_for(owner)


@pytest.fixture
def team_member_api(team_member: Any) -> APIClient:
    return _api_client_for(team_member)


@pytest.fixture
def other_manager_api(other_manager: Any) -> APIClient:
    return _api_client_for(other_manager)


@pytest.fixture
def executive_api(executive: Any) -> APIClient:
    return _api_client_for(executive)


@pytest.fixture
def ops_api(ops: Any) -> APIClient:
    return _api_client_for(ops)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()
