"""A plan's body naming a field the plan does not have answers 400 on that name, as every
other resource's does (kam/api.py's StrictModelSerializer): plans ignored it, and their
schema allowed any property, whose name the input policy then refused (`make fuzz`: valid
requests rejected)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountPlan

pytestmark = pytest.mark.django_db


def test_a_plan_body_naming_a_field_the_plan_does_not_have_is_refused(
    owner_api: Any, account: Any
) -> None:
    """Plans ignored unknown fields (and their schema allowed any): a misspelt field was a
    change that never happened, as it was for every other resource before."""
    body = {
        "account": account.pk,
        "period": "2027",
        "stratgy": "Win the east plant.",
        "actions": [{"title": "Site visit", "owner": "alice", "due": "2027-02-01", "x": 1}],
    }
    response = owner_api.post("/api/v1/plans/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["stratgy"] == ["Unknown field: this body has no such field."]
    assert not AccountPlan.objects.filter(account=account).exists()
    body["strategy"] = body.pop("stratgy")
    nested = owner_api.post("/api/v1/plans/", body, format="json")
    assert nested.status_code == 400, nested.content
    assert nested.json() == {"actions": [{"x": ["Unknown field: this body has no such field."]}]}


def test_the_plan_schemas_refuse_unknown_properties(owner_api: Any) -> None:
    schemas = owner_api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    for name in (
        "AccountPlanCreateRequest",
        "AccountPlanEditRequest",
        "PatchedAccountPlanEditRequest",
        "PlanActionRequest",
        "PlanObjectiveRequest",
    ):
        assert schemas[name]["additionalProperties"] is False, name
