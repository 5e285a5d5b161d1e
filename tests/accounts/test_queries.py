"""Query counts of the account list page and endpoint stay flat as rows grow (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import AccountFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _portfolio(owner: Any, size: int) -> None:
    managers = UserFactory.create_batch(3, roles=["account_manager"])
    for index in range(size):
        account = AccountFactory(owner=owner if index % 2 else managers[index % 3])
        TeamMemberFactory(account=account, user=owner if index % 2 == 0 else managers[0])


@pytest.mark.parametrize("size", [5, 30])
def test_account_list_page_queries(
    owner: Any, owner_client: Any, django_assert_num_queries: Any, size: int
) -> None:
    _portfolio(owner, size)
    # session, user, the latest successful run, user's groups (role), distinct regions and
    # industries and the account managers for the filters, COUNT of visible accounts, page of
    # accounts with owners, figures, last interaction and plan status, the user's saved views
    with django_assert_num_queries(10):
        response = owner_client.get("/accounts/?sort=owner")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [5, 30])
def test_account_list_endpoint_queries(
    owner: Any, owner_api: Any, django_assert_num_queries: Any, size: int
) -> None:
    _portfolio(owner, size)
    # the latest successful run, user's groups (role), COUNT, page of accounts joined with
    # their owners and figures
    with django_assert_num_queries(4):
        response = owner_api.get("/api/v1/accounts/?ordering=region")
    assert response.status_code == 200
    assert response.json()["count"] == size


def test_account_detail_page_queries(
    owner_client: Any, account: Any, django_assert_num_queries: Any
) -> None:
    for index in range(6):
        TeamMemberFactory(account=account, user=UserFactory(username=f"member{index}"))
    # session, user, groups, account+owner, team+users, locations, knowledge entries
    with django_assert_num_queries(7):
        response = owner_client.get(f"/accounts/{account.pk}/")
    assert response.status_code == 200
