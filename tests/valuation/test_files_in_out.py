"""Files in and out: formula-safe exports that import back unchanged, XLSX read whole, bad
bytes refused in words, uploads limited and run in the background, old files deleted."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.models import Account, AccountEvent, AccountLocation, Complaint
from tests.factories import AccountFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ForecastFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
)
from tests.valuation.test_imports import database_state, refused, run_import
from valuation.importing import services as import_services
from valuation.models import ImportBatch, ServiceActivity

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.fixture
def formula_world(owner: Any, account: Account) -> dict[str, Any]:
    """Text that begins as a formula would, in every exported kind."""
    Account.objects.filter(pk=account.pk).update(
        name=FORMULAS[0], industry=FORMULAS[1], region=FORMULAS[2]
    )
    AccountFactory(owner=owner, external_id="-7", name="'=already quoted", industry="-minus sign")
    AccountFactory(owner=owner, external_id="Z-9", name="No region", industry="", region="")
    location = AccountLocation.objects.create(account=account, name="=Depot")
    handling = ActivityTypeFactory(code="-handling", name="=1+1", unit="@order")
    ActivityRateFactory(activity_type=handling, effective_from=datetime.date(2024, 1, 1))
    RevenueRecordFactory(account=account, location=location, period_start=datetime.date(2025, 1, 1))
    ForecastFactory(account=account, period_start=datetime.date(2026, 1, 1))
    ServiceActivityFactory(
        account=account, activity_type=handling, date=datetime.date(2025, 3, 4), quantity=2
    )
    Complaint.objects.create(
        account=account,
        category="=cat",
        severity="low",
        opened_on=datetime.date(2025, 2, 1),
        description="-late\nagain",
    )
    AccountEvent.objects.create(
        account=account, kind="other", date=datetime.date(2025, 2, 2), notes="+called"
    )
    # Rows whose last cells are empty: an XLSX sheet stores no cell for them.
    Complaint.objects.create(
        account=account, category="billing", severity="high", opened_on=datetime.date(2025, 2, 3)
    )
    AccountEvent.objects.create(account=account, kind="rfp_issued", date=datetime.date(2025, 2, 4))
    return {"account": account}


KINDS_WITH_KEY = ["accounts", "revenue", "forecasts", "activity_types", "activity_rates"]
KINDS_WITHOUT_KEY = {
    "activities": ServiceActivity,
    "complaints": Complaint,
    "events": AccountEvent,
}


def _export(client: Any, kind: str, file_format: str) -> bytes:
    response = client.get(f"/exports/{kind}/?file_format={file_format}")
    assert response.status_code == 200
    return _body(response)


def test_csv_exports_neutralise_formulas(ops_client: Any, formula_world: Any) -> None:
    text = _export(ops_client, "accounts", "csv").decode()
    for formula in FORMULAS:
        assert f"'{formula}" in text.replace('""', '"')
    assert "''=already quoted" in text
    assert "'-7," in text
    assert "'-minus sign" in text
    assert "'=1+1" in _export(ops_client, "activity_types", "csv").decode()
    assert "'=cat" in _export(ops_client, "complaints", "csv").decode()
    assert "'+called" in _export(ops_client, "events", "csv").decode()


def test_xlsx_exports_neutralise_formulas(ops_client: Any, formula_world: Any) -> None:
    sheet = load_workbook(io.BytesIO(_export(ops_client, "accounts", "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert {f"'{formula}" for formula in FORMULAS} <= {cell.value for cell in cells}
    assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS_WITH_KEY)
def test_export_imports_back_unchanged(
    ops_client: Any, formula_world: Any, tmp_path: Path, kind: str, file_format: str
) -> None:
    exported = _export(ops_client, kind, file_format)
    path = tmp_path / f"{kind}.{file_format}"
    path.write_bytes(exported)
    before = database_state()

    out, _ = run_import(kind, path)

    assert database_state() == before
    assert "0 new, 0 changed" in out
    again = _export(ops_client, kind, file_format)
    if file_format == "csv":
        assert again == exported


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(KINDS_WITHOUT_KEY))
def test_export_of_rows_without_a_key_loads_them_again_as_they_were(
    ops_client: Any, formula_world: Any, tmp_path: Path, kind: str, file_format: str
) -> None:
    exported = _export(ops_client, kind, "csv")
    path = tmp_path / f"{kind}.{file_format}"
    path.write_bytes(_export(ops_client, kind, file_format))
    KINDS_WITHOUT_KEY[kind].objects.all().delete()

    run_import(kind, path)

    assert _export(ops_client, kind, "csv") == exported


def test_dashboard_and_portfolio_writers_use_the_same_cells() -> None:
    from kam.spreadsheets import cell_from_file, csv_row, formula_safe

    for text in [*FORMULAS, "-5", "'=x", "''@y", "\rz", "plain", "", "it's"]:
        assert cell_from_file(formula_safe(text)) == text
    assert csv_row(["=a", None, Decimal("-5.00"), 3, "b"]) == ["'=a", "", Decimal("-5.00"), 3, "b"]


# --- XLSX read whole ---------------------------------------------------------------------------


def _xlsx_with_declared_dimension(path: Path, rows: list[list[Any]], declared: str) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b'<dimension ref="')
                end = data.index(b'"', start + len(b'<dimension ref="'))
                data = data[:start] + f'<dimension ref="{declared}'.encode() + data[end:]
            target.writestr(item, data)
    return path


def test_xlsx_with_a_wrong_declared_dimension_imports_every_row(
    account: Account, tmp_path: Path
) -> None:
    handling = ActivityTypeFactory(code="order-handling")
    ActivityRateFactory(activity_type=handling, effective_from=datetime.date(2024, 1, 1))
    rows: list[list[Any]] = [["account", "activity_type", "date", "quantity"]]
    rows += [["NW-1", "order-handling", "2025-01-03", 1]] * 300
    path = _xlsx_with_declared_dimension(tmp_path / "activities.xlsx", rows, "A1:D2")

    out, _ = run_import("activities", path)

    assert ServiceActivity.objects.count() == 300
    assert "Imported 300 row(s)" in out


def test_xlsx_that_unpacks_beyond_the_limit_is_refused(
    account: Account, tmp_path: Path, settings: Any
) -> None:
    settings.KAM_IMPORT_XLSX_MAX_UNPACKED_BYTES = 2_000
    rows: list[list[Any]] = [["account", "category", "severity", "opened_on"]]
    rows += [["NW-1", "delivery", "low", "2025-01-03"]] * 200
    path = _xlsx_with_declared_dimension(tmp_path / "complaints.xlsx", rows, "A1:D201")
    before = database_state()

    printed = refused("complaints", path)

    assert "more than the 0 MB an import may read" in printed or "unpacks to" in printed
    assert database_state() == before


# --- bytes no text may hold ----------------------------------------------------------------------


def _upload(client: Any, kind: str, data: bytes, name: str = "file.csv") -> Any:
    return client.post(
        "/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_nul_in_a_cell_is_refused_in_words(ops_client: Any, account: Account) -> None:
    content = (
        b"account,category,severity,opened_on,resolved_on,description\n"
        b"NW-1,deli\x00very,low,2025-01-03,,ok\nNW-1,delivery,low,2025-01-0\x004,,ok\n"
    )
    before = database_state()

    _upload(ops_client, "complaints", content)

    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    messages = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "NUL" in messages[(2, "category")]
    assert "\\x00" in messages[(3, "opened_on")]
    assert database_state() == before


def test_nul_in_the_header_fails_the_batch_with_a_message(
    ops_client: Any, account: Account
) -> None:
    content = b"account,categ\x00ory,severity,opened_on,resolved_on,description\n"
    content += b"NW-1,delivery,low,2025-01-03,,ok\n"

    _upload(ops_client, "complaints", content)

    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert any("categ\\x00ory" in e["message"] for e in batch.errors)
    assert Complaint.objects.count() == 0


def test_far_date_in_a_file_is_refused(account: Account, tmp_path: Path) -> None:
    handling = ActivityTypeFactory(code="order-handling")
    path = tmp_path / "rates.csv"
    path.write_text(
        "activity_type,effective_from,unit_cost\norder-handling,7904-07-08,3\n", encoding="utf-8"
    )
    printed = refused("activity_rates", path)
    assert "outside the dates KAM accepts" in printed
    assert not handling.rates.exists()


# --- uploads -----------------------------------------------------------------------------------


def test_service_refuses_an_upload_over_the_limit_in_words(account: Account, settings: Any) -> None:
    from django.core.exceptions import ValidationError

    settings.KAM_UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("c.csv", b"account,category\n" + b"NW-1,x\n" * 40)

    with pytest.raises(ValidationError) as refused:
        import_services.import_batch_create(kind="complaints", created_by=None, upload=upload)

    assert "an upload may be at most" in " ".join(refused.value.message_dict["file"])
    assert not ImportBatch.objects.exists()


def test_xlsx_upload_always_imports_in_the_background(
    ops_client: Any, account: Account, django_capture_on_commit_callbacks: Any
) -> None:
    workbook = Workbook()
    workbook.active.append(["account", "kind", "date", "notes"])
    workbook.active.append(["NW-1", "other", "2025-01-03", "small"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(ops_client, "events", buffer.getvalue(), name="events.xlsx")

    assert ImportBatch.objects.get().status == "queued"
    assert len(callbacks) == 1  # the task is sent after commit, never run in the request
    callbacks[0]()
    assert ImportBatch.objects.get().status == "succeeded"
    assert AccountEvent.objects.count() == 1


def test_old_uploaded_files_are_deleted_and_the_batch_kept(
    ops_client: Any, account: Account, settings: Any
) -> None:
    content = b"account,kind,date,notes\nNW-1,other,2025-01-03,x\n"
    _upload(ops_client, "events", content)
    batch = ImportBatch.objects.get()
    stored = Path(batch.file.path)
    assert stored.exists()
    settings.KAM_IMPORT_FILE_RETENTION_DAYS = 30
    assert import_services.import_files_purge() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        finished_at=batch.finished_at - datetime.timedelta(days=31)
    )

    assert import_services.import_files_purge() == 1

    batch.refresh_from_db()
    assert not stored.exists()
    assert (batch.file.name, batch.status, batch.rows_created) == ("", "succeeded", 1)


def test_queued_batch_the_broker_lost_is_sent_again(account: Account, settings: Any) -> None:
    path_dir = Path(settings.MEDIA_ROOT)
    os.makedirs(path_dir, exist_ok=True)
    upload = SimpleUploadedFile("events.csv", b"account,kind,date,notes\nNW-1,other,2025-01-03,x\n")
    batch = import_services.import_batch_create(kind="events", created_by=None, upload=upload)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - datetime.timedelta(hours=1)
    )

    assert import_services.import_batches_requeue() == 1  # tasks run in-process in the tests

    assert ImportBatch.objects.get(pk=batch.pk).status == "succeeded"
    assert AccountEvent.objects.count() == 1


def test_the_sweep_deletes_old_files_and_resends_lost_imports(
    ops_client: Any, account: Account
) -> None:
    from portfolio.tasks import analysis_runs_reap_task

    _upload(ops_client, "events", b"account,kind,date,notes\nNW-1,other,2025-01-03,x\n")
    ImportBatch.objects.update(finished_at=ImportBatch.objects.get().finished_at - _DAYS_31)

    outcome = analysis_runs_reap_task()

    assert (outcome["import_files_deleted"], outcome["imports_requeued"]) == (1, 0)
    assert ImportBatch.objects.get().file.name == ""


_DAYS_31 = datetime.timedelta(days=31)


def test_upload_over_the_limit_is_refused_before_the_body_is_read(
    ops_client: Any, account: Account, settings: Any
) -> None:
    settings.KAM_UPLOAD_MAX_BYTES = 100
    response = _upload(ops_client, "complaints", b"account,category\n" + b"NW-1,x\n" * 40)
    assert response.status_code == 400
    assert "an upload may be at most" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))
