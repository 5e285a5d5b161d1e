"""The OpenAPI schema and the docs: signed-in users only, every error answer documented,
Swagger UI served from static/ (no network)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(owner_api: Any) -> dict[str, Any]:
    response = owner_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_signed_in_user(anonymous_api: Any, path: str) -> None:
    response = anonymous_api.get(path)
    assert response.status_code == 401
    assert "Token" in response["WWW-Authenticate"]


def test_docs_load_swagger_ui_from_static(owner_client: Any) -> None:
    page = owner_client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets), assets
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by KAM"
        assert owner_client.get(asset).status_code == 200, asset
    assert "<script>" not in html  # the start-up script is served apart (CSP)


def test_every_operation_documents_its_error_answers(schema: dict[str, Any]) -> None:
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(operations) > 100
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"400", "401", "403", "429"} <= codes, (method, path, codes)
        if "{" in path or method in ("post", "put", "patch"):
            assert "404" in codes, (method, path, codes)
        if method == "delete":
            assert "409" in codes, (method, path, codes)
        if method in ("post", "put", "patch"):
            assert "415" in codes, (method, path, codes)
    plan_update = schema["paths"]["/api/v1/plans/{id}/"]["patch"]["responses"]
    assert {"409", "412"} <= set(plan_update)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_request_schemas_state_the_input_policy(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    forecast = components["ForecastRequest"]["properties"]
    assert forecast["period_start"]["pattern"] == "^(19|20|21)[0-9]{2}-[0-9]{2}-01$"
    assert forecast["revenue"]["pattern"] == "^[0-9]{1,12}(\\.[0-9]{1,2})?$"
    contact = components["ContactRequest"]["properties"]
    assert "\\u000b" not in contact["name"]["pattern"]  # one line: no tab or line break
    assert "\\u0008\\u000b" in contact["evidence"]["pattern"]  # a long text may hold them
    assert components["PatchedAccountPlanEditRequest"]["required"] == ["version"]
    assert "required" not in components["AnalysisRunRequest"]  # as_of defaults to today


def test_no_enum_name_collision(schema: dict[str, Any]) -> None:
    names = schema["components"]["schemas"]
    assert {"DesignationEnum", "PlanStatusEnum", "ChannelEnum"} <= set(names)
    assert not [name for name in names if re.search(r"[0-9a-f]{3}Enum$", name)]


def test_a_field_with_a_grammar_of_its_own_keeps_it_in_the_request_schema(
    schema: dict[str, Any],
) -> None:
    """The input policy's text pattern stood in for the cron fields' own: the schema called
    "00" a valid minute, which the API refuses (make fuzz: a valid request rejected)."""
    from portfolio.api import DAY_OF_WEEK_PATTERN, HOUR_PATTERN, MINUTE_PATTERN

    fields = schema["components"]["schemas"]["NightlyScheduleRequest"]["properties"]
    assert fields["minute"]["pattern"] == MINUTE_PATTERN
    assert fields["hour"]["pattern"] == HOUR_PATTERN
    assert fields["day_of_week"]["pattern"] == DAY_OF_WEEK_PATTERN
    assert re.search(fields["minute"]["pattern"], "00") is None
    assert re.search(fields["minute"]["pattern"], "0,30") is not None


def test_the_schema_says_what_the_fuzzer_found_it_did_not(schema: dict[str, Any]) -> None:
    """make fuzz: an interaction with no contacts was refused though the schema allowed an
    empty list; an account without an external id answered null where the schema said a
    string."""
    components = schema["components"]["schemas"]
    assert components["Interaction"]["properties"]["contacts"]["minItems"] == 1
    assert components["AccountSnapshot"]["properties"]["external_id"]["nullable"] is True
    revenue = components["RevenueRecord"]["properties"]["account_external_id"]
    assert revenue["nullable"] is True
