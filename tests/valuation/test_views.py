"""Pages: data imports (ops), money lists with exports, activity types, the Value tab."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountLocation
from tests.factories import AccountFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ForecastFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)
from tests.valuation.test_imports import BAD_FILES, database_state
from valuation.importing import services as import_services
from valuation.models import ActivityRate, ActivityType, ImportBatch, ServiceActivity, ValueEntry

pytestmark = pytest.mark.django_db

GOOD_REVENUE = (
    "account,location,period_start,revenue,cost_of_goods\n"
    "NW-1,Rotterdam,2025-01-01,1000,600\nNW-1,Rotterdam,2025-02-01,1100,640\n"
)


def upload(client: Any, kind: str, content: str | bytes, name: str = "file.csv") -> Any:
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/imports/",
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


@pytest.fixture
def world(account: Any) -> dict[str, Any]:
    AccountLocation.objects.create(account=account, name="Rotterdam")
    handling = ActivityTypeFactory(code="order-handling", name="Order handling", unit="order")
    ActivityRateFactory(activity_type=handling)
    ActivityTypeFactory(code="site-visit", name="Site visit", is_investment=True)
    return {"account": account, "handling": handling}


# --- role matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("ops", "ops_client", 200),
        ("owner", "owner_client", 403),
        ("executive", "executive_client", 403),
        ("unrelated manager", "other_manager_client", 403),
        ("anonymous goes to login", "anonymous_client", 302),
    ],
)
def test_import_pages_are_for_ops(
    request: Any, world: Any, _case: str, client_name: str, status: int
) -> None:
    batch = ImportBatch.objects.create(kind="revenue", file_name="x.csv", sha256="0" * 64)
    client = request.getfixturevalue(client_name)

    for url in ("/imports/", f"/imports/{batch.pk}/"):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_client", 403),
        ("executive_client", 403),
        ("anonymous_client", 302),
    ],
)
def test_upload_refused_for_non_ops_writes_nothing(
    request: Any, world: Any, client_name: str, status: int
) -> None:
    before = database_state()
    response = upload(request.getfixturevalue(client_name), "revenue", GOOD_REVENUE)
    assert response.status_code == status
    assert database_state() == before
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 200),
        ("team member", "team_member_client", 200),
        ("executive", "executive_client", 200),
        ("ops", "ops_client", 200),
        ("unrelated manager gets 404", "other_manager_client", 404),
        ("anonymous goes to login", "anonymous_client", 302),
    ],
)
def test_value_tab_access(
    request: Any, world: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get(f"/accounts/{world['account'].pk}/value/")
    assert response.status_code == status


ENTRY = {
    "entry-direction": "delivered",
    "entry-category": "cost savings",
    "entry-amount": "12500.00",
    "entry-date": "2025-05-01",
    "entry-evidence": "Line trial: 4 % less scrap",
    "entry-customer_confirmed": "on",
    "entry-confirmed_by": "Jane Roe, plant manager",
    "entry-confirmed_on": "2025-05-20",
}


@pytest.mark.parametrize(
    ("_case", "client_name", "status", "created"),
    [
        ("owner adds", "owner_client", 302, 1),
        ("team member adds", "team_member_client", 302, 1),
        ("executive may not", "executive_client", 403, 0),
        ("ops may not", "ops_client", 403, 0),
        ("unrelated manager gets 404", "other_manager_client", 404, 0),
        ("anonymous goes to login", "anonymous_client", 302, 0),
    ],
)
def test_value_entry_add_access(
    request: Any, world: Any, _case: str, client_name: str, status: int, created: int
) -> None:
    account = world["account"]
    response = request.getfixturevalue(client_name).post(
        f"/accounts/{account.pk}/value/entries/", ENTRY
    )
    assert response.status_code == status
    assert ValueEntry.objects.filter(account=account).count() == created


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"entry-confirmed_on": ""}, "confirmed_on", "date the customer confirmed"),
        ({"entry-confirmed_by": ""}, "confirmed_by", "Name the customer's person"),
        ({"entry-amount": "1,5"}, "amount", "Enter a number"),
        ({"entry-date": "2025-13-01"}, "date", "Enter a valid date"),
        ({"entry-customer_confirmed": ""}, "confirmed_on", "Tick"),
    ],
)
def test_value_entry_bad_input_shows_errors_beside_fields(
    owner_client: Any, world: Any, change: dict[str, str], field: str, message: str
) -> None:
    account = world["account"]
    response = owner_client.post(f"/accounts/{account.pk}/value/entries/", {**ENTRY, **change})
    assert response.status_code == 400
    assert message in " ".join(response.context["entry_form"].errors[field])
    assert not ValueEntry.objects.exists()


def test_value_entry_remove(owner_client: Any, executive_client: Any, world: Any) -> None:
    account = world["account"]
    entry = ValueEntryFactory(account=account)
    url = f"/accounts/{account.pk}/value/entries/{entry.pk}/remove/"

    assert executive_client.post(url).status_code == 403
    assert ValueEntry.objects.filter(pk=entry.pk).exists()
    assert owner_client.post(url).status_code == 302
    assert not ValueEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("client_name", "status", "created"),
    [
        ("owner_client", 302, 1),
        ("team_member_client", 302, 1),
        ("ops_client", 302, 1),
        ("executive_client", 403, 0),
        ("other_manager_client", 404, 0),
    ],
)
def test_activity_add_access(
    request: Any, world: Any, client_name: str, status: int, created: int
) -> None:
    account = world["account"]
    response = request.getfixturevalue(client_name).post(
        f"/accounts/{account.pk}/value/activities/",
        {
            "activity-activity_type": "order-handling",
            "activity-date": "2025-05-02",
            "activity-quantity": "3",
        },
    )
    assert response.status_code == status
    assert ServiceActivity.objects.count() == created


def test_activity_add_refuses_a_negative_quantity(owner_client: Any, world: Any) -> None:
    response = owner_client.post(
        f"/accounts/{world['account'].pk}/value/activities/",
        {
            "activity-activity_type": "order-handling",
            "activity-date": "2025-05-02",
            "activity-quantity": "-3",
        },
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in str(response.context["activity_form"].errors)
    assert not ServiceActivity.objects.exists()


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("ops_client", 302), ("owner_client", 403), ("executive_client", 403)],
)
def test_activity_types_page_writes_are_for_ops(
    request: Any, world: Any, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    assert client.get("/money/activity-types/").status_code == 200
    before = (ActivityType.objects.count(), ActivityRate.objects.count())

    type_response = client.post(
        "/money/activity-types/",
        {"type-code": "exec-visit", "type-name": "Executive visit", "type-unit": "visit"},
    )
    rate_response = client.post(
        "/money/activity-types/",
        {
            "rate-activity_type": "order-handling",
            "rate-effective_from": "2026-01-01",
            "rate-unit_cost": "13.00",
        },
    )

    assert (type_response.status_code, rate_response.status_code) == (status, status)
    added = 1 if status == 302 else 0
    assert (ActivityType.objects.count(), ActivityRate.objects.count()) == (
        before[0] + added,
        before[1] + added,
    )


def test_activity_rate_page_refuses_a_duplicate_rate(ops_client: Any, world: Any) -> None:
    response = ops_client.post(
        "/money/activity-types/",
        {
            "rate-activity_type": "order-handling",
            "rate-effective_from": "2024-01-01",
            "rate-unit_cost": "13.00",
        },
    )
    assert response.status_code == 400
    assert "already has a rate from this date" in str(response.context["rate_form"].errors)


# --- imports through the page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "kind", "content", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_page_refuses_a_bad_file_and_lists_every_problem(
    ops_client: Any, world: Any, _case: str, kind: str, content: str, expected: list[Any]
) -> None:
    before = database_state()

    response = upload(ops_client, kind, content)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{batch.pk}/"
    page = ops_client.get(response["Location"]).content.decode()
    assert "Problems to fix" in page
    for _row, _column, message in expected:
        assert message.replace("'", "&#x27;") in page
    assert database_state() == before


def test_page_imports_a_good_file(ops_client: Any, world: Any) -> None:
    response = upload(ops_client, "revenue", GOOD_REVENUE)

    page = ops_client.get(response["Location"]).content.decode()
    assert "Imported 2 row(s): 2 new" in page
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_by.username, batch.rows_created) == ("succeeded", "olga", 2)
    assert batch.file.name.startswith("imports/")


def test_page_refuses_a_second_load_of_an_activities_file(ops_client: Any, world: Any) -> None:
    content = "account,activity_type,date,quantity\nNW-1,order-handling,2025-01-03,2\n"
    upload(ops_client, "activities", content)
    response = upload(ops_client, "activities", content, name="again.csv")

    page = ops_client.get(response["Location"]).content.decode()
    assert "already loaded" in page
    assert ServiceActivity.objects.count() == 1


def test_page_refuses_a_file_that_is_not_csv_or_xlsx(ops_client: Any, world: Any) -> None:
    response = upload(ops_client, "revenue", "hello", name="notes.pdf")
    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_big_file_runs_as_a_background_task(
    ops_client: Any, world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a threshold below the file's size, so the page queues the import
    monkeypatch.setattr(import_services, "INLINE_IMPORT_MAX_BYTES", 10)
    content = "account,activity_type,date,quantity\n" + "NW-1,order-handling,2025-01-03,2\n" * 30

    # when the upload's transaction commits, the task runs (eager without a broker)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(ops_client, "activities", content)

    # then the batch page shows the finished import: the task was queued at the commit (and
    # the import's own commit moved the accounts data's version)
    assert [callback.__qualname__.split(".")[0] for callback in callbacks] == [
        "import_batch_queue",
        "bump",
    ]
    batch = ImportBatch.objects.get()
    assert batch.status == "succeeded"
    assert ServiceActivity.objects.count() == 30
    assert "Imported 30 row(s)" in ops_client.get(response["Location"]).content.decode()


def test_running_batch_page_refreshes_and_shows_progress(ops_client: Any, world: Any) -> None:
    batch = ImportBatch.objects.create(
        kind="activities", file_name="big.csv", sha256="1" * 64, status="running", rows_total=200
    )
    from django.core.cache import cache

    cache.set(import_services.import_progress_key(batch.pk), 50)

    page = ops_client.get(f"/imports/{batch.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert "50 rows read of about 200" in page
    assert 'value="25"' in page


# --- lists and exports -----------------------------------------------------------------------


@pytest.fixture
def money(account: Any, world: Any) -> None:
    stranger = AccountFactory(external_id="ST-9")
    for target in (account, stranger):
        RevenueRecordFactory(account=target)
        ForecastFactory(account=target)
        ServiceActivityFactory(account=target, activity_type=world["handling"])
        ValueEntryFactory(account=target)


@pytest.mark.parametrize("resource", ["revenue", "forecasts", "activities", "value-entries"])
@pytest.mark.parametrize(
    ("client_name", "count"),
    [
        ("owner_client", 1),
        ("other_manager_client", 0),
        ("executive_client", 2),
        ("ops_client", 2),
    ],
)
def test_list_pages_show_visible_accounts_only(
    request: Any, money: Any, resource: str, client_name: str, count: int
) -> None:
    response = request.getfixturevalue(client_name).get(f"/money/{resource}/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_list_page_requires_login(anonymous_client: Any, money: Any) -> None:
    assert anonymous_client.get("/money/revenue/").status_code == 302
    assert anonymous_client.get("/exports/revenue/").status_code == 302


@pytest.mark.parametrize(
    ("client_name", "accounts"),
    [
        ("owner_client", ["NW-1"]),
        ("other_manager_client", []),
        ("executive_client", ["NW-1", "ST-9"]),
    ],
)
def test_list_page_export_follows_filters_and_gatekeeper(
    request: Any, money: Any, client_name: str, accounts: list[str]
) -> None:
    client = request.getfixturevalue(client_name)

    everything = client.get("/money/activities/?file_format=csv")
    filtered = client.get("/money/activities/?file_format=csv&account=NW-1")

    rows = list(csv.reader(io.StringIO(b"".join(everything.streaming_content).decode())))
    assert rows[0] == ["account", "activity_type", "date", "quantity"]
    assert sorted(row[0] for row in rows[1:]) == accounts
    filtered_rows = list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))
    assert [row[0] for row in filtered_rows[1:]] == [a for a in accounts if a == "NW-1"]


def test_exported_revenue_file_imports_back_unchanged(
    ops_client: Any, money: Any, tmp_path: Any
) -> None:
    # given the exported revenue of every account
    exported = b"".join(ops_client.get("/exports/revenue/").streaming_content)
    before = database_state()

    # when it is imported again
    response = upload(ops_client, "revenue", exported, name="revenue-export.csv")

    # then every row matched its natural key and nothing changed
    assert (
        "0 new, 0 changed, 2 already up to date"
        in ops_client.get(response["Location"]).content.decode()
    )
    assert database_state() == before


# --- the Value tab's content and query counts ------------------------------------------------


def test_value_tab_shows_revenue_cost_and_ledger(owner_client: Any, world: Any) -> None:
    account = world["account"]
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    this_month = today.replace(day=1)
    RevenueRecordFactory(account=account, period_start=this_month, revenue=Decimal("4321"))
    ServiceActivityFactory(
        account=account, activity_type=world["handling"], date=today, quantity=Decimal("3")
    )
    ValueEntryFactory(account=account, direction="delivered", amount=300, date=today)
    ValueEntryFactory(
        account=account,
        direction="received",
        amount=200,
        date=today - datetime.timedelta(days=1),
    )

    response = owner_client.get(f"/accounts/{account.pk}/value/")

    page = response.content.decode()
    assert response.context["revenue"].totals[-1] == Decimal("4321")
    assert response.context["cost"].total == Decimal("30.00")  # 3 × 10.00
    assert response.context["ledger"].ratio_ttm == Decimal("1.50")
    assert 'id="value-ratio">1.50<' in page
    assert 'data-figure="revenue-chart-data"' in page
    assert "vendor/plotly.min.js" in page


@pytest.mark.parametrize("size", [3, 15])
def test_value_tab_queries(
    owner_client: Any, world: Any, django_assert_num_queries: Any, size: int
) -> None:
    account = world["account"]
    for index in range(size):
        location = AccountLocation.objects.create(account=account, name=f"Site {index}")
        RevenueRecordFactory(account=account, location=location)
        activity_type = ActivityTypeFactory(code=f"type-{index}")
        ServiceActivityFactory(account=account, activity_type=activity_type)
        ValueEntryFactory(account=account)
    # session, user, user's groups (role check in the gatekeeper), the account, revenue by
    # location and window, forecasts by year, cost to serve by type, ledger entries, activity
    # types for the activity form (the owner contributes without a team-membership query)
    with django_assert_num_queries(9):
        response = owner_client.get(f"/accounts/{account.pk}/value/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 20])
def test_list_page_queries(
    owner: Any, owner_client: Any, django_assert_num_queries: Any, size: int
) -> None:
    handling = ActivityTypeFactory(code="handling")
    for _ in range(size):
        ServiceActivityFactory(account=AccountFactory(owner=owner), activity_type=handling)
    # session, user, user's groups (role), COUNT, page joined with accounts and types
    with django_assert_num_queries(5):
        response = owner_client.get("/money/activities/")
    assert response.status_code == 200


def test_location_with_revenue_cannot_be_removed(owner_client: Any, account: Any) -> None:
    # given a location that carries revenue history
    record = RevenueRecordFactory(account=account)

    # when the owner removes it on the account page
    response = owner_client.post(
        f"/accounts/{account.pk}/locations/{record.location_id}/remove/", follow=True
    )

    # then it is refused in plain words, and the location and its revenue stay
    assert response.status_code == 200
    assert "has revenue records, so it cannot be removed" in response.content.decode()
    assert AccountLocation.objects.filter(pk=record.location_id).exists()
