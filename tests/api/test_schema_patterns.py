"""Every `pattern` of the schema is one a JSON Schema validator working on Unicode text can
compile. jsonschema-rs (the validator schemathesis uses) cannot compile a range of lone
surrogates; schemathesis then drops the pattern and draws texts with control characters as
valid ones, which the input policy refuses (`make fuzz`: valid requests rejected)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

pytestmark = pytest.mark.django_db


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def test_every_pattern_compiles_in_a_unicode_validator(owner_api: Any) -> None:
    response = owner_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    patterns = set(_patterns(response.json()))
    assert len(patterns) > 5
    refused = []
    for pattern in sorted(patterns):
        try:
            jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        except jsonschema_rs.ValidationError:
            refused.append(pattern)
    assert refused == []


@pytest.fixture
def request_schemas(owner_api: Any) -> dict[str, Any]:
    response = owner_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schemas: dict[str, Any] = response.json()["components"]["schemas"]
    return schemas


def _matches(pattern: str, value: str) -> bool:
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    return bool(validator.is_valid(value))


def test_decimal_patterns_state_the_range_where_a_pattern_can(
    request_schemas: dict[str, Any],
) -> None:
    """The fuzzer drew "0" for a minimum of 0.01 and "99.9" for a maximum of 1 as valid."""
    parameters = request_schemas["AnalysisParametersRequest"]["properties"]
    retention = parameters["base_retention"]["pattern"]
    assert [_matches(retention, v) for v in ("0", "0.9", "1", "1.0000", "1.5", "9")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip
    margin = parameters["margin_target"]["pattern"]
    assert [_matches(margin, v) for v in ("-1", "-0.25", "1", "-1.5", "2")] == [
        True, True, True, False, False,
    ]  # fmt: skip
    threshold = parameters["attractiveness_threshold"]["pattern"]
    assert [_matches(threshold, v) for v in ("0", "99.99", "100", "100.01", "101")] == [
        True, True, True, False, False,
    ]  # fmt: skip
    small = parameters["small_account_revenue"]["pattern"]
    assert [_matches(small, v) for v in ("0", "0.00", "0.01", "100000")] == [
        False, False, True, True,
    ]  # fmt: skip
    score = request_schemas["AssessmentRequest"]["properties"]["score"]["pattern"]
    assert [_matches(score, v) for v in ("0", "7.2", "10", "10.5", "-1", "11")] == [
        True, True, True, False, False, False,
    ]  # fmt: skip
    amount = request_schemas["ValueEntryRequest"]["properties"]["amount"]["pattern"]
    assert not _matches(amount, "0")
    assert _matches(amount, "0.01")
    weight = request_schemas["SelectionCriterionRequest"]["properties"]["weight"]["pattern"]
    assert not _matches(weight, "0")
    assert not _matches(weight, "-2")
    assert _matches(weight, "2.50")


def test_a_nullable_reference_takes_an_empty_text_and_a_list_that_may_not_be_empty_says_so(
    request_schemas: dict[str, Any],
) -> None:
    """DRF reads "" as null for a related field; drf-spectacular leaves allow_empty=False out."""
    contact = request_schemas["ContactRequest"]["properties"]["primary_contact"]
    assert contact.get("nullable") is True
    assert "minLength" not in contact
    assert _matches(contact["pattern"], "")
    meeting = request_schemas["ReviewMeetingRequest"]["properties"]
    assert meeting["attendees"]["minItems"] == 1
    assert meeting["accounts"]["minItems"] == 1


def test_a_slug_is_a_slug(request_schemas: dict[str, Any]) -> None:
    """An activity type's code took any one-line text in the schema; the API takes a slug."""
    code = request_schemas["ActivityTypeRequest"]["properties"]["code"]["pattern"]
    assert _matches(code, "tech-support_2")
    assert not _matches(code, "tech support")
    assert not _matches(code, "\u00e9t\u00e9")


def test_a_required_text_is_not_only_spaces(request_schemas: dict[str, Any]) -> None:
    """DRF strips a text before checking it is not blank, so "\\r" or "  " was drawn as a
    valid decline comment and refused."""
    comment = request_schemas["DesignationDeclineRequest"]["properties"]["comment"]["pattern"]
    assert not _matches(comment, "\r")
    assert not _matches(comment, "   ")
    assert _matches(comment, "  Too early\n")
    name = request_schemas["AccountRequest"]["properties"]["name"]["pattern"]
    assert not _matches(name, " ")
    assert not _matches(name, "Acme\n")  # one line still
    assert _matches(name, "Acme")
