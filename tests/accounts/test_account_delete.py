"""Deleting an account while a bulk writer adds rows under it leaves no orphan rows.

Service activities and snapshots carry no database foreign keys; their writers hold the
accounts FOR KEY SHARE until they commit, and every way of deleting an account (the
service, the admin, the API) goes through `account_delete`, which locks the account before
Django gathers what to cascade.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Account
from accounts.services import account_delete
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.factories import AccountFactory
from tests.lock_race import delete_while_a_writer_holds


def _by_service(account: Account) -> None:
    account_delete(account=Account.objects.get(pk=account.pk), deleted_by=account.owner)


def _by_admin(account: Account) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="root"))
    response = client.post(
        reverse("admin:accounts_account_delete", args=[account.pk]), {"post": "yes"}
    )
    assert response.status_code == 302


def _by_api(account: Account) -> None:
    client = APIClient()
    client.force_authenticate(account.owner)
    assert client.delete(f"/api/v1/accounts/{account.pk}/").status_code == 204


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("delete", [_by_service, _by_admin, _by_api])
def test_deletion_waits_for_a_writer_holding_the_account_and_removes_its_rows(
    owner: Any, delete: Callable[[Account], None]
) -> None:
    # given a writer that has locked the account and written a snapshot, not committed yet
    account = AccountFactory(owner=owner)
    get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345")
    run = AnalysisRun.objects.create(as_of=date(2026, 10, 31), trigger="command", parameters={})

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM accounts_account WHERE id = %s FOR KEY SHARE", [account.pk]
            )
        AccountSnapshot.objects.create(run=run, account_id=account.pk, segment="maintain")

    # when the account is deleted meanwhile, and the writer then commits
    errors = delete_while_a_writer_holds(write=write, delete=lambda: delete(account))

    # then the account and the row written under it are both gone
    assert errors == []
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not AccountSnapshot.objects.filter(account_id=account.pk).exists()
