"""Selection-governance endpoints: criteria, scores, designation requests, review meetings."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import (
    CriterionScore,
    DesignationRequest,
    QualifyingAnswers,
    ReviewMeeting,
    SelectionCriterion,
)
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 201),
        ("owner", "owner_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_criteria_create_access(
    request: Any, db: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/criteria/", {"name": "Fit", "weight": "2.5"}, format="json"
    )
    assert response.status_code == status
    assert SelectionCriterion.objects.count() == (1 if status == 201 else 0)


def test_criteria_readable_by_managers(owner_api: Any) -> None:
    SelectionCriterion.objects.create(name="Fit", weight=2)
    assert owner_api.get("/api/v1/criteria/").json()["results"][0]["name"] == "Fit"


@pytest.mark.parametrize("weight", ["0", "-2"])
def test_criterion_weight_must_be_positive(executive_api: Any, weight: str) -> None:
    response = executive_api.post(
        "/api/v1/criteria/", {"name": "Fit", "weight": weight}, format="json"
    )
    assert response.status_code == 400
    assert "greater than 0" in response.json()["weight"][0]
    assert not SelectionCriterion.objects.exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 201),
        ("executive", "executive_api", 201),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("ops", "ops_api", 403),
    ],
)
def test_score_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    criterion = SelectionCriterion.objects.create(name="Fit", weight=2)
    response = request.getfixturevalue(client_name).post(
        "/api/v1/criterion-scores/",
        {"account": account.pk, "criterion": criterion.pk, "score": 4, "rationale": "Good fit"},
        format="json",
    )
    assert response.status_code == status
    assert CriterionScore.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("score", [0, 6])
def test_score_outside_1_5(owner_api: Any, account: Any, score: int) -> None:
    criterion = SelectionCriterion.objects.create(name="Fit", weight=2)
    response = owner_api.post(
        "/api/v1/criterion-scores/",
        {"account": account.pk, "criterion": criterion.pk, "score": score, "rationale": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "from 1 to 5" in response.json()["score"][0]
    assert not CriterionScore.objects.exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 201),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
    ],
)
def test_designation_request_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/designation-requests/",
        {"account": account.pk, "to_designation": "exit", "reason": "Value drainer"},
        format="json",
    )
    assert response.status_code == status
    assert DesignationRequest.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("_case", "client_name", "status", "designation"),
    [
        ("executive approves", "executive_api", 200, "pilot"),
        ("owner cannot", "owner_api", 403, "candidate"),
        ("ops cannot", "ops_api", 403, "candidate"),
        ("unrelated manager sees nothing", "other_manager_api", 404, "candidate"),
    ],
)
def test_designation_approve_access(
    request: Any,
    owner: Any,
    team_member: Any,
    _case: str,
    client_name: str,
    status: int,
    designation: str,
) -> None:
    account = AccountFactory(owner=owner, designation="candidate")
    pending = DesignationRequest.objects.create(
        account=account,
        from_designation="candidate",
        to_designation="pilot",
        reason="Fit",
        requested_by=owner,
    )
    response = request.getfixturevalue(client_name).post(
        f"/api/v1/designation-requests/{pending.pk}/approve/", {}, format="json"
    )
    assert response.status_code == status
    account.refresh_from_db()
    assert account.designation == designation


def test_pilot_warning_on_pending_request(owner_api: Any, owner: Any) -> None:
    AccountFactory.create_batch(3, designation="pilot")
    account = AccountFactory(owner=owner, designation="candidate")
    response = owner_api.post(
        "/api/v1/designation-requests/",
        {"account": account.pk, "to_designation": "pilot", "reason": "Good fit"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["pilot_warning"].startswith("4 accounts would be in pilot at once")


def test_decline_needs_comment(executive_api: Any, owner: Any, account: Any) -> None:
    pending = DesignationRequest.objects.create(
        account=account,
        from_designation="strategic",
        to_designation="exit",
        reason="x",
        requested_by=owner,
    )
    response = executive_api.post(
        f"/api/v1/designation-requests/{pending.pk}/decline/", {"comment": ""}, format="json"
    )
    assert response.status_code == 400
    assert "declined" in response.json()["comment"][0]
    pending.refresh_from_db()
    assert pending.status == "pending"


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 201),
        ("owner", "owner_api", 403),
        ("ops", "ops_api", 403),
    ],
)
def test_review_meeting_create_access(
    request: Any, account: Any, executive: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/review-meetings/",
        {
            "date": "2027-03-01",
            "attendees": ["erin", "alice"],
            "accounts": [account.pk],
            "decisions": "Approve the Northwind plan.",
        },
        format="json",
    )
    assert response.status_code == status
    assert ReviewMeeting.objects.count() == (1 if status == 201 else 0)


def test_review_meetings_visible_per_account(
    executive: Any, owner_api: Any, other_manager_api: Any, account: Any
) -> None:
    meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Go")
    meeting.accounts.set([account])
    meeting.attendees.set([executive])
    assert owner_api.get("/api/v1/review-meetings/").json()["count"] == 1
    assert other_manager_api.get("/api/v1/review-meetings/").json()["count"] == 0
    assert other_manager_api.get(f"/api/v1/review-meetings/{meeting.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 204),
        ("owner", "owner_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_review_meeting_delete_goes_through_the_service(
    request: Any, executive: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Go", created_by=executive)
    meeting.accounts.set([account])
    response = request.getfixturevalue(client_name).delete(f"/api/v1/review-meetings/{meeting.pk}/")
    assert response.status_code == status
    assert ReviewMeeting.objects.filter(pk=meeting.pk).exists() is (status != 204)
    if status == 204:  # the service wrote the history record, with who deleted it
        record = ReviewMeeting.history.filter(id=meeting.pk, history_type="-").get()
        assert record.history_user == executive


def test_review_meeting_delete_service_refuses_a_manager(owner: Any, executive: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from accounts.governance.services import review_meeting_delete

    meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Go", created_by=executive)
    with pytest.raises(PermissionDenied):
        review_meeting_delete(meeting=meeting, deleted_by=owner)
    assert ReviewMeeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize("size", [2, 8])
def test_governance_list_queries(
    owner: Any, executive: Any, executive_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    criterion = SelectionCriterion.objects.create(name="Fit", weight=2)
    for _index in range(size):
        account = AccountFactory(owner=owner, designation="candidate")
        CriterionScore.objects.create(
            account=account, criterion=criterion, score=3, rationale="x", scored_by=owner
        )
        DesignationRequest.objects.create(
            account=account,
            from_designation="candidate",
            to_designation="pilot",
            reason="x",
            requested_by=owner,
        )
        meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Go")
        meeting.accounts.set([account])
        meeting.attendees.set([executive, owner])
    # groups (role), COUNT, page of scores with criterion and scorer
    with django_assert_num_queries(3):
        assert executive_api.get("/api/v1/criterion-scores/").json()["count"] == size
    # COUNT, page of requests with account/owner/requester/decider, pilot count for the
    # warnings (the roles are cached on the user by the first call)
    with django_assert_num_queries(3):
        assert executive_api.get("/api/v1/designation-requests/").json()["count"] == size
    # COUNT, page of meetings, their attendees, their accounts
    with django_assert_num_queries(4):
        assert executive_api.get("/api/v1/review-meetings/").json()["count"] == size


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_api", 200),
        ("team_member_api", 200),
        ("other_manager_api", 404),
        ("executive_api", 200),
        ("ops_api", 200),
        ("anonymous_api", 401),
    ],
)
def test_selection_endpoint(
    request: Any, account: Any, owner: Any, client_name: str, status: int
) -> None:
    fit = SelectionCriterion.objects.create(name="Fit", weight=3)
    SelectionCriterion.objects.create(name="Size", weight=1)
    CriterionScore.objects.create(account=account, criterion=fit, score=4, rationale="Good")
    response = request.getfixturevalue(client_name).get(f"/api/v1/accounts/{account.pk}/selection/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["attractiveness"] == "75.0"  # 100·3·3 / (4·3)
        assert [(row["name"], row["score"]) for row in body["criteria"]] == [
            ("Fit", 4),
            ("Size", None),
        ]


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_api", 200),
        ("team_member_api", 403),
        ("other_manager_api", 404),
        ("executive_api", 403),
    ],
)
def test_qualifying_endpoint(request: Any, account: Any, client_name: str, status: int) -> None:
    client = request.getfixturevalue(client_name)
    response = client.put(
        f"/api/v1/accounts/{account.pk}/qualifying/",
        {"budget": "2 M a year", "reason_for_buying": "Consolidation"},
        format="json",
    )
    assert response.status_code == status
    if status == 200:
        assert client.get(f"/api/v1/accounts/{account.pk}/qualifying/").json()["budget"] == (
            "2 M a year"
        )
    else:
        assert not QualifyingAnswers.objects.exists()
