"""GET /api/v1/me/: who the caller is, for scripts checking their token."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def test_anonymous_caller_is_refused(anonymous_api: Any) -> None:
    response = anonymous_api.get(URL)

    assert response.status_code == 401


def test_account_manager_sees_their_name_and_role(owner: Any, owner_api: Any) -> None:
    response = owner_api.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "username": owner.username,
        "roles": ["account_manager"],
        "is_superuser": False,
    }


def test_ops_sees_the_ops_role(ops: Any, ops_api: Any) -> None:
    response = ops_api.get(URL)

    assert response.json()["roles"] == ["ops"]


def test_writes_are_not_allowed(executive_api: Any) -> None:
    response = executive_api.post(URL, {})

    assert response.status_code == 405
