"""The account list's pages come from the cache on a repeat request, and never hide a write:
an account saved, an interaction logged, a team changed or an import makes a new page; a
page of every account is never handed to someone who may see only their own."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Account
from tests.factories import AccountFactory, TeamMemberFactory
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/accounts/?ordering=name"
User = get_user_model()


@pytest.fixture
def accounts(owner: Any, other_manager: Any) -> list[Account]:
    return [AccountFactory(owner=owner, name=f"Alpha {n}") for n in range(3)] + [
        AccountFactory(owner=other_manager, name=f"Beta {n}") for n in range(2)
    ]


def _names(api: Any, url: str = LIST) -> list[str]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def _rows(api: Any) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in api.get(LIST).json()["results"]}


def _queries(api: Any, url: str = LIST) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def test_a_repeat_request_reads_no_rows(
    owner_api: Any, accounts: list[Account], django_capture_on_commit_callbacks: Any
) -> None:
    # the first request reads the run, the user's roles, the count and the page of accounts
    # with their figures; the repeat the run only (the test client hands every request the
    # same user object, whose roles were read once)
    assert _queries(owner_api) == 4
    assert _queries(owner_api) == 1


def test_a_saved_account_shows_at_once(
    owner_api: Any, accounts: list[Account], django_capture_on_commit_callbacks: Any
) -> None:
    assert "Alpha 0" in _names(owner_api)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.patch(
            f"/api/v1/accounts/{accounts[0].pk}/",
            {"name": "Alpha renamed"},
            format="json",
            HTTP_IF_MATCH=owner_api.get(f"/api/v1/accounts/{accounts[0].pk}/")["ETag"],
        )
    assert response.status_code == 200, response.content
    assert "Alpha renamed" in _names(owner_api)


def test_a_logged_interaction_shows_at_once(
    owner_api: Any, accounts: list[Account], django_capture_on_commit_callbacks: Any
) -> None:
    account = accounts[0]
    boss = ContactFactory(account=account)
    assert _rows(owner_api)[account.pk]["last_interaction_on"] is None
    with django_capture_on_commit_callbacks(execute=True):
        logged = owner_api.post(
            "/api/v1/interactions/",
            {
                "account": account.pk,
                "contacts": [boss.pk],
                "date": "2026-01-10",
                "channel": "phone",
                "summary": "Budget call",
            },
            format="json",
        )
    assert logged.status_code == 201, logged.content
    assert _rows(owner_api)[account.pk]["last_interaction_on"] == "2026-01-10"


def test_a_team_place_shows_the_account_at_once(
    other_manager_api: Any,
    other_manager: Any,
    accounts: list[Account],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "Alpha 0" not in _names(other_manager_api)
    with django_capture_on_commit_callbacks(execute=True):
        TeamMemberFactory(account=accounts[0], user=other_manager)
    assert "Alpha 0" in _names(other_manager_api)


def test_the_whole_portfolios_page_is_not_handed_to_a_manager(
    executive_api: Any, owner_api: Any, accounts: list[Account]
) -> None:
    assert _names(executive_api) == ["Alpha 0", "Alpha 1", "Alpha 2", "Beta 0", "Beta 1"]
    assert _names(owner_api) == ["Alpha 0", "Alpha 1", "Alpha 2"]
    assert _names(executive_api) == ["Alpha 0", "Alpha 1", "Alpha 2", "Beta 0", "Beta 1"]


def test_a_role_taken_away_reads_afresh(owner: Any, accounts: list[Account]) -> None:
    def fresh_client() -> APIClient:  # a new request: the user and their roles read again
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=owner.pk))
        return client

    assert _names(fresh_client()) == ["Alpha 0", "Alpha 1", "Alpha 2"]
    owner.groups.clear()
    emptied = fresh_client().get(LIST).json()
    assert (emptied["count"], emptied["results"]) == (0, [])


@pytest.mark.parametrize("reader", ["executive_api", "ops_api"])
def test_readers_of_every_account_see_every_account(
    request: Any, owner_api: Any, accounts: list[Account], reader: str
) -> None:
    assert _names(owner_api) == ["Alpha 0", "Alpha 1", "Alpha 2"]
    everyone = request.getfixturevalue(reader).get(LIST).json()
    assert everyone["count"] == 5
    assert [row["name"] for row in everyone["results"]] == [
        "Alpha 0",
        "Alpha 1",
        "Alpha 2",
        "Beta 0",
        "Beta 1",
    ]


def test_an_imported_interaction_shows_at_once(
    owner_api: Any,
    owner: Any,
    accounts: list[Account],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    account = accounts[1]
    ContactFactory(account=account, external_id="C-1")
    assert _rows(owner_api)[account.pk]["last_interaction_on"] is None
    path = tmp_path / "interactions.csv"
    path.write_text(
        "account,date,user,channel,contacts,summary\n"
        f"{account.external_id},2026-02-03,{owner.username},phone,C-1,Imported call\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_data", "interactions", str(path), stdout=StringIO())
    assert _rows(owner_api)[account.pk]["last_interaction_on"] == "2026-02-03"


def test_an_imported_account_shows_at_once(
    owner_api: Any,
    owner: Any,
    accounts: list[Account],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # accounts are written in bulk, without save signals: the import's commit moves the
    # version, for this kind as for every other
    assert owner_api.get(LIST).json()["count"] == 3
    path = tmp_path / "accounts.csv"
    path.write_text(
        "external_id,name,industry,region,designation,owner\n"
        f"IMP-1,Alpha imported,Industrial,Europe,candidate,{owner.username}\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_data", "accounts", str(path), stdout=StringIO())
    listed = owner_api.get(LIST).json()
    assert listed["count"] == 4
    assert "Alpha imported" in [row["name"] for row in listed["results"]]
