"""Deleting an activity type while an import writes activities of that type is refused once
the import commits, instead of leaving activities whose type is gone (service activities
carry no database foreign key; the import holds the types FOR KEY SHARE)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import AccountFactory
from tests.lock_race import delete_while_a_writer_holds
from tests.valuation.factories import ActivityTypeFactory
from valuation.models import ActivityType, ServiceActivity
from valuation.services import activity_type_delete


@pytest.mark.django_db(transaction=True)
def test_type_deletion_waits_for_an_import_holding_it_then_is_refused(owner: Any, ops: Any) -> None:
    # given an import that has locked the type and written an activity, not committed yet
    account = AccountFactory(owner=owner)
    activity_type = ActivityTypeFactory()

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM valuation_activitytype WHERE id = %s FOR KEY SHARE",
                [activity_type.pk],
            )
        ServiceActivity.objects.create(
            account=account,
            activity_type_id=activity_type.pk,
            date=datetime.date(2026, 11, 2),
            quantity=Decimal(1),
        )

    def delete() -> None:
        activity_type_delete(
            activity_type=ActivityType.objects.get(pk=activity_type.pk), deleted_by=ops
        )

    # when the type is deleted meanwhile, and the import then commits
    errors = delete_while_a_writer_holds(write=write, delete=delete)

    # then the deletion is refused in plain words, and the type and its activity remain
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "has recorded activities" in errors[0].messages[0]
    assert ActivityType.objects.filter(pk=activity_type.pk).exists()
    assert ServiceActivity.objects.filter(activity_type_id=activity_type.pk).count() == 1
