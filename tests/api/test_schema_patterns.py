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
