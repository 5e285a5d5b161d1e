"""Answers the fuzzer found wrong (`make fuzz`), each now right: a create body's `version`
(500 for a criterion, 400 for an account), a designation decision the request's state does
not allow (409, not 400), a decline without a comment (required in the schema too), a goal
whose text is not a text (stored as "[None, None]"), and the schema's word on the team's
POST (409), the dashboard's filters (enums) and the plan bodies (no unknown property)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import DesignationRequest

pytestmark = pytest.mark.django_db


def test_a_version_in_a_create_body_is_no_error(
    owner_api: Any, executive_api: Any, owner: Any
) -> None:
    """The create bodies carry the edit bodies' `version` (one serializer); a new object has
    no version to compare, so it is ignored (the account answered 400 "Unknown account
    fields: version.", the criterion 500)."""
    account = owner_api.post("/api/v1/accounts/", {"name": "Fresh", "version": 1}, format="json")
    assert account.status_code == 201, account.content
    assert account.json()["version"] == 1
    criterion = executive_api.post(
        "/api/v1/criteria/", {"name": "Reach", "weight": "2.00", "version": 3}, format="json"
    )
    assert criterion.status_code == 201, criterion.content
    assert criterion.json()["version"] == 1


def test_deciding_a_request_its_account_outgrew_or_a_decided_one_is_a_conflict(
    executive_api: Any, owner: Any, account: Any
) -> None:
    stale = DesignationRequest.objects.create(
        account=account,
        from_designation="pilot",
        to_designation="exit",
        reason="Drains value",
        requested_by=owner,
    )
    response = executive_api.post(
        f"/api/v1/designation-requests/{stale.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 409, response.content
    assert "decline it and ask again" in response.json()["designation"][0]
    declined = executive_api.post(
        f"/api/v1/designation-requests/{stale.pk}/decline/", {"comment": "Moved on"}, format="json"
    )
    assert declined.status_code == 200, declined.content
    again = executive_api.post(
        f"/api/v1/designation-requests/{stale.pk}/decline/", {"comment": "Twice"}, format="json"
    )
    assert again.status_code == 409, again.content
    assert again.json() == {"status": ["This request has already been decided."]}


def test_the_schema_documents_these_answers(owner_api: Any) -> None:
    schema = owner_api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "409" in paths["/api/v1/accounts/{account_pk}/team/"]["post"]["responses"]
    for decision in ("approve", "decline"):
        operation = paths[f"/api/v1/designation-requests/{{id}}/{decision}/"]["post"]
        assert "409" in operation["responses"]
    parameters = {p["name"]: p["schema"] for p in paths["/api/v1/dashboard/"]["get"]["parameters"]}
    assert parameters["segment"]["enum"] == ["", "invest", "develop", "maintain", "reassess"]
    assert "" in parameters["designation"]["enum"]
    assert "exit" in parameters["designation"]["enum"]
    assert parameters["owner"]["maxLength"] == 150
    components = schema["components"]["schemas"]
    assert components["DesignationDeclineRequest"]["required"] == ["comment"]
    for name in ("AccountPlanCreateRequest", "AccountPlanEditRequest", "PlanActionRequest"):
        assert components[name]["additionalProperties"] is False, name


@pytest.mark.parametrize("goal", [{"text": [None, None]}, {"text": "Safer site", "metric": 3}])
def test_a_goal_whose_text_or_metric_is_not_a_text_is_refused(
    owner_api: Any, account: Any, goal: dict[str, Any]
) -> None:
    """`{"text": [null, null]}` was stored as the goal "[None, None]"."""
    response = owner_api.post(
        "/api/v1/contacts/",
        {"account": account.pk, "name": "Lee Park", "goals": [goal]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "must be a text" in str(response.json()["goals"])


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("assessments", {"kind": "survey", "date": "2026-05-01", "score": "7.0"}),
        ("complaints", {"category": "delivery", "severity": "low", "opened_on": "2026-05-01"}),
        ("events", {"kind": "other", "date": "2026-05-01"}),
    ],
)
def test_a_version_in_an_account_record_create_body_is_no_error(
    owner_api: Any, account: Any, resource: str, body: dict[str, Any]
) -> None:
    """POST assessments/ with the `version` its body documents answered 500."""
    response = owner_api.post(
        f"/api/v1/{resource}/", {**body, "account": account.pk, "version": 4}, format="json"
    )
    assert response.status_code == 201, response.content


def test_a_page_or_page_size_sent_twice_is_refused(owner_api: Any, account: Any) -> None:
    """DRF read the last of `?page=1&page=…` (make fuzz: an invalid request accepted)."""
    for query in ("page=1&page=2", "page_size=5&page_size=6"):
        response = owner_api.get(f"/api/v1/accounts/?{query}")
        assert response.status_code == 400, response.content
        assert response.json() == {query.split("=")[0]: ["Give it once."]}
    assert owner_api.get("/api/v1/accounts/?page=1&page_size=5").status_code == 200


def test_returning_a_plan_needs_a_comment_in_the_schema_too(
    owner_api: Any, executive_api: Any, account: Any
) -> None:
    schema = owner_api.get("/api/schema/", {"format": "json"}).json()
    comment = schema["components"]["schemas"]["PlanReturnRequest"]["properties"]["comment"]
    assert comment["minLength"] == 1


def test_a_goal_is_one_line_of_text_in_the_schema_too(owner_api: Any) -> None:
    """The goals' schema took any string, so a control character was drawn as valid."""
    schema = owner_api.get("/api/schema/", {"format": "json"}).json()
    goals = schema["components"]["schemas"]["ContactRequest"]["properties"]["goals"]
    text, mapping = goals["items"]["oneOf"]
    assert text["maxLength"] == 300
    assert "\\u0000-\\u001f" in text["pattern"]
    assert mapping["properties"]["text"] == text
