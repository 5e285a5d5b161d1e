"""`assessments/`, `complaints/`, `events/`: role matrix, bad input, filters, query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import AccountEvent, Assessment, Complaint
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

READ = [
    ("owner", "owner_api", 200),
    ("team member", "team_member_api", 200),
    ("unrelated manager", "other_manager_api", 404),
    ("executive", "executive_api", 200),
    ("ops", "ops_api", 200),
    ("anonymous", "anonymous_api", 401),
]

PAYLOADS = {
    "assessments": {
        "kind": "business_review",
        "date": "2027-03-01",
        "score": "7.5",
        "notes": "QBR",
        "dimensions": [
            {"name": "Service quality", "expectation": "9.0", "performance": "7.0"},
            {"name": "Relationship quality", "expectation": "8.0", "performance": "8.5"},
        ],
    },
    "complaints": {
        "category": "Delivery",
        "severity": "high",
        "opened_on": "2027-03-01",
        "resolved_on": None,
        "description": "Two late trucks",
    },
    "events": {"kind": "competitor_evaluation", "date": "2027-03-01", "notes": "Rival trial"},
}
MODELS = {"assessments": Assessment, "complaints": Complaint, "events": AccountEvent}


def _make(resource: str, account: Any) -> Any:
    if resource == "assessments":
        return Assessment.objects.create(
            account=account, kind="survey", date=date(2027, 1, 1), score=Decimal("8")
        )
    if resource == "complaints":
        return Complaint.objects.create(
            account=account, category="billing", severity="low", opened_on=date(2027, 1, 1)
        )
    return AccountEvent.objects.create(account=account, kind="rfp_issued", date=date(2027, 1, 1))


@pytest.mark.parametrize("resource", ["assessments", "complaints", "events"])
@pytest.mark.parametrize(("_case", "client_name", "status"), READ)
def test_read_access(
    request: Any, account: Any, resource: str, _case: str, client_name: str, status: int
) -> None:
    record = _make(resource, account)
    client = request.getfixturevalue(client_name)
    response = client.get(f"/api/v1/{resource}/{record.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["account"] == account.pk
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 1
    if status == 404:
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 0


# Complaints and events: owner and team; assessments: the owner only.
WRITE = {
    "assessments": {"owner_api": 201, "team_member_api": 403},
    "complaints": {"owner_api": 201, "team_member_api": 201},
    "events": {"owner_api": 201, "team_member_api": 201},
}


@pytest.mark.parametrize("resource", ["assessments", "complaints", "events"])
@pytest.mark.parametrize(
    "client_name",
    [
        "owner_api",
        "team_member_api",
        "other_manager_api",
        "executive_api",
        "ops_api",
        "anonymous_api",
    ],
)
def test_create_access(request: Any, account: Any, resource: str, client_name: str) -> None:
    expected = WRITE[resource].get(
        client_name,
        {"other_manager_api": 404, "anonymous_api": 401}.get(client_name, 403),
    )
    response = request.getfixturevalue(client_name).post(
        f"/api/v1/{resource}/", {**PAYLOADS[resource], "account": account.pk}, format="json"
    )
    assert response.status_code == expected
    assert MODELS[resource].objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("resource", ["assessments", "complaints", "events"])
@pytest.mark.parametrize(
    "client_name", ["owner_api", "team_member_api", "other_manager_api", "executive_api"]
)
def test_delete_access(request: Any, account: Any, resource: str, client_name: str) -> None:
    record = _make(resource, account)
    # A team member deletes what they logged (tests/kam/test_write_rules.py: not others').
    MODELS[resource].objects.filter(pk=record.pk).update(
        created_by=request.getfixturevalue("team_member")
    )
    expected = {201: 204}.get(
        WRITE[resource].get(client_name, {"other_manager_api": 404}.get(client_name, 403)),
        WRITE[resource].get(client_name, {"other_manager_api": 404}.get(client_name, 403)),
    )
    response = request.getfixturevalue(client_name).delete(f"/api/v1/{resource}/{record.pk}/")
    assert response.status_code == expected
    assert MODELS[resource].objects.filter(pk=record.pk).exists() == (expected != 204)


def test_assessment_created_with_dimensions(owner_api: Any, account: Any) -> None:
    response = owner_api.post(
        "/api/v1/assessments/", {**PAYLOADS["assessments"], "account": account.pk}, format="json"
    )
    assert response.status_code == 201
    assert [(d["name"], d["gap"]) for d in response.json()["dimensions"]] == [
        ("Service quality", "-2.0"),
        ("Relationship quality", "0.5"),
    ]


def test_complaint_resolved_by_team_member(
    team_member_api: Any, team_member: Any, account: Any
) -> None:
    complaint = _make("complaints", account)
    Complaint.objects.filter(pk=complaint.pk).update(created_by=team_member)
    response = team_member_api.patch(
        f"/api/v1/complaints/{complaint.pk}/", {"resolved_on": "2027-01-10"}, format="json"
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.resolved_on == date(2027, 1, 10)


@pytest.mark.parametrize(
    ("_case", "resource", "change", "field", "message"),
    [
        ("score 11", "assessments", {"score": "11"}, "score", "between 0 and 10"),
        ("score -1", "assessments", {"score": "-1"}, "score", "between 0 and 10"),
        (
            "dimension above 10",
            "assessments",
            {"dimensions": [{"name": "Service quality", "expectation": "12", "performance": "5"}]},
            "dimensions",
            "expectation must be between 0 and 10",
        ),
        ("unknown kind", "assessments", {"kind": "gossip"}, "kind", "not an assessment kind"),
        (
            "resolved before opened",
            "complaints",
            {"resolved_on": "2027-02-01"},
            "resolved_on",
            "before the opened date 2027-03-01",
        ),
        ("unknown severity", "complaints", {"severity": "dire"}, "severity", "not a severity"),
        ("blank category", "complaints", {"category": " "}, "category", "category"),
        ("unknown event kind", "events", {"kind": "merger"}, "kind", "not an event kind"),
    ],
)
def test_bad_input_writes_nothing(
    owner_api: Any,
    account: Any,
    _case: str,
    resource: str,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = owner_api.post(
        f"/api/v1/{resource}/",
        {**PAYLOADS[resource], "account": account.pk, **change},
        format="json",
    )
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert MODELS[resource].objects.count() == 0


def test_filters(owner_api: Any, account: Any) -> None:
    for day, kind in ((1, "rfp_issued"), (15, "litigation"), (28, "rfp_issued")):
        AccountEvent.objects.create(account=account, kind=kind, date=date(2027, 2, day))
    AccountEvent.objects.create(
        account=AccountFactory(owner=account.owner), kind="other", date=date(2027, 2, 2)
    )
    assert owner_api.get(f"/api/v1/events/?account={account.pk}").json()["count"] == 3
    assert owner_api.get("/api/v1/events/?kind=rfp_issued").json()["count"] == 2
    assert (
        owner_api.get("/api/v1/events/?date_from=2027-02-10&date_to=2027-02-20").json()["count"]
        == 1
    )
    Complaint.objects.create(
        account=account,
        category="billing",
        severity="low",
        opened_on=date(2027, 1, 1),
        resolved_on=date(2027, 1, 2),
    )
    Complaint.objects.create(
        account=account, category="billing", severity="high", opened_on=date(2027, 1, 3)
    )
    assert owner_api.get("/api/v1/complaints/?is_open=true").json()["count"] == 1
    assert owner_api.get("/api/v1/complaints/?severity=high").json()["count"] == 1


@pytest.mark.parametrize("size", [3, 12])
def test_assessment_list_queries(
    owner: Any, owner_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        assessment = Assessment.objects.create(
            account=AccountFactory(owner=owner),
            kind="survey",
            date=date(2027, 1, 1 + index),
            score=Decimal("7"),
        )
        assessment.dimensions.create(name="Service quality", expectation=8, performance=7)
    # user's groups (role), COUNT, page of assessments with account and author, dimensions
    with django_assert_num_queries(4):
        response = owner_api.get("/api/v1/assessments/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [3, 12])
def test_complaint_list_queries(
    owner: Any, owner_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        Complaint.objects.create(
            account=AccountFactory(owner=owner),
            category="billing",
            severity="low",
            opened_on=date(2027, 1, 1 + index),
        )
    # user's groups (role), COUNT, page of complaints with account and author
    with django_assert_num_queries(3):
        response = owner_api.get("/api/v1/complaints/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [3, 12])
def test_event_list_queries(
    owner: Any, owner_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        AccountEvent.objects.create(
            account=AccountFactory(owner=owner), kind="rfp_issued", date=date(2027, 1, 1 + index)
        )
    # user's groups (role), COUNT, page of events with account and author
    with django_assert_num_queries(3):
        response = owner_api.get("/api/v1/events/")
    assert response.json()["count"] == size
