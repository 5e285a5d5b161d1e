"""Pages of key 4: the load page, a manager's competency page and the pay-mix check, by
role (wrong roles too), with validation and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import CompetencyAssessment, Designation, PayMix
from tests.accounts.people.conftest import make_assessment, make_pay_mix, scores
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db

LOAD = "/accounts/managers/load/"
PAY = "/accounts/managers/pay-mix/"
EXPORT = "/accounts/managers/pay-mix/export.csv"


@pytest.fixture
def nobody_client(db: Any) -> Client:
    client = Client()
    client.force_login(UserFactory(username="norole"))
    return client


def _competency(manager: Any) -> str:
    return f"/accounts/managers/{manager.pk}/competency/"


def _form(**changes: Any) -> dict[str, Any]:
    return {"assessed_on": "2026-02-01", "notes": "Strong quarter", **scores(4), **changes}


# --- load ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("account manager", "owner_client", 200),
        ("executive", "executive_client", 200),
        ("ops", "ops_client", 200),
        ("user without a role", "nobody_client", 403),
        ("anonymous", "anonymous_client", 302),
    ],
)
def test_load_page_access(
    request: Any, owner: Any, other_manager: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get(LOAD)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


def test_manager_sees_only_their_own_row(
    owner: Any, other_manager: Any, owner_client: Client
) -> None:
    rows = owner_client.get(LOAD).context["rows"]
    assert [row.username for row in rows] == ["alice"]


def test_executive_sees_every_manager_overloaded_first(
    owner: Any, other_manager: Any, executive: Any, executive_client: Client
) -> None:
    # given: mallory owns 13 key accounts (8 strategic, 5 pilot) and alice 12
    AccountFactory.create_batch(8, owner=other_manager, designation=Designation.STRATEGIC)
    AccountFactory.create_batch(5, owner=other_manager, designation=Designation.PILOT)
    AccountFactory.create_batch(12, owner=owner, designation=Designation.STRATEGIC)
    AccountFactory.create_batch(3, owner=owner, designation=Designation.CANDIDATE)
    # when
    response = executive_client.get(LOAD)
    # then
    rows = {row.username: row for row in response.context["rows"]}
    assert [row.username for row in response.context["rows"]] == ["mallory", "alice"]
    assert (rows["mallory"].strategic, rows["mallory"].pilot, rows["mallory"].key_accounts) == (
        8,
        5,
        13,
    )
    assert rows["alice"].key_accounts == 12
    assert rows["alice"].warnings == []
    body = response.content.decode()
    assert "Owns 13 strategic and pilot accounts, more than the book&#x27;s 12" in body
    assert "erin" not in [row.username for row in response.context["rows"]]


def test_relationships_count_active_primary_contacts_only(
    owner: Any, team_member: Any, account: Any, executive_client: Client
) -> None:
    # given: 41 active contacts held by alice, 3 inactive, 2 held by tom
    ContactFactory.create_batch(41, account=account, primary_contact=owner)
    ContactFactory.create_batch(3, account=account, primary_contact=owner, is_active=False)
    ContactFactory.create_batch(2, account=account, primary_contact=team_member)
    # when
    response = executive_client.get(LOAD)
    # then
    rows = {row.username: row for row in response.context["rows"]}
    assert rows["alice"].relationships == 41
    assert rows["tom"].relationships == 2
    assert rows["alice"].warnings == [
        "Is the primary contact for 41 people, more than 40: some influencers will not get "
        "the contact they want; move relationships to team members."
    ]
    assert rows["tom"].warnings == []


def test_manager_without_key_accounts_is_not_warned(owner: Any, owner_client: Client) -> None:
    response = owner_client.get(LOAD)
    assert response.context["rows"][0].warnings == []
    assert "Within the guideline" in response.content.decode()
    assert "Overloaded" not in response.content.decode()


def _load_portfolio(managers: int) -> None:
    for index in range(managers):
        manager = UserFactory(username=f"m{managers}-{index}", roles=["account_manager"])
        accounts = AccountFactory.create_batch(2, owner=manager, designation=Designation.STRATEGIC)
        AccountFactory(owner=manager, designation=Designation.PILOT)
        ContactFactory.create_batch(3, account=accounts[0], primary_contact=manager)


@pytest.mark.parametrize("managers", [2, 20])
def test_load_page_queries(
    executive_client: Client, managers: int, django_assert_num_queries: Any
) -> None:
    _load_portfolio(managers)
    # session, user, user's groups (role check), managers with their counts (one query)
    with django_assert_num_queries(4):
        response = executive_client.get(LOAD)
    assert len(response.context["rows"]) == managers


# --- competency ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("the manager themself", "owner_client", 200),
        ("executive", "executive_client", 200),
        ("another manager", "other_manager_client", 404),
        ("team member of their account", "team_member_client", 404),
        ("ops", "ops_client", 404),
        ("user without a role", "nobody_client", 404),
        ("anonymous", "anonymous_client", 302),
    ],
)
def test_competency_page_read_access(
    request: Any,
    owner: Any,
    account: Any,
    assessment: Any,
    _case: str,
    client_name: str,
    status: int,
) -> None:
    response = request.getfixturevalue(client_name).get(_competency(owner))
    assert response.status_code == status
    if status == 200:
        assert "2026-01-10" in response.content.decode()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_client", 302),
        ("the manager on their own page", "owner_client", 403),
        ("another manager", "other_manager_client", 404),
        ("ops", "ops_client", 404),
        ("anonymous", "anonymous_client", 302),
    ],
)
def test_competency_record_access(
    request: Any, owner: Any, executive: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(_competency(owner), _form())
    assert response.status_code == status
    written = CompetencyAssessment.objects.filter(manager=owner)
    if client_name == "executive_client":
        assert response["Location"] == _competency(owner)
        assert [(a.assessed_on, a.assessed_by, a.notes) for a in written] == [
            (date(2026, 2, 1), executive, "Strong quarter")
        ]
    else:
        assert not written.exists()


def test_competency_page_of_a_non_manager_is_404(
    executive: Any, ops: Any, executive_client: Client
) -> None:
    assert executive_client.get(_competency(ops)).status_code == 404
    assert executive_client.post(_competency(ops), _form()).status_code == 404
    assert not CompetencyAssessment.objects.exists()


@pytest.mark.parametrize(
    ("_case", "changes", "message"),
    [
        ("score above five", {"initiative": "6"}, "Scores run from 1 to 5."),
        ("score below one", {"coaching_others": "0"}, "Scores run from 1 to 5."),
        ("missing score", {"leadership": ""}, "Score this from 1 to 5."),
        (
            "future date",
            {"assessed_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "is in the future",
        ),
    ],
)
def test_competency_form_errors_write_nothing(
    owner: Any, executive_client: Client, _case: str, changes: dict[str, Any], message: str
) -> None:
    response = executive_client.post(_competency(owner), _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompetencyAssessment.objects.exists()


def test_trend_shows_change_per_capability(
    owner: Any, executive: Any, owner_client: Client
) -> None:
    make_assessment(owner, executive, date(2025, 6, 1), value=3, initiative=2)
    make_assessment(owner, executive, date(2026, 1, 1), value=3, initiative=4, leadership=2)
    trend = owner_client.get(_competency(owner)).context["trend"]
    rows = {row.field: row for group in trend.groups for row in group.rows}
    assert trend.dates == [date(2025, 6, 1), date(2026, 1, 1)]
    assert [group.label for group in trend.groups] == [
        "The five capabilities",
        "Consultative competency model",
    ]
    assert len(trend.groups[0].rows) == 5
    assert len(trend.groups[1].rows) == 10
    assert (rows["initiative"].scores, rows["initiative"].change) == ([2, 4], 2)
    assert rows["initiative"].direction == "up"
    assert rows["leadership"].direction == "down"
    assert rows["coaching_others"].direction == "steady"


def test_manager_sees_no_record_form(owner: Any, owner_client: Client) -> None:
    response = owner_client.get(_competency(owner))
    assert response.context["form"] is None
    assert "Record an assessment" not in response.content.decode()


@pytest.mark.parametrize("assessments", [2, 20])
def test_competency_page_queries(
    owner: Any,
    executive: Any,
    executive_client: Client,
    assessments: int,
    django_assert_num_queries: Any,
) -> None:
    for index in range(assessments):
        make_assessment(owner, executive, date(2024, 1, 1) + timedelta(days=index * 20))
    # session, user, user's groups (role check), the manager, assessments with assessors
    with django_assert_num_queries(5):
        response = executive_client.get(_competency(owner))
    assert len(response.context["assessments"]) == assessments


# --- pay mix ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_client", 200),
        ("account manager", "owner_client", 403),
        ("ops", "ops_client", 403),
        ("user without a role", "nobody_client", 403),
        ("anonymous", "anonymous_client", 302),
    ],
)
def test_pay_mix_page_and_export_access(
    request: Any, owner: Any, executive: Any, _case: str, client_name: str, status: int
) -> None:
    make_pay_mix(owner, executive, date(2025, 1, 1), "96000", "24000")
    client = request.getfixturevalue(client_name)
    page = client.get(PAY)
    export = client.get(EXPORT)
    assert (page.status_code, export.status_code) == (status, status)
    if status != 200:
        assert "96000" not in page.content.decode()
        assert "96000" not in export.content.decode()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("executive", "executive_client", 302),
        ("account manager recording their own", "owner_client", 403),
        ("ops", "ops_client", 403),
        ("anonymous", "anonymous_client", 302),
    ],
)
def test_pay_mix_record_access(
    request: Any, owner: Any, executive: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        PAY,
        {"manager": "alice", "effective_from": "2026-01-01", "salary": "80", "bonus": "20"},
    )
    assert response.status_code == status
    assert PayMix.objects.count() == (1 if client_name == "executive_client" else 0)


def test_pay_mix_page_flags_out_of_band_and_uses_current_row(
    owner: Any, other_manager: Any, executive: Any, executive_client: Client
) -> None:
    today = timezone.localdate()
    make_pay_mix(owner, executive, today - timedelta(days=400), "70", "30")  # history
    make_pay_mix(owner, executive, today - timedelta(days=10), "85", "15")  # current
    make_pay_mix(owner, executive, today + timedelta(days=30), "60", "40")  # scheduled
    make_pay_mix(other_manager, executive, today - timedelta(days=5), "86", "14")
    response = executive_client.get(PAY)
    rows = {row.username: row for row in response.context["rows"]}
    assert rows["alice"].current.check.status == "in_guideline"
    assert [entry.is_scheduled for entry in rows["alice"].history] == [True, False, False]
    assert rows["mallory"].current.check.status == "out_of_range"
    assert [row.username for row in response.context["rows"]][0] == "mallory"
    assert response.context["flagged"] == 1
    body = response.content.decode()
    assert "Bonus below 15 %" in body
    assert "salary 75-80 % and bonus 15-20 % (the target band)" in body


def test_pay_mix_export_lists_every_row(
    owner: Any, executive: Any, executive_client: Client
) -> None:
    make_pay_mix(owner, executive, date(2024, 1, 1), "70", "30")
    make_pay_mix(owner, executive, date(2025, 1, 1), "80", "20")
    response = executive_client.get(EXPORT)
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:4] == ["manager", "effective_from", "salary", "bonus"]
    assert [(line[0], line[1], line[6], line[7]) for line in lines[1:]] == [
        ("alice", "2025-01-01", "In the target band", "yes"),
        ("alice", "2024-01-01", "Out of range", ""),
    ]


@pytest.mark.parametrize(
    ("_case", "data", "message"),
    [
        ("not a manager", {"manager": "olga"}, "Choose an account manager from the list."),
        ("negative", {"salary": "-5"}, "greater than or equal to 0"),
        ("both zero", {"salary": "0", "bonus": "0"}, "cannot both be zero"),
    ],
)
def test_pay_mix_form_errors_write_nothing(
    owner: Any, ops: Any, executive_client: Client, _case: str, data: dict[str, Any], message: str
) -> None:
    values = {"manager": "alice", "effective_from": "2026-01-01", "salary": "80", "bonus": "20"}
    response = executive_client.post(PAY, {**values, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PayMix.objects.exists()


@pytest.mark.parametrize("managers", [2, 20])
def test_pay_mix_page_queries(
    executive: Any, executive_client: Client, managers: int, django_assert_num_queries: Any
) -> None:
    for index in range(managers):
        manager = UserFactory(username=f"p{index}", roles=["account_manager"])
        make_pay_mix(manager, executive, date(2024, 1, 1), "70", "30")
        make_pay_mix(manager, executive, date(2025, 1, 1), "80", "20")
    # session, user, user's groups, managers, their pay mixes with recorders,
    # the form's manager choices
    with django_assert_num_queries(6):
        response = executive_client.get(PAY)
    assert len(response.context["rows"]) == managers
