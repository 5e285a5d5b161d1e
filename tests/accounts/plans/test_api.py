"""`plans/` API: role matrix, workflow actions, the optimistic lock (409/412), bad input,
history and query counts."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountPlan, PlanStatus
from tests.accounts.plans.factories import (
    AccountPlanFactory,
    PlanActionFactory,
    plan_with_content,
)
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PLAN = {
    "period": "2027",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "situation": "Two plants served.",
    "strategy": "Win the east plant.",
    "objectives": [{"metric": "Share of wallet (%)", "target": "45.00", "current": "30.00"}],
    "actions": [{"title": "Site visit", "owner": "alice", "due": "2027-02-01"}],
}


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("team member", "team_member_api", 200),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 200),
        ("ops", "ops_api", 200),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_plan_read_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    plan = plan_with_content(account)
    client = request.getfixturevalue(client_name)
    response = client.get(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == status
    listed = client.get("/api/v1/plans/")
    if status == 200:
        body = response.json()
        assert (body["account"], body["period"], body["status"], body["version"]) == (
            account.pk,
            "2027",
            "draft",
            1,
        )
        assert body["objectives"][0]["metric"] == "Share of wallet (%)"
        assert body["actions"][0]["owner"] == "alice"
        assert response["ETag"] == '"1"'
        assert listed.json()["count"] == 1
    elif status == 404:
        assert listed.json()["count"] == 0


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 201),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_plan_create_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/plans/", {**NEW_PLAN, "account": account.pk}, format="json"
    )
    assert response.status_code == status
    assert AccountPlan.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["objectives"][0]["target"] == "45.00"
        assert response.json()["actions"][0]["status"] == "open"


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
    ],
)
def test_plan_update_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    plan = plan_with_content(account)
    response = request.getfixturevalue(client_name).patch(
        f"/api/v1/plans/{plan.pk}/", {"strategy": "Changed", "version": 1}, format="json"
    )
    assert response.status_code == status
    plan.refresh_from_db()
    assert plan.strategy == (
        "Changed" if status == 200 else "Win the east plant through the service contract."
    )
    assert plan.version == (2 if status == 200 else 1)


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 204),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
    ],
)
def test_plan_delete_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    plan = plan_with_content(account)
    response = request.getfixturevalue(client_name).delete(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == status
    assert AccountPlan.objects.filter(pk=plan.pk).exists() == (status != 204)


WORKFLOW = [
    # (action, starting status, client, expected http status, resulting status); a plan in
    # the wrong state for the action is a conflict (409)
    ("submit", "draft", "owner_api", 200, "submitted"),
    ("submit", "draft", "team_member_api", 403, "draft"),
    ("submit", "draft", "executive_api", 403, "draft"),
    ("submit", "draft", "other_manager_api", 404, "draft"),
    ("submit", "submitted", "owner_api", 409, "submitted"),
    ("approve", "submitted", "executive_api", 200, "approved"),
    ("approve", "submitted", "owner_api", 403, "submitted"),
    ("approve", "submitted", "team_member_api", 403, "submitted"),
    ("approve", "submitted", "ops_api", 403, "submitted"),
    ("approve", "draft", "executive_api", 409, "draft"),
    ("return", "submitted", "executive_api", 200, "draft"),
    ("return", "submitted", "owner_api", 403, "submitted"),
    ("return", "submitted", "ops_api", 403, "submitted"),
    ("return", "approved", "executive_api", 409, "approved"),
]


@pytest.mark.parametrize(("verb", "start", "client_name", "status", "result"), WORKFLOW)
def test_plan_workflow_by_role(
    request: Any,
    account: Any,
    verb: str,
    start: str,
    client_name: str,
    status: int,
    result: str,
) -> None:
    plan = plan_with_content(account, status=start)
    response = request.getfixturevalue(client_name).post(
        f"/api/v1/plans/{plan.pk}/{verb}/",
        {"comment": "Sharpen the targets."} if verb == "return" else {},
        format="json",
    )
    assert response.status_code == status
    plan.refresh_from_db()
    assert plan.status == result
    assert plan.return_comment == (
        "Sharpen the targets." if verb == "return" and status == 200 else ""
    )


def test_api_refuses_approving_own_plan(db: Any) -> None:
    from rest_framework.test import APIClient

    boss = UserFactory(username="boss", roles=["executive", "account_manager"])
    plan = plan_with_content(AccountFactory(owner=boss), status=PlanStatus.SUBMITTED)
    client = APIClient()
    client.force_authenticate(boss)
    response = client.post(f"/api/v1/plans/{plan.pk}/approve/", {}, format="json")
    assert response.status_code == 400
    assert "cannot approve your own plan" in response.json()["non_field_errors"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_return_without_comment_is_refused(executive_api: Any, account: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = executive_api.post(
        f"/api/v1/plans/{plan.pk}/return/", {"comment": ""}, format="json"
    )
    assert response.status_code == 400
    assert "rework" in response.json()["comment"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_stale_version_in_body_answers_409_with_the_changes(owner_api: Any, account: Any) -> None:
    # given the plan was saved once already (version 2)
    plan = plan_with_content(account)
    first = owner_api.patch(
        f"/api/v1/plans/{plan.pk}/", {"strategy": "Bundle service.", "version": 1}, format="json"
    )
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    # when another save still names version 1
    response = owner_api.patch(
        f"/api/v1/plans/{plan.pk}/", {"vision": "Sole supplier.", "version": 1}, format="json"
    )
    # then it is refused with what changed since and the current plan
    assert response.status_code == 409
    body = response.json()
    assert "it is now version 2" in body["detail"]
    assert body["current_version"] == 2
    assert body["current"]["strategy"] == "Bundle service."
    assert [
        (change["label"], change["new"]) for entry in body["changes"] for change in entry["changes"]
    ] == [("2 · Strategy", "Bundle service.")]
    plan.refresh_from_db()
    assert (plan.vision, plan.version) == ("Preferred supplier for every plant.", 2)


def test_stale_if_match_answers_412(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    etag = owner_api.get(f"/api/v1/plans/{plan.pk}/")["ETag"]
    assert (
        owner_api.patch(
            f"/api/v1/plans/{plan.pk}/", {"strategy": "A"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    response = owner_api.patch(
        f"/api/v1/plans/{plan.pk}/", {"strategy": "B"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    plan.refresh_from_db()
    assert plan.strategy == "A"


def test_update_without_version_is_refused(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    response = owner_api.patch(f"/api/v1/plans/{plan.pk}/", {"strategy": "X"}, format="json")
    assert response.status_code == 400
    assert "Send the version you edited" in response.json()["version"][0]
    plan.refresh_from_db()
    assert plan.version == 1


def test_put_replaces_objectives_and_actions(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    body = owner_api.get(f"/api/v1/plans/{plan.pk}/").json()
    body["objectives"] = [{"metric": "Revenue", "target": "1000000.00", "current": None}]
    body["actions"][0]["status"] = "done"
    body["actions"].append({"title": "Exec visit", "owner": "tom", "due": "2027-05-01"})
    response = owner_api.put(f"/api/v1/plans/{plan.pk}/", body, format="json")
    assert response.status_code == 200
    result = response.json()
    assert [o["metric"] for o in result["objectives"]] == ["Revenue"]
    assert [(a["title"], a["owner"], a["status"]) for a in result["actions"]] == [
        ("Quarterly business review", "alice", "done"),
        ("Exec visit", "tom", "open"),
    ]
    assert result["version"] == 2


@pytest.mark.parametrize(
    ("_case", "change", "field", "message"),
    [
        (
            "due before period",
            {"actions": [{"title": "Early", "owner": "alice", "due": "2026-12-01"}]},
            "actions",
            "before the plan period",
        ),
        (
            "unknown action owner",
            {"actions": [{"title": "X", "owner": "zed", "due": "2027-02-01"}]},
            "actions",
            "No active user is called zed",
        ),
        (
            "period reversed",
            {"period_end": "2026-01-01"},
            "period_end",
            "must end on or after",
        ),
        (
            "bad action status",
            {"actions": [{"title": "X", "owner": "alice", "due": "2027-02-01", "status": "later"}]},
            "actions",
            "not a status",
        ),
    ],
)
def test_api_refuses_bad_plan(
    owner_api: Any, account: Any, _case: str, change: dict[str, Any], field: str, message: str
) -> None:
    response = owner_api.post(
        "/api/v1/plans/", {**NEW_PLAN, "account": account.pk, **change}, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not AccountPlan.objects.exists()


def test_history_endpoint(owner_api: Any, team_member_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    owner_api.patch(f"/api/v1/plans/{plan.pk}/", {"strategy": "New", "version": 1}, format="json")
    response = team_member_api.get(f"/api/v1/plans/{plan.pk}/history/")
    assert response.status_code == 200
    latest = response.json()[0]
    assert (latest["who"], latest["subject"], latest["kind"]) == ("alice", "Plan", "changed")
    assert latest["changes"][0]["new"] == "New"


def test_filters(owner_api: Any, account: Any) -> None:
    AccountPlanFactory(
        account=account,
        period="2026",
        period_start="2026-01-01",
        period_end="2026-12-31",
        status=PlanStatus.APPROVED,
    )
    AccountPlanFactory(account=account, period="2027")
    assert owner_api.get("/api/v1/plans/?status=approved").json()["count"] == 1
    assert owner_api.get(f"/api/v1/plans/?account={account.pk}").json()["count"] == 2
    assert (
        owner_api.get("/api/v1/plans/?date_from=2027-03-01").json()["results"][0]["period"]
        == "2027"
    )
    assert owner_api.get("/api/v1/plans/?date_to=2026-06-30").json()["count"] == 1


@pytest.mark.parametrize("size", [3, 12])
def test_plan_list_queries(
    owner: Any, owner_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        plan = plan_with_content(AccountFactory(owner=owner), period=f"{2020 + index}")
        PlanActionFactory(plan=plan)
    # user's groups (role), COUNT, page of plans with account/owner/submitter/reviewer,
    # objectives of the page, actions of the page with their owners
    with django_assert_num_queries(5):
        response = owner_api.get("/api/v1/plans/")
    assert response.json()["count"] == size


@pytest.mark.parametrize(
    ("verb", "body", "unknown"),
    [
        ("submit", {"comment": "Ready."}, "comment"),
        ("approve", {"comment": "Looks fine.", "note": "Call me."}, "note"),
        ("return", {"comment": "Sharpen the targets.", "note": "Call me."}, "note"),
    ],
)
def test_a_transition_refuses_a_field_it_does_not_take(
    owner_api: Any, executive_api: Any, account: Any, verb: str, body: dict[str, str], unknown: str
) -> None:
    """A comment sent with a submit was dropped without a word; now it answers 400 and the plan
    stays where it was (an approval and a return take a comment, nothing else)."""
    start = PlanStatus.DRAFT if verb == "submit" else PlanStatus.SUBMITTED
    plan = plan_with_content(account, status=start)
    client = owner_api if verb == "submit" else executive_api
    response = client.post(f"/api/v1/plans/{plan.pk}/{verb}/", body, format="json")
    assert response.status_code == 400
    assert response.json()[unknown] == ["Unknown field: this body has no such field."]
    plan.refresh_from_db()
    assert plan.status == start


def test_api_approval_takes_an_optional_comment(executive_api: Any, account: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = executive_api.post(
        f"/api/v1/plans/{plan.pk}/approve/",
        {"comment": "  Approved; revisit in Q3.  ", "version": plan.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["approval_comment"] == "Approved; revisit in Q3."
    plan.refresh_from_db()
    assert (plan.status, plan.approval_comment) == (PlanStatus.APPROVED, "Approved; revisit in Q3.")
