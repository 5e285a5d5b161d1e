"""Endpoints of key 4: manager-load/, competency-assessments/, pay-mix/ by role (wrong roles
too), validation with nothing written, and query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CompetencyAssessment, Designation, PayMix
from tests.accounts.people.conftest import make_assessment, make_pay_mix, scores
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db

LOAD = "/api/v1/manager-load/"
ASSESSMENTS = "/api/v1/competency-assessments/"
PAY = "/api/v1/pay-mix/"


@pytest.fixture
def nobody_api(db: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="norole"))
    return client


@pytest.mark.parametrize(
    ("_case", "client_name", "status", "managers"),
    [
        ("executive", "executive_api", 200, ["alice", "mallory"]),
        ("ops", "ops_api", 200, ["alice", "mallory"]),
        ("account manager", "owner_api", 200, ["alice"]),
        ("user without a role", "nobody_api", 403, None),
        ("anonymous", "anonymous_api", 401, None),
    ],
)
def test_manager_load_access(
    request: Any,
    owner: Any,
    other_manager: Any,
    _case: str,
    client_name: str,
    status: int,
    managers: list[str] | None,
) -> None:
    response = request.getfixturevalue(client_name).get(LOAD)
    assert response.status_code == status
    if managers is not None:
        assert sorted(row["manager"] for row in response.json()) == managers


def test_manager_load_figures(owner: Any, account: Any, executive_api: APIClient) -> None:
    AccountFactory.create_batch(13, owner=owner, designation=Designation.PILOT)
    ContactFactory.create_batch(2, account=account, primary_contact=owner)
    row = next(r for r in executive_api.get(LOAD).json() if r["manager"] == "alice")
    # the `account` fixture is strategic
    assert (row["strategic"], row["pilot"], row["key_accounts"], row["relationships"]) == (
        1,
        13,
        14,
        2,
    )
    assert row["is_overloaded"] is True
    assert row["warnings"][0].startswith("Owns 14 strategic and pilot accounts")


@pytest.mark.parametrize("managers", [2, 20])
def test_manager_load_queries(
    executive_api: APIClient, managers: int, django_assert_num_queries: Any
) -> None:
    for index in range(managers):
        manager = UserFactory(username=f"m{index}", roles=["account_manager"])
        account = AccountFactory(owner=manager)
        ContactFactory.create_batch(2, account=account, primary_contact=manager)
    # user's groups (role check), managers with their counts
    with django_assert_num_queries(2):
        response = executive_api.get(LOAD)
    assert len(response.json()) == managers


# --- competency-assessments/ ------------------------------------------------------------


def _payload(manager: str = "alice", **changes: Any) -> dict[str, Any]:
    return {"manager": manager, "assessed_on": "2026-02-01", "notes": "API", **scores(4), **changes}


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 201),
        ("the manager", "owner_api", 403),
        ("another manager", "other_manager_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_competency_create_access(
    request: Any, owner: Any, other_manager: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(ASSESSMENTS, _payload(), format="json")
    assert response.status_code == status
    assert CompetencyAssessment.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["assessed_by"] == "erin"
        assert response.json()["capability_average"] == 4.0


@pytest.mark.parametrize(
    ("_case", "client_name", "visible"),
    [
        ("executive", "executive_api", ["alice", "mallory"]),
        ("the manager", "owner_api", ["alice"]),
        ("another manager", "other_manager_api", ["mallory"]),
        ("ops", "ops_api", []),
    ],
)
def test_competency_list_visibility(
    request: Any,
    owner: Any,
    other_manager: Any,
    executive: Any,
    _case: str,
    client_name: str,
    visible: list[str],
) -> None:
    make_assessment(owner, executive, date(2026, 1, 1))
    make_assessment(other_manager, executive, date(2026, 1, 1))
    response = request.getfixturevalue(client_name).get(ASSESSMENTS)
    assert response.status_code == 200
    assert sorted(row["manager"] for row in response.json()["results"]) == visible


def test_someone_elses_assessment_is_404(
    owner: Any, executive: Any, other_manager_api: APIClient, owner_api: APIClient
) -> None:
    assessment = make_assessment(owner, executive, date(2026, 1, 1))
    assert other_manager_api.get(f"{ASSESSMENTS}{assessment.pk}/").status_code == 404
    assert owner_api.get(f"{ASSESSMENTS}{assessment.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("_case", "payload", "field", "message"),
    [
        ("score 6", _payload(initiative=6), "initiative", "less than or equal to 5"),
        ("score 0", _payload(leadership=0), "leadership", "greater than or equal to 1"),
        ("future", {"assessed_on": "FUTURE"}, "assessed_on", "is in the future"),
        ("not a manager", _payload(manager="olga"), "manager", "is not an account manager"),
        ("unknown user", _payload(manager="ghost"), "manager", "does not exist"),
    ],
)
def test_competency_create_validation_writes_nothing(
    owner: Any,
    ops: Any,
    executive_api: APIClient,
    _case: str,
    payload: dict[str, Any],
    field: str,
    message: str,
) -> None:
    if payload.get("assessed_on") == "FUTURE":
        payload = _payload(assessed_on=(timezone.localdate() + timedelta(days=1)).isoformat())
    response = executive_api.post(ASSESSMENTS, payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not CompetencyAssessment.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_competency_list_queries(
    owner: Any, executive: Any, executive_api: APIClient, count: int, django_assert_num_queries: Any
) -> None:
    for index in range(count):
        make_assessment(owner, executive, date(2024, 1, 1) + timedelta(days=index))
    # user's groups (role check), COUNT, page of assessments with manager and assessor
    with django_assert_num_queries(3):
        response = executive_api.get(ASSESSMENTS)
    assert response.json()["count"] == count


# --- pay-mix/ -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 200),
        ("account manager", "owner_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_pay_mix_read_access(
    request: Any, owner: Any, executive: Any, _case: str, client_name: str, status: int
) -> None:
    pay_mix = make_pay_mix(owner, executive, date(2025, 1, 1), "84000", "36000")
    client = request.getfixturevalue(client_name)
    listing = client.get(PAY)
    detail = client.get(f"{PAY}{pay_mix.pk}/")
    assert (listing.status_code, detail.status_code) == (status, status)
    if status == 200:
        row = listing.json()["results"][0]
        assert (row["manager"], row["salary_percent"], row["status"]) == (
            "alice",
            "70.0",
            "out_of_range",
        )
    else:
        assert "84000" not in listing.content.decode()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_api", 201),
        ("account manager", "owner_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_pay_mix_create_access(
    request: Any, owner: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        PAY,
        {"manager": "alice", "effective_from": "2026-01-01", "salary": "80", "bonus": "20"},
        format="json",
    )
    assert response.status_code == status
    assert PayMix.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["status"] == "in_target"


def test_pay_mix_duplicate_date_refused(
    owner: Any, executive: Any, executive_api: APIClient
) -> None:
    make_pay_mix(owner, executive, date(2026, 1, 1), "80", "20")
    response = executive_api.post(
        PAY,
        {"manager": "alice", "effective_from": "2026-01-01", "salary": "70", "bonus": "30"},
        format="json",
    )
    assert response.status_code == 400
    assert "already has a pay mix" in response.json()["effective_from"][0]
    assert PayMix.objects.count() == 1


@pytest.mark.parametrize("managers", [2, 20])
def test_pay_mix_list_queries(
    executive: Any, executive_api: APIClient, managers: int, django_assert_num_queries: Any
) -> None:
    for index in range(managers):
        manager = UserFactory(username=f"p{index}", roles=["account_manager"])
        make_pay_mix(manager, executive, date(2025, 1, 1), "80", "20")
    # user's groups (role check), COUNT, page of pay mixes with manager and recorder
    with django_assert_num_queries(3):
        response = executive_api.get(PAY)
    assert response.json()["count"] == managers
