"""Role matrix, validation, exports and query counts of the valuation endpoints."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import AccountFactory, UserFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ForecastFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)
from valuation.models import (
    ActivityRate,
    ActivityType,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def money(account: Any) -> dict[str, Any]:
    """One record of each resource on the fixture account, and on a stranger's account."""
    handling = ActivityTypeFactory(code="handling")
    ActivityRateFactory(activity_type=handling)
    stranger = AccountFactory(external_id="ST-9")
    records = {
        "revenue": RevenueRecordFactory(account=account),
        "forecasts": ForecastFactory(account=account),
        "activities": ServiceActivityFactory(account=account, activity_type=handling),
        "value-entries": ValueEntryFactory(account=account),
    }
    RevenueRecordFactory(account=stranger)
    ForecastFactory(account=stranger)
    ServiceActivityFactory(account=stranger, activity_type=handling)
    ValueEntryFactory(account=stranger)
    return records


READERS = [
    ("owner", "owner_api", 200, 1),
    ("team member", "team_member_api", 200, 1),
    ("unrelated manager sees none", "other_manager_api", 200, 0),
    ("executive sees all", "executive_api", 200, 2),
    ("ops sees all", "ops_api", 200, 2),
    ("anonymous", "anonymous_api", 401, None),
]


@pytest.mark.parametrize("resource", ["revenue", "forecasts", "activities", "value-entries"])
@pytest.mark.parametrize(("_case", "client_name", "status", "count"), READERS)
def test_list_access(
    request: Any, money: Any, resource: str, _case: str, client_name: str, status: int, count: Any
) -> None:
    response = request.getfixturevalue(client_name).get(f"{API}/{resource}/")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


@pytest.mark.parametrize("resource", ["revenue", "forecasts", "activities", "value-entries"])
@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("unrelated manager gets 404", "other_manager_api", 404),
        ("executive", "executive_api", 200),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_detail_access(
    request: Any, money: Any, resource: str, _case: str, client_name: str, status: int
) -> None:
    record = money[resource]
    response = request.getfixturevalue(client_name).get(f"{API}/{resource}/{record.pk}/")
    assert response.status_code == status


def _payloads(account: Any) -> dict[str, dict[str, Any]]:
    return {
        "revenue": {
            "account": account.pk,
            "location": "Hamburg",
            "period_start": "2025-03-01",
            "revenue": "1500.00",
            "cost_of_goods": "900.00",
        },
        "forecasts": {"account": account.pk, "period_start": "2027-03-01", "revenue": "2000"},
        "activities": {
            "account": account.pk,
            "activity_type": "handling",
            "date": "2025-03-04",
            "quantity": "3.5",
        },
        "value-entries": {
            "account": account.pk,
            "direction": "received",
            "category": "reference",
            "amount": "10000",
            "date": "2025-03-01",
            "evidence": "Case study published",
            "customer_confirmed": True,
            "confirmed_by": "Jane Roe, CPO",
            "confirmed_on": "2025-03-10",
        },
    }


MODELS = {
    "revenue": RevenueRecord,
    "forecasts": Forecast,
    "activities": ServiceActivity,
    "value-entries": ValueEntry,
}

WRITERS = {
    # resource: {client: status}
    "revenue": {
        "owner_api": 403,
        "team_member_api": 403,
        "other_manager_api": 404,
        "executive_api": 403,
        "ops_api": 201,
        "anonymous_api": 401,
    },
    "forecasts": {
        "owner_api": 403,
        "team_member_api": 403,
        "other_manager_api": 404,
        "executive_api": 403,
        "ops_api": 201,
        "anonymous_api": 401,
    },
    "activities": {
        "owner_api": 201,
        "team_member_api": 201,
        "other_manager_api": 404,
        "executive_api": 403,
        "ops_api": 201,
        "anonymous_api": 401,
    },
    "value-entries": {
        "owner_api": 201,
        "team_member_api": 201,
        "other_manager_api": 404,
        "executive_api": 403,
        "ops_api": 403,
        "anonymous_api": 401,
    },
}

WRITE_CASES = [
    (resource, client, status)
    for resource, statuses in WRITERS.items()
    for client, status in statuses.items()
]


