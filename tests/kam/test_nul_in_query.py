"""A NUL character in a query parameter is a 400 with a plain message on every page and
endpoint (PostgreSQL refuses NUL in text, so it used to surface as a server error)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/?owner=%00",
        "/dashboard/matrix.csv?region=a%00b",
        "/accounts/?q=%00",
        "/decision-makers/?q=%00",
    ],
)
def test_pages_refuse_a_nul_in_the_query(executive_client: Any, path: str) -> None:
    response = executive_client.get(path)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_the_api_refuses_a_nul_in_the_query_as_json(executive_api: Any) -> None:
    response = executive_api.get("/api/v1/dashboard/?owner=%00")

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_query_without_nul_is_untouched(executive_client: Any) -> None:
    response = executive_client.get("/accounts/?q=north")

    assert response.status_code == 200
