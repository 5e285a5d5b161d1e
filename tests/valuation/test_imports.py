"""`import_data KIND FILE`: bad input refuses the whole file and writes nothing; good files are
idempotent on their natural keys; files without a natural key load once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.models import Account, AccountEvent, AccountLocation, Complaint
from tests.factories import AccountFactory
from tests.valuation.factories import ActivityRateFactory, ActivityTypeFactory
from valuation.models import (
    ActivityRate,
    ActivityType,
    Forecast,
    ImportBatch,
    RevenueRecord,
    ServiceActivity,
)

pytestmark = pytest.mark.django_db


def database_state() -> dict[str, Any]:
    """Everything an import may write, to compare before and after a refusal."""
    return {
        "accounts": sorted(Account.objects.values_list("external_id", "name", "owner_id")),
        "locations": sorted(AccountLocation.objects.values_list("account_id", "name")),
        "revenue": sorted(
            RevenueRecord.objects.values_list(
                "account_id", "location_id", "period_start", "revenue", "cost_of_goods"
            )
        ),
        "forecasts": sorted(Forecast.objects.values_list("account_id", "period_start", "revenue")),
        "types": sorted(ActivityType.objects.values_list("code", "name", "unit", "is_investment")),
        "rates": sorted(
            ActivityRate.objects.values_list("activity_type_id", "effective_from", "unit_cost")
        ),
        "activities": ServiceActivity.objects.count(),
        "complaints": Complaint.objects.count(),
        "events": AccountEvent.objects.count(),
    }


def run_import(kind: str, path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_data", kind, str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(kind: str, path: Path) -> str:
    """Run the command expecting a refusal; return what it printed about the problems."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="refused|already loaded|empty|not a readable"):
        call_command("import_data", kind, str(path), stdout=out, stderr=err)
    return err.getvalue()


