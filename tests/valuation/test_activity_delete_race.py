"""Deleting one activity while its account is being deleted (which deletes all its
activities) found a deadlock: the single delete locked the activity row and then waited for
the account's row (to raise its data version), while the account's deletion held the
account's row and waited for the activity. The single delete now takes the account's row
first, so the two queue instead of deadlocking."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections, transaction

from accounts.models import Account
from tests.factories import AccountFactory
from tests.valuation.factories import ActivityTypeFactory, ServiceActivityFactory
from valuation.models import ServiceActivity
from valuation.services import service_activity_delete

WAIT = 10  # seconds; generous, the steps take milliseconds


@pytest.mark.django_db(transaction=True)
def test_an_activity_deleted_while_its_account_is_deleted_does_not_deadlock(owner: Any) -> None:
    # given an account with two activities
    account = AccountFactory(owner=owner)
    kind = ActivityTypeFactory()
    one = ServiceActivityFactory(account=account, activity_type=kind, created_by=owner)
    ServiceActivityFactory(account=account, activity_type=kind, created_by=owner)
    holding, go_on = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def delete_the_account() -> None:
        # as accounts.services.account_delete does: lock the account's row, then cascade
        try:
            with transaction.atomic():
                Account.objects.select_for_update().filter(pk=account.pk).first()
                holding.set()
                go_on.wait(WAIT)
                Account.objects.get(pk=account.pk).delete()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    def delete_one_activity() -> None:
        try:
            service_activity_delete(
                activity=ServiceActivity.objects.get(pk=one.pk), deleted_by=owner
            )
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    # when one activity is deleted while the account's deletion holds the account
    deleting_account = threading.Thread(target=delete_the_account)
    deleting_account.start()
    assert holding.wait(WAIT), errors
    deleting_activity = threading.Thread(target=delete_one_activity)
    deleting_activity.start()
    deleting_activity.join(0.5)  # it waits for the account's row
    go_on.set()
    deleting_account.join(WAIT)
    deleting_activity.join(WAIT)

    # then both finish without a deadlock, and the account and its activities are gone
    assert errors == []
    assert not Account.objects.filter(pk=account.pk).exists()
    assert ServiceActivity.objects.filter(account_id=account.pk).count() == 0
