"""A refused or missing page keeps the navigation and says what happened, in words."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_why_and_keeps_the_navigation(owner_client: Any) -> None:
    response = owner_client.post("/ops/analysis/run/", {"as_of": "2026-06-30"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this here" in body
    assert 'aria-label="Main"' in body
    assert '<a href="/accounts/">Accounts</a>' in body
    assert "Nothing was changed" in body


def test_a_missing_page_keeps_the_navigation(owner_client: Any) -> None:
    response = owner_client.get("/accounts/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing here" in body
    assert 'aria-label="Main"' in body


def test_a_missing_address_under_the_api_still_answers_json(owner_api: Any) -> None:
    response = owner_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
