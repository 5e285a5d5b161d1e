"""A JSON body's values have the JSON types the schema states: a text or a decimal is a
string, a true/false a boolean, a whole number an integer. DRF turned `0` into "0" or false
and `"7"` into 7, so the fuzzer's requests with the wrong type were accepted (`make fuzz`:
invalid requests accepted)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import AccountEvent, EventKind
from tests.valuation.factories import RevenueRecordFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"notes": 0}, "notes", "Give a text (a JSON string)."),
        ({"notes": ["x"]}, "notes", "Give a text (a JSON string)."),
        ({"version": "1"}, "version", "Give a whole number."),
        ({"version": True}, "version", "Give a whole number."),
    ],
)
def test_a_value_of_another_json_type_is_refused_on_its_field(
    owner_api: Any, account: Any, body: dict[str, Any], field: str, message: str
) -> None:
    event = AccountEvent.objects.create(
        account=account, kind=EventKind.OTHER, date=datetime.date(2026, 5, 1), notes="Before"
    )
    response = owner_api.patch(f"/api/v1/events/{event.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {field: [message]}
    event.refresh_from_db()
    assert event.notes == "Before"


def test_a_decimal_is_a_string_and_a_boolean_true_or_false(ops_api: Any, account: Any) -> None:
    record = RevenueRecordFactory(account=account)
    number = ops_api.patch(f"/api/v1/revenue/{record.pk}/", {"revenue": 0}, format="json")
    assert number.status_code == 400, number.content
    assert number.json() == {"revenue": ['Give the number as a text, e.g. "12.50".']}
    flag = ops_api.post(
        "/api/v1/activity-types/",
        {"code": "site-visit", "name": "Site visit", "unit": "visit", "is_investment": 0},
        format="json",
    )
    assert flag.status_code == 400, flag.content
    assert flag.json() == {"is_investment": ["Give true or false."]}


def test_the_right_types_and_null_are_taken(ops_api: Any, account: Any) -> None:
    record = RevenueRecordFactory(account=account)
    response = ops_api.patch(
        f"/api/v1/revenue/{record.pk}/", {"revenue": "12.50", "account": account.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["revenue"] == "12.50"