@pytest.mark.parametrize(("resource", "client_name", "status"), WRITE_CASES)
def test_create_access(
    request: Any, money: Any, account: Any, resource: str, client_name: str, status: int
) -> None:
    model = MODELS[resource]
    before = model.objects.count()

    response = request.getfixturevalue(client_name).post(
        f"{API}/{resource}/", _payloads(account)[resource], format="json"
    )

    assert response.status_code == status, response.content
    assert model.objects.count() == before + (1 if status == 201 else 0)


@pytest.mark.parametrize(("resource", "client_name", "status"), WRITE_CASES)
def test_delete_access(
    request: Any, money: Any, resource: str, client_name: str, status: int
) -> None:
    record = money[resource]
    expected = 204 if status == 201 else status
    # The team member deletes what they recorded (tests/kam/test_write_rules.py: not others').
    if resource in ("activities", "value-entries"):
        MODELS[resource].objects.filter(pk=record.pk).update(
            created_by=request.getfixturevalue("team_member")
        )

    response = request.getfixturevalue(client_name).delete(f"{API}/{resource}/{record.pk}/")

    assert response.status_code == expected
    assert MODELS[resource].objects.filter(pk=record.pk).exists() == (expected != 204)


def test_value_entry_update_by_team_member(
    team_member_api: Any, team_member: Any, money: Any
) -> None:
    """A team member edits the ledger entries they recorded (tests/kam/test_write_rules.py
    has the whole matrix)."""
    entry = money["value-entries"]
    ValueEntry.objects.filter(pk=entry.pk).update(created_by=team_member)
    response = team_member_api.patch(
        f"{API}/value-entries/{entry.pk}/",
        {"amount": "7500.00", "category": "productivity"},
        format="json",
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.amount, entry.category) == (Decimal("7500.00"), "productivity")


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("ops_api", 201),
        ("owner_api", 403),
        ("executive_api", 403),
        ("anonymous_api", 401),
    ],
)
def test_activity_types_and_rates_are_kept_by_ops(
    request: Any, money: Any, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    types_before, rates_before = ActivityType.objects.count(), ActivityRate.objects.count()

    created_type = client.post(
        f"{API}/activity-types/",
        {"code": "exec-visit", "name": "Executive visit", "unit": "visit", "is_investment": True},
        format="json",
    )
    created_rate = client.post(
        f"{API}/activity-rates/",
        {"activity_type": "handling", "effective_from": "2026-01-01", "unit_cost": "11.00"},
        format="json",
    )

    assert (created_type.status_code, created_rate.status_code) == (status, status)
    added = 1 if status == 201 else 0
    assert ActivityType.objects.count() == types_before + added
    assert ActivityRate.objects.count() == rates_before + added


@pytest.mark.parametrize("client_name", ["owner_api", "other_manager_api", "executive_api"])
def test_activity_types_are_read_by_code(request: Any, money: Any, client_name: str) -> None:
    response = request.getfixturevalue(client_name).get(f"{API}/activity-types/handling/")
    assert response.status_code == 200
    assert response.json()["code"] == "handling"


@pytest.mark.parametrize(
    ("resource", "change", "field", "message"),
    [
        ("revenue", {"period_start": "2025-03-15"}, "period_start", "first day of a month"),
        ("revenue", {"revenue": "-1"}, "revenue", "greater than or equal to 0"),
        ("revenue", {"revenue": "1,5"}, "revenue", "valid number"),
        ("forecasts", {"period_start": "2024-13-01"}, "period_start", "Date has wrong format"),
        ("activities", {"quantity": "-2"}, "quantity", "greater than or equal to 0"),
        ("activities", {"activity_type": "teleport"}, "activity_type", "No activity type"),
        ("value-entries", {"confirmed_on": None}, "confirmed_on", "date the customer confirmed"),
        ("value-entries", {"direction": "sideways"}, "direction", "not a valid choice"),
        ("value-entries", {"amount": "0"}, "amount", "more than zero"),
    ],
)
def test_bad_input_answers_400_per_field_and_writes_nothing(
    ops_api: Any,
    owner_api: Any,
    money: Any,
    account: Any,
    resource: str,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    client = ops_api if resource in ("revenue", "forecasts") else owner_api
    model = MODELS[resource]
    before = model.objects.count()
    payload = {**_payloads(account)[resource], **change}

    response = client.post(f"{API}/{resource}/", payload, format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert model.objects.count() == before


def test_duplicate_revenue_month_answers_400(ops_api: Any, money: Any, account: Any) -> None:
    existing = money["revenue"]
    response = ops_api.post(
        f"{API}/revenue/",
        {
            "account": account.pk,
            "location": existing.location.name,
            "period_start": existing.period_start.isoformat(),
            "revenue": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert RevenueRecord.objects.filter(account=account).count() == 1


def test_filters_by_account_and_date_range(executive_api: Any, money: Any, account: Any) -> None:
    ServiceActivityFactory(
        account=account, activity_type=money["activities"].activity_type, date="2024-01-01"
    )
    response = executive_api.get(
        f"{API}/activities/?account={account.pk}&date_from=2025-01-01&date_to=2025-12-31"
    )
    assert [row["id"] for row in response.json()["results"]] == [money["activities"].pk]


# --- exports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "accounts"),
    [
        ("owner exports own account only", "owner_api", ["NW-1"]),
        ("unrelated manager exports nothing", "other_manager_api", []),
        ("executive exports every account", "executive_api", ["NW-1", "ST-9"]),
    ],
)
def test_csv_export_follows_the_gatekeeper(
    request: Any, money: Any, _case: str, client_name: str, accounts: list[str]
) -> None:
    response = request.getfixturevalue(client_name).get(f"{API}/revenue/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["account", "location", "period_start", "revenue", "cost_of_goods"]
    assert sorted(row[0] for row in rows[1:]) == accounts


def test_xlsx_export_of_activities(owner_api: Any, money: Any) -> None:
    response = owner_api.get(f"{API}/activities/export/?file_format=xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows == [
        ("account", "activity_type", "date", "quantity"),
        ("NW-1", "handling", "2025-06-01", 2),
    ]


def test_export_refuses_an_unknown_format(owner_api: Any, money: Any) -> None:
    response = owner_api.get(f"{API}/revenue/export/?file_format=pdf")
    assert response.status_code == 400


def test_export_needs_a_login(anonymous_api: Any, money: Any) -> None:
    assert anonymous_api.get(f"{API}/revenue/export/").status_code == 401


# --- query counts -------------------------------------------------------------------------


def _many(owner: Any, size: int) -> None:
    handling = ActivityTypeFactory(code="handling")
    for index in range(size):
        account = AccountFactory(owner=owner)
        RevenueRecordFactory(account=account)
        ForecastFactory(account=account)
        ServiceActivityFactory(account=account, activity_type=handling)
        ValueEntryFactory(account=account, created_by=owner)
        ActivityRateFactory(
            activity_type=handling,
            effective_from=datetime.date(2020, 1, 1) + datetime.timedelta(days=index),
        )
        ActivityTypeFactory(code=f"type-{index}")


@pytest.mark.parametrize("size", [3, 20])
@pytest.mark.parametrize(
    ("resource", "queries"),
    [
        # user's groups (role check in the gatekeeper), COUNT, page joined with accounts
        # (and locations / activity types / creators)
        ("revenue", 3),
        ("forecasts", 3),
        ("activities", 3),
        ("value-entries", 3),
        # COUNT, page (no role check: every signed-in user reads types and rates)
        ("activity-types", 2),
        ("activity-rates", 2),
    ],
)
def test_list_endpoint_queries(
    owner: Any,
    owner_api: Any,
    django_assert_num_queries: Any,
    resource: str,
    queries: int,
    size: int,
) -> None:
    _many(owner, size)
    with django_assert_num_queries(queries):
        response = owner_api.get(f"{API}/{resource}/")
    assert response.status_code == 200
    assert response.json()["count"] >= size


def test_executive_list_skips_the_visibility_subquery(
    executive_api: Any, django_assert_num_queries: Any
) -> None:
    _many(UserFactory(roles=["account_manager"]), 5)
    # user's groups (role), COUNT, page
    with django_assert_num_queries(3):
        executive_api.get(f"{API}/activities/")
