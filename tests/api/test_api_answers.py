"""How the API answers what the fuzzer (make fuzz) found answered wrongly: HTML where JSON is
due, 400 to a valid filter, 400 to a DELETE that only the object's state refuses."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountPlan
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory
from tests.valuation.factories import RevenueRecordFactory, ServiceActivityFactory

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


@pytest.mark.parametrize("page_size", ["null", "0", "-3", "501", "2.5", ""])
def test_a_page_size_that_is_not_1_to_500_is_refused(owner_api: Any, page_size: str) -> None:
    """DRF quietly answered a page of 50 to any page size it could not read."""
    response = owner_api.get("/api/v1/accounts/", {"page_size": page_size})
    assert response.status_code == 400, response.content
    assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}


def test_a_page_size_from_1_to_500_pages(owner_api: Any, account: Any) -> None:
    AccountFactory(owner=account.owner)
    body = owner_api.get("/api/v1/accounts/", {"page_size": "1"}).json()
    assert (body["count"], len(body["results"])) == (2, 1)
    assert owner_api.get("/api/v1/accounts/", {"page_size": "500"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/value-entries/", {"customer_confirmed": "yes"}),
        ("/api/v1/value-entries/", {"date_to": ""}),
        ("/api/v1/competency-assessments/", {"assessed_on": ""}),
        ("/api/v1/accounts/", {"designation": ""}),
        ("/api/v1/interactions/", {"date_after": ""}),
    ],
)
def test_a_typed_filter_sent_empty_or_unreadable_is_refused(
    owner_api: Any, account: Any, path: str, query: dict[str, str]
) -> None:
    """django-filter ignored these, so a typo listed everything."""
    response = owner_api.get(path, query)
    assert response.status_code == 400, response.content


def test_boolean_and_text_filters_still_filter(owner_api: Any, account: Any) -> None:
    assert (
        owner_api.get("/api/v1/value-entries/", {"customer_confirmed": "true"}).status_code == 200
    )
    assert owner_api.get("/api/v1/value-entries/", {"customer_confirmed": "0"}).status_code == 200
    # Free text sent empty is no filter, as before.
    listing = owner_api.get("/api/v1/accounts/", {"owner": "", "industry": ""})
    assert listing.status_code == 200
    assert listing.json()["count"] == 1


def test_coverage_gaps_as_of_sent_empty_is_refused(owner_api: Any, account: Any) -> None:
    response = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/", {"as_of": ""})
    assert response.status_code == 400
    assert "is not a date" in response.json()["as_of"][0]
    assert owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/").status_code == 200


def test_a_plan_past_draft_refuses_edits_and_a_second_submit_as_a_conflict(
    owner_api: Any, account: Any
) -> None:
    plan = plan_with_content(account, status="submitted")
    edit = owner_api.patch(
        f"/api/v1/plans/{plan.pk}/", {"strategy": "Changed", "version": plan.version}, format="json"
    )
    assert edit.status_code == 409, edit.content
    assert "draft" in edit.json()["status"][0]
    again = owner_api.post(
        f"/api/v1/plans/{plan.pk}/submit/", {"version": plan.version}, format="json"
    )
    assert again.status_code == 409, again.content
    plan.refresh_from_db()
    assert plan.strategy == "Win the east plant through the service contract."


def test_a_record_asked_to_move_to_another_account_is_a_conflict(
    ops_api: Any, account: Any
) -> None:
    record = RevenueRecordFactory(account=account)
    other = AccountFactory(owner=account.owner)
    response = ops_api.patch(f"/api/v1/revenue/{record.pk}/", {"account": other.pk}, format="json")
    assert response.status_code == 409, response.content
    assert response.json() == {"account": ["A record cannot move to another account."]}
    record.refresh_from_db()
    assert record.account_id == account.pk


def test_a_body_naming_a_field_the_endpoint_does_not_have_is_refused(
    owner_api: Any, account: Any
) -> None:
    """DRF dropped unknown fields silently: a misspelt `nmae` was a change that never happened."""
    response = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"nmae": "Renamed"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"nmae": ["Unknown field: this body has no such field."]}
    account.refresh_from_db()
    assert account.name == "Northwind Foods"


def test_read_only_fields_sent_back_as_a_get_gave_them_are_ignored(
    owner_api: Any, account: Any
) -> None:
    body = owner_api.get(f"/api/v1/accounts/{account.pk}/").json()
    body["name"] = "Northwind Foods Ltd"
    response = owner_api.put(f"/api/v1/accounts/{account.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Northwind Foods Ltd"


def test_a_team_member_changed_into_another_person_is_a_conflict(
    owner_api: Any, account: Any
) -> None:
    response = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/team/tom/", {"user": "alice"}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json() == {"user": ["To change the person, remove them and add another."]}
    assert account.team_members.filter(user__username="tom").exists()
