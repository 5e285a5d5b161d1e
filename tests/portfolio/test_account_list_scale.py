"""The account list answers with the same number of queries at 10 and at 1,000 analysed
accounts (issue 19), on the page (sorted by revenue, a page of rows) and in the API."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from kam import data_versions
from portfolio.models import AccountSnapshot
from tests.factories import AccountFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db


def _analysed_portfolio_of(size: int, *, owner: Any) -> None:
    """The small portfolio analysed, then as many accounts more as make `size`, each with
    figures of the run (a copy of the first account's), written in bulk."""
    snapshot = AccountSnapshot.objects.order_by("pk").first()
    assert snapshot is not None
    more = Account.objects.bulk_create(
        AccountFactory.build(owner=owner) for _ in range(size - Account.objects.count())
    )
    copies = []
    for account in more:
        copy = AccountSnapshot.objects.get(pk=snapshot.pk)
        copy.pk = None
        copy.account = account
        copies.append(copy)
    AccountSnapshot.objects.bulk_create(copies)
    assert Account.objects.count() == size


@pytest.mark.parametrize(
    "path", ["/accounts/?sort=-revenue", "/api/v1/accounts/?ordering=-revenue_ttm"]
)
def test_the_list_takes_as_many_queries_at_1000_accounts_as_at_10(
    executive_client: Client,
    owner: Any,
    other_manager: Any,
    path: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = executive_client.get(path)
        assert response.status_code == 200
        body = response.content.decode()
        assert "121" in body  # a row with the run's revenue is listed
        return len(captured)

    def grown_to(size: int) -> None:
        _analysed_portfolio_of(size, owner=owner)
        # as the product's writers of accounts do once they commit (a bulk write sends no
        # signal): the list's cached count is of the accounts data's version
        with django_capture_on_commit_callbacks(execute=True):
            data_versions.bump(data_versions.ACCOUNTS)

    grown_to(10)
    at_ten = queries()
    grown_to(1_000)
    at_a_thousand = queries()

    assert at_a_thousand == at_ten
    assert at_ten <= 12