@pytest.fixture
def world(account: Any) -> dict[str, Any]:
    """Account NW-1 with a location, and two activity types with rates."""
    AccountLocation.objects.create(account=account, name="Rotterdam")
    handling = ActivityTypeFactory(code="order-handling", name="Order handling", unit="order")
    ActivityRateFactory(activity_type=handling, effective_from=datetime.date(2024, 1, 1))
    ActivityTypeFactory(code="site-visit", name="Site visit", unit="visit", is_investment=True)
    return {"account": account}


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_FILES = [
    (
        "wrong header name",
        "revenue",
        "acct,location,period_start,revenue,cost_of_goods\nNW-1,Rotterdam,2025-01-01,10,5\n",
        [(1, "acct", "Unknown column 'acct'"), (1, "account", "'account' is missing")],
    ),
    (
        "missing header row",
        "revenue",
        "NW-1,Rotterdam,2025-01-01,10,5\nNW-1,Rotterdam,2025-02-01,10,5\n",
        [(1, "", "first row must be the header")],
    ),
    (
        "missing column",
        "forecasts",
        "account,period_start\nNW-1,2027-01-01\n",
        [(1, "revenue", "'revenue' is missing")],
    ),
    (
        "unknown column",
        "activities",
        "account,activity_type,date,quantity,notes\nNW-1,order-handling,2025-01-03,2,x\n",
        [(1, "notes", "Unknown column 'notes'")],
    ),
    (
        "bad date",
        "activities",
        "account,activity_type,date,quantity\nNW-1,order-handling,2024-13-01,2\n",
        [(2, "date", "'2024-13-01' is not a real date")],
    ),
    (
        "date in another format",
        "activities",
        "account,activity_type,date,quantity\nNW-1,order-handling,03/01/2025,2\n",
        [(2, "date", "YYYY-MM-DD")],
    ),
    (
        "revenue period not a month's first day",
        "revenue",
        "account,location,period_start,revenue,cost_of_goods\nNW-1,Rotterdam,2025-01-15,10,5\n",
        [(2, "period_start", "not the first day of a month")],
    ),
    (
        "negative quantity",
        "activities",
        "account,activity_type,date,quantity\nNW-1,order-handling,2025-01-03,-2\n",
        [(2, "quantity", "cannot be negative")],
    ),
    (
        "unknown account",
        "activities",
        "account,activity_type,date,quantity\nNOPE-9,order-handling,2025-01-03,2\n",
        [(2, "account", "No account has the external id 'NOPE-9'")],
    ),
    (
        "unknown activity code",
        "activities",
        "account,activity_type,date,quantity\nNW-1,teleport,2025-01-03,2\n",
        [(2, "activity_type", "No activity type has the code 'teleport'")],
    ),
    (
        "amount with a comma",
        "revenue",
        'account,location,period_start,revenue,cost_of_goods\nNW-1,Rotterdam,2025-01-01,"1,234.50",5\n',
        [(2, "revenue", "contains a comma")],
    ),
    (
        "amount as text",
        "forecasts",
        "account,period_start,revenue\nNW-1,2027-01-01,lots\n",
        [(2, "revenue", "'lots' is not a number")],
    ),
    (
        "same natural key twice",
        "revenue",
        "account,location,period_start,revenue,cost_of_goods\n"
        "NW-1,Rotterdam,2025-01-01,10,5\nNW-1,Rotterdam,2025-02-01,10,5\n"
        "NW-1,Rotterdam,2025-01-01,12,5\n",
        [(4, "account, location, period_start", "Same account, location, period_start as row 2")],
    ),
    (
        "rate with no activity type",
        "activity_rates",
        "activity_type,effective_from,unit_cost\n,2025-01-01,3.50\n",
        [(2, "activity_type", "Every rate needs an activity type")],
    ),
    (
        "row with too many values",
        "forecasts",
        "account,period_start,revenue\nNW-1,2027-01-01,10,20\n",
        [(2, "", "has 4 values but the header has 3 columns")],
    ),
    (
        "complaint with an unknown severity and resolved before opened",
        "complaints",
        "account,category,severity,opened_on,resolved_on,description\n"
        "NW-1,Late delivery,urgent,2025-03-10,2025-03-01,Two days late\n",
        [
            (2, "severity", "'urgent' is not a known severity"),
            (2, "resolved_on", "cannot be resolved before it was opened"),
        ],
    ),
    (
        "event of an unknown kind",
        "events",
        "account,kind,date,notes\nNW-1,party,2025-03-10,\n",
        [(2, "kind", "'party' is not a known event kind")],
    ),
    (
        "header only",
        "forecasts",
        "account,period_start,revenue\n",
        [(0, "", "no data rows")],
    ),
    (
        "several problems are all listed",
        "activities",
        "account,activity_type,date,quantity\n"
        "NW-1,order-handling,2025-01-03,2\n"
        "NW-1,order-handling,2025-02-30,abc\n"
        "NW-1,order-handling,2025-01-04,1\n"
        "ZZ,order-handling,2025-01-05,1\n",
        [
            (3, "date", "'2025-02-30' is not a real date"),
            (3, "quantity", "'abc' is not a number"),
            (5, "account", "'ZZ'"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("_case", "kind", "content", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_is_refused_with_every_problem_and_nothing_written(
    world: Any, tmp_path: Path, _case: str, kind: str, content: str, expected: list[Any]
) -> None:
    # given
    before = database_state()
    path = write(tmp_path, content)

    # when
    printed = refused(kind, path)

    # then every problem is reported with its row and column, and nothing changed
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert len(batch.errors) == len(expected)
    for (row, column, message), error in zip(expected, batch.errors, strict=True):
        assert (error["row"], error["column"]) == (row, column)
        assert message in error["message"]
        assert message in printed
    assert database_state() == before


def test_empty_file_is_refused(world: Any, tmp_path: Path) -> None:
    before = database_state()
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    printed = refused("revenue", path)

    assert "The file is empty" in printed
    assert database_state() == before


def test_non_utf8_bytes_are_refused_with_the_row_and_column(world: Any, tmp_path: Path) -> None:
    # given a Latin-1 file: "Café" is not UTF-8
    before = database_state()
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"account,location,period_start,revenue,cost_of_goods\n"
        b"NW-1,Rotterdam,2025-01-01,10,5\n"
        b"NW-1,Caf\xe9 Nord,2025-01-01,10,5\n"
    )

    printed = refused("revenue", path)

    errors = ImportBatch.objects.get().errors
    assert errors[0]["message"].startswith("The file is not UTF-8 text")
    assert errors[1] == {
        "row": 3,
        "column": "location",
        "message": "This value has bytes that are not UTF-8 text.",
    }
    assert "row 3, column location" in printed
    assert database_state() == before


def test_large_file_with_one_bad_row_at_the_end_is_refused(world: Any, tmp_path: Path) -> None:
    # given 5,000 good activity rows (more than one COPY chunk and write batch) and a last
    # bad one: the same code path as the 1,000,000-row benchmark file
    before = database_state()
    lines = ["account,activity_type,date,quantity"]
    lines += [f"NW-1,order-handling,2025-01-{day % 28 + 1:02d},{day % 7}.5" for day in range(5000)]
    lines.append("NW-1,order-handling,2025-01-05,-1")
    path = write(tmp_path, "\n".join(lines) + "\n")

    printed = refused("activities", path)

    assert ImportBatch.objects.get().errors == [
        {"row": 5002, "column": "quantity", "message": "A quantity cannot be negative ('-1')."}
    ]
    assert "row 5002, column quantity" in printed
    assert database_state() == before


def test_revenue_import_creates_records_and_missing_locations(world: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "account,location,period_start,revenue,cost_of_goods\n"
        "NW-1,Rotterdam,2025-01-01,1000.50,600\n"
        "NW-1,Hamburg,2025-01-01,200,120.25\n",
    )

    out, _ = run_import("revenue", path)

    assert "2 new, 0 changed" in out
    account = world["account"]
    assert sorted(account.locations.values_list("name", flat=True)) == ["Hamburg", "Rotterdam"]
    assert sorted(
        RevenueRecord.objects.values_list("location__name", "revenue", "cost_of_goods")
    ) == [
        ("Hamburg", Decimal("200.00"), Decimal("120.25")),
        ("Rotterdam", Decimal("1000.50"), Decimal("600.00")),
    ]


def test_reimporting_the_same_revenue_file_changes_nothing(world: Any, tmp_path: Path) -> None:
    # given a revenue file already imported
    path = write(
        tmp_path,
        "account,location,period_start,revenue,cost_of_goods\n"
        "NW-1,Rotterdam,2025-01-01,1000.50,600\n"
        "NW-1,Rotterdam,2025-02-01,900,500\n",
    )
    run_import("revenue", path)
    ids_before = sorted(RevenueRecord.objects.values_list("id", flat=True))
    state_before = database_state()

    # when it is imported again
    out, _ = run_import("revenue", path)

    # then nothing changed, not even the rows' ids
    assert "0 new, 0 changed, 2 already up to date" in out
    assert database_state() == state_before
    assert sorted(RevenueRecord.objects.values_list("id", flat=True)) == ids_before


def test_changed_revenue_file_updates_on_the_natural_key(world: Any, tmp_path: Path) -> None:
    header = "account,location,period_start,revenue,cost_of_goods\n"
    run_import("revenue", write(tmp_path, header + "NW-1,Rotterdam,2025-01-01,1000,600\n"))

    out, _ = run_import(
        "revenue",
        write(tmp_path, header + "NW-1,Rotterdam,2025-01-01,1100,650\n", name="fixed.csv"),
    )

    assert "0 new, 1 changed" in out
    assert list(RevenueRecord.objects.values_list("revenue", "cost_of_goods")) == [
        (Decimal("1100.00"), Decimal("650.00"))
    ]


def test_activities_file_already_loaded_is_refused(world: Any, tmp_path: Path) -> None:
    # given an activities file that was loaded once
    path = write(
        tmp_path,
        "account,activity_type,date,quantity\n"
        "NW-1,order-handling,2025-01-03,2\nNW-1,site-visit,2025-01-04,1\n",
    )
    run_import("activities", path)
    assert ServiceActivity.objects.count() == 2

    # when the same content is loaded again (even under another name)
    copy = write(tmp_path, path.read_text(), name="copy-of-file.csv")
    printed = refused("activities", copy)

    # then it is refused and no activity is duplicated
    assert "already loaded" in printed
    assert ServiceActivity.objects.count() == 2
    first, second = ImportBatch.objects.order_by("id")
    assert (first.status, second.status) == ("succeeded", "failed")
    assert set(ServiceActivity.objects.values_list("import_batch_id", flat=True)) == {first.pk}


def test_activities_import_writes_every_row(world: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,quantity,account,activity_type\n"  # columns in any order
        "2025-01-03,2.5,NW-1,order-handling\n2025-01-04,1,NW-1,site-visit\n",
    )

    out, _ = run_import("activities", path)

    assert "2 new" in out
    assert sorted(
        ServiceActivity.objects.values_list("activity_type__code", "date", "quantity")
    ) == [
        ("order-handling", datetime.date(2025, 1, 3), Decimal("2.50")),
        ("site-visit", datetime.date(2025, 1, 4), Decimal("1.00")),
    ]


def test_accounts_types_and_rates_import(owner: Any, tmp_path: Path) -> None:
    run_import(
        "accounts",
        write(
            tmp_path,
            "external_id,name,industry,region,designation,owner\n"
            "ACME-1,Acme,Chemicals,Europe,strategic,alice\n",
        ),
    )
    run_import(
        "activity_types",
        write(
            tmp_path,
            "code,name,unit,is_investment\nexec-visit,Executive visit,visit,true\n",
            "types.csv",
        ),
    )
    run_import(
        "activity_rates",
        write(
            tmp_path,
            "activity_type,effective_from,unit_cost\nexec-visit,2025-01-01,1500\n",
            "rates.csv",
        ),
    )

    account = Account.objects.get(external_id="ACME-1")
    assert (account.name, account.designation, account.owner) == ("Acme", "strategic", owner)
    assert ActivityType.objects.get(code="exec-visit").is_investment is True
    assert ActivityRate.objects.get().unit_cost == Decimal("1500.00")


def test_accounts_import_refuses_an_owner_who_is_not_an_account_manager(
    owner: Any, ops: Any, tmp_path: Path
) -> None:
    before = database_state()
    path = write(
        tmp_path,
        "external_id,name,industry,region,designation,owner\nACME-1,Acme,,,,olga\n",
    )

    printed = refused("accounts", path)

    assert "'olga' is not an active account manager" in printed
    assert database_state() == before


def xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "file.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_revenue_import(world: Any, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        [
            ["account", "location", "period_start", "revenue", "cost_of_goods"],
            ["NW-1", "Rotterdam", datetime.date(2025, 3, 1), 1234.5, 600],
        ],
    )

    out, _ = run_import("revenue", path)

    assert "1 new" in out
    assert RevenueRecord.objects.get().revenue == Decimal("1234.50")


def test_xlsx_with_a_bad_row_is_refused(world: Any, tmp_path: Path) -> None:
    before = database_state()
    path = xlsx(
        tmp_path,
        [
            ["account", "period_start", "revenue"],
            ["NW-1", datetime.date(2027, 1, 1), 100],
            ["NW-1", "2027-13-01", 100],
        ],
    )

    printed = refused("forecasts", path)

    assert "row 3, column period_start" in printed
    assert database_state() == before


def test_file_that_is_not_xlsx_is_refused(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip file")

    printed = refused("revenue", path)

    assert "not a readable XLSX workbook" in printed


def test_command_prints_progress(world: Any, tmp_path: Path) -> None:
    lines = ["account,activity_type,date,quantity"]
    lines += ["NW-1,order-handling,2025-01-03,1"] * 25
    path = write(tmp_path, "\n".join(lines) + "\n")
    out = StringIO()

    call_command("import_data", "activities", str(path), "--progress-every", "10", stdout=out)

    assert "10 rows read" in out.getvalue()
    assert "20 rows read" in out.getvalue()
    assert "Imported 25 row(s)" in out.getvalue()


def test_command_refuses_a_missing_file(tmp_path: Path, db: Any) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_data", "revenue", str(tmp_path / "nope.csv"))
    assert not ImportBatch.objects.exists()


def test_accounts_are_created_before_their_revenue_can_load(owner: Any, tmp_path: Path) -> None:
    AccountFactory(owner=owner, external_id="B-2")
    run_import(
        "revenue",
        write(
            tmp_path,
            "account,location,period_start,revenue,cost_of_goods\nB-2,HQ,2025-01-01,5,\n",
        ),
    )
    assert RevenueRecord.objects.get().cost_of_goods == Decimal("0.00")


def test_activities_follow_their_account_and_type_without_database_foreign_keys(
    world: Any, tmp_path: Path
) -> None:
    # given imported activities (the table has no database foreign keys: see the model)
    from django.db.models import ProtectedError

    path = write(
        tmp_path,
        "account,activity_type,date,quantity\nNW-1,order-handling,2025-01-03,2\n",
    )
    run_import("activities", path)
    handling = ActivityType.objects.get(code="order-handling")

    # then a type in use cannot be deleted, and deleting the account deletes its activities
    with pytest.raises(ProtectedError):
        handling.delete()
    world["account"].delete()
    assert not ServiceActivity.objects.exists()


def test_complaints_and_events_import_and_load_once(world: Any, tmp_path: Path) -> None:
    complaints = write(
        tmp_path,
        "account,category,severity,opened_on,resolved_on,description\n"
        "NW-1,Late Delivery,high,2025-03-10,,Two days late\n"
        "NW-1,late delivery,medium,2025-04-02,2025-04-05,\n",
        "complaints.csv",
    )
    events = write(
        tmp_path,
        "account,kind,date,notes\nNW-1,rfp_issued,2025-05-01,Tender for 2026 volumes\n",
        "events.csv",
    )

    run_import("complaints", complaints)
    run_import("events", events)
    printed = refused("complaints", complaints)

    assert "already loaded" in printed
    assert sorted(Complaint.objects.values_list("category", "severity", "resolved_on")) == [
        ("late delivery", "high", None),
        ("late delivery", "medium", datetime.date(2025, 4, 5)),
    ]
    assert list(AccountEvent.objects.values_list("kind", "notes")) == [
        ("rfp_issued", "Tender for 2026 volumes")
    ]


@pytest.mark.parametrize("every", ["0", "-5", "ten"])
def test_command_refuses_a_progress_step_that_is_not_a_positive_number(
    world: Any, tmp_path: Path, every: str
) -> None:
    path = write(
        tmp_path, "account,activity_type,date,quantity\nNW-1,order-handling,2025-01-03,1\n"
    )

    with pytest.raises(CommandError, match="is not a whole number of rows above 0"):
        call_command("import_data", "activities", str(path), "--progress-every", every)

    assert not ImportBatch.objects.exists()
