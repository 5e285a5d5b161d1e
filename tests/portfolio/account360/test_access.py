"""Who may read the account 360 page: the owner, the team, executives and ops; an unrelated
manager gets 404 (the account's existence does not leak); anonymous goes to the login."""

from __future__ import annotations

from typing import Any

import pytest

from portfolio.models import AccountSnapshot, AnalysisRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner reads own account", "owner_client", 200),
        ("team member reads the account", "team_member_client", 200),
        ("executive reads any account", "executive_client", 200),
        ("ops reads any account", "ops_client", 200),
        ("unrelated manager gets 404", "other_manager_client", 404),
    ],
)
def test_account_360_access(
    request: pytest.FixtureRequest, account: Any, _case: str, client_name: str, status: int
) -> None:
    # given an account with a run behind it
    run = AnalysisRun.objects.create(as_of="2026-06-15", status="succeeded", trigger="command")
    AccountSnapshot.objects.create(run=run, account=account, segment="invest", churn_score=35)
    runs_before = AnalysisRun.objects.count()

    # when
    response = request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/360/")

    # then
    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "Northwind Foods" in html
        assert "score 35" in html
    else:
        assert "Northwind Foods" not in html
        assert "score 35" not in html
    assert AnalysisRun.objects.count() == runs_before  # a read writes nothing


def test_anonymous_goes_to_login(anonymous_client: Any, account: Any) -> None:
    response = anonymous_client.get(f"/accounts/{account.pk}/360/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next=/accounts/{account.pk}/360/")


def test_unknown_account_is_404(executive_client: Any, account: Any) -> None:
    response = executive_client.get(f"/accounts/{account.pk + 1000}/360/")

    assert response.status_code == 404


def test_a_user_without_a_role_gets_404(account: Any) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="nobody"))

    assert client.get(f"/accounts/{account.pk}/360/").status_code == 404
