"""Role matrix for the account pages and API: who reads, who writes, who gets 404."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Account, TeamMember

pytestmark = pytest.mark.django_db

READERS = [
    ("owner", "owner_client", 200),
    ("team member", "team_member_client", 200),
    ("unrelated manager", "other_manager_client", 404),
    ("executive", "executive_client", 200),
    ("ops", "ops_client", 200),
]


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
@pytest.mark.parametrize("page", ["", "team/"])
def test_account_pages_read_access(
    request: Any, account: Account, page: str, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/{page}")
    assert response.status_code == status
    if status == 200:
        assert account.name in response.content.decode()


def test_anonymous_is_sent_to_login(anonymous_client: Any, account: Account) -> None:
    response = anonymous_client.get(f"/accounts/{account.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("team member may not edit", "team_member_client", 403),
        ("unrelated manager sees nothing", "other_manager_client", 404),
        ("executive reads only", "executive_client", 403),
        ("ops reads only", "ops_client", 403),
    ],
)
def test_account_edit_refused_and_nothing_changes(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.post(
        f"/accounts/{account.pk}/edit/",
        {
            "name": "Hijacked",
            "designation": "exit",
            "buying_hierarchy_level": 1,
            "continuum_position": 0,
        },
    )
    assert response.status_code == status
    account.refresh_from_db()
    assert account.name == "Northwind Foods"
    assert account.designation == "strategic"


def test_owner_edits_account_page(owner_client: Any, account: Account) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/edit/",
        {
            "name": "Northwind Foods Group",
            "external_id": "NW-1",
            "designation": "strategic",
            "buying_hierarchy_level": 3,
            "continuum_position": 80,
            "region": "Europe",
            "owner": "alice",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.buying_hierarchy_level, account.continuum_position) == (
        "Northwind Foods Group",
        3,
        80,
    )


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("team member", "team_member_client", 403),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
    ],
)
def test_team_page_changes_refused(
    request: Any, account: Account, executive: Any, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.post(
        f"/accounts/{account.pk}/team/", {"user": "erin", "function": "executive"}
    )
    assert response.status_code == status
    assert list(account.team_members.values_list("user__username", flat=True)) == ["tom"]


def test_owner_adds_executive_sponsor(owner_client: Any, account: Account, executive: Any) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/team/",
        {"user": "erin", "function": "executive", "is_executive_sponsor": "on"},
    )
    assert response.status_code == 302
    assert TeamMember.objects.get(account=account, user=executive).is_executive_sponsor


def test_account_list_shows_only_visible_accounts(
    owner_client: Any, other_manager_client: Any, executive_client: Any, account: Account
) -> None:
    assert "Northwind Foods" in owner_client.get("/accounts/").content.decode()
    assert "Northwind Foods" in executive_client.get("/accounts/").content.decode()
    assert "Northwind Foods" not in other_manager_client.get("/accounts/").content.decode()


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
def test_account_api_read_access(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get(f"/api/v1/accounts/{account.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["name"] == "Northwind Foods"
        assert response.json()["owner"] == "alice"


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_account_api_write_access(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.patch(
        f"/api/v1/accounts/{account.pk}/", {"region": "Asia Pacific"}, format="json"
    )
    assert response.status_code == status
    account.refresh_from_db()
    assert account.region == ("Asia Pacific" if status == 200 else "Europe")


def test_owner_cannot_change_designation_directly(owner_api: Any, account: Account) -> None:
    # Designation changes go through a request the steering committee decides (issue 4).
    response = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"designation": "exit"}, format="json"
    )
    assert response.status_code == 400
    assert "designation request" in response.json()["designation"][0]
    account.refresh_from_db()
    assert account.designation == "strategic"


def test_edit_form_keeps_designation(owner_client: Any, account: Account) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/edit/",
        {
            "name": "Northwind Foods",
            "external_id": "NW-1",
            "designation": "exit",
            "buying_hierarchy_level": 2,
            "continuum_position": 50,
            "region": "Europe",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.designation == "strategic"


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
    ],
)
def test_account_api_delete_refused(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).delete(f"/api/v1/accounts/{account.pk}/")
    assert response.status_code == status
    assert Account.objects.filter(pk=account.pk).exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("account manager", "other_manager_api", 201),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_account_api_create_access(
    request: Any, _case: str, client_name: str, status: int, db: Any
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/accounts/", {"name": "Harbor Paper", "designation": "candidate"}, format="json"
    )
    assert response.status_code == status
    assert Account.objects.filter(name="Harbor Paper").count() == (1 if status == 201 else 0)


def test_created_account_is_owned_by_its_creator(other_manager_api: Any) -> None:
    response = other_manager_api.post("/api/v1/accounts/", {"name": "Harbor Paper"}, format="json")
    assert response.status_code == 201
    assert response.json()["owner"] == "mallory"
    assert response.json()["designation"] == "candidate"


def test_manager_cannot_create_account_for_someone_else(other_manager_api: Any, owner: Any) -> None:
    response = other_manager_api.post(
        "/api/v1/accounts/", {"name": "Harbor Paper", "owner": "alice"}, format="json"
    )
    assert response.status_code == 403
    assert not Account.objects.filter(name="Harbor Paper").exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("team member", "team_member_api", 200),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 200),
    ],
)
def test_team_api_read(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get(f"/api/v1/accounts/{account.pk}/team/")
    assert response.status_code == status
    if status == 200:
        assert response.json() == [
            {"user": "tom", "function": "service", "is_executive_sponsor": False, "version": 1}
        ]


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 201),
        ("team member", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
    ],
)
def test_team_api_add(
    request: Any, account: Account, executive: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        f"/api/v1/accounts/{account.pk}/team/",
        {"user": "erin", "function": "executive", "is_executive_sponsor": True},
        format="json",
    )
    assert response.status_code == status
    assert account.team_members.filter(user=executive).exists() == (status == 201)


def test_team_api_one_executive_sponsor(owner_api: Any, account: Account, executive: Any) -> None:
    owner_api.post(
        f"/api/v1/accounts/{account.pk}/team/",
        {"user": "erin", "function": "executive", "is_executive_sponsor": True},
        format="json",
    )
    response = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/team/tom/", {"is_executive_sponsor": True}, format="json"
    )
    assert response.status_code == 400
    assert "erin is already the executive sponsor" in response.json()["is_executive_sponsor"][0]
    assert not TeamMember.objects.get(account=account, user__username="tom").is_executive_sponsor


def test_team_api_remove(owner_api: Any, team_member_api: Any, account: Account) -> None:
    assert team_member_api.delete(f"/api/v1/accounts/{account.pk}/team/tom/").status_code == 403
    assert owner_api.delete(f"/api/v1/accounts/{account.pk}/team/tom/").status_code == 204
    assert not account.team_members.exists()
