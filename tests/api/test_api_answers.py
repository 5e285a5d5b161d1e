"""How the API answers what the fuzzer (make fuzz) found answered wrongly: HTML where JSON is
due, 400 to a valid filter, 400 to a DELETE that only the object's state refuses."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountPlan
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory
from tests.valuation.factories import ServiceActivityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/activities/0.5/", "/api/v1/accounts/null,null/team/", "/api/v1/no-such-thing/"],
)
def test_an_api_address_no_endpoint_matches_answers_json_404(owner_api: Any, path: str) -> None:
    response = owner_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_address_nothing_matches_keeps_the_html_404(owner_client: Any) -> None:
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/plans/", "/api/v1/events/", "/api/v1/complaints/"])
def test_filtering_by_an_account_id_that_does_not_exist_is_an_empty_list(
    owner_api: Any, account: Any, path: str
) -> None:
    """django-filter's ModelChoiceFilter answered 400 "Select a valid choice"."""
    response = owner_api.get(path, {"account": 0})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0
    assert owner_api.get(path, {"account": "x"}).status_code == 400


def test_filtering_plans_by_account_id_keeps_working(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    other = plan_with_content(AccountFactory(owner=account.owner))
    ids = [
        row["id"]
        for row in owner_api.get("/api/v1/plans/", {"account": account.pk}).json()["results"]
    ]
    assert ids == [plan.pk]
    assert other.pk not in ids


def test_deleting_a_plan_past_draft_is_a_conflict(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    AccountPlan.objects.filter(pk=plan.pk).update(status="submitted")
    response = owner_api.delete(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == 409, response.content
    assert "draft" in str(response.json())
    assert AccountPlan.objects.filter(pk=plan.pk).exists()


def test_deleting_an_activity_type_in_use_is_a_conflict(ops_api: Any, account: Any) -> None:
    activity = ServiceActivityFactory(account=account)
    response = ops_api.delete(f"/api/v1/activity-types/{activity.activity_type.code}/")
    assert response.status_code == 409, response.content
    assert type(activity.activity_type).objects.filter(pk=activity.activity_type.pk).exists()
