"""The row reader's COPY path of `import_data activities` (files the columnar lane declines;
here every account cell is quoted): rows reach PostgreSQL in sorted runs (account, then
date); every row lands once with its own values, a bad row in a later run still refuses the
whole file, and a file the csv module cannot read is reported. Also the read-ahead thread
both lanes use, and progress."""

from __future__ import annotations

import datetime
import random
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import AccountFactory
from tests.valuation.activity_rows import expected, stored
from tests.valuation.factories import ActivityTypeFactory
from valuation.importing import copy_lane
from valuation.importing.copy_lane import ReadAhead
from valuation.importing.outcome import ImportRefused, RowError
from valuation.importing.run import import_run
from valuation.models import ImportBatch, ServiceActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(owner: Any) -> dict[str, Any]:
    """Accounts whose ids have different numbers of digits (the COPY lines pad them)."""
    ActivityTypeFactory(code="order-handling")
    ActivityTypeFactory(code="site-visit")
    return {
        "A-7": AccountFactory(owner=owner, external_id="A-7", pk=7),
        "A-80": AccountFactory(owner=owner, external_id="A-80", pk=80),
        "A-1234567": AccountFactory(owner=owner, external_id="A-1234567", pk=1234567),
    }


def shuffled_rows(count: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(7)  # noqa: S311 - test data
    start = datetime.date(2025, 1, 1)
    return [
        (
            rng.choice(["A-7", "A-80", "A-1234567"]),
            rng.choice(["order-handling", "site-visit"]),
            (start + datetime.timedelta(days=rng.randrange(60))).isoformat(),
            f"{rng.randrange(1, 400) / 4}",
        )
        for _ in range(count)
    ]


def write_csv(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "activities.csv") -> Path:
    """The rows with the account quoted, so that the row reader takes the file."""
    path = tmp_path / name
    lines = [
        "account,activity_type,date,quantity",
        *(",".join([f'"{account}"', *rest]) for account, *rest in rows),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rows_sent_in_several_sorted_runs_all_land_with_their_values(
    accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 1,000 rows in random order, sent in runs of 64 (so 16 sorted runs)
    monkeypatch.setattr(copy_lane, "COPY_SORT_RUN", 64)
    rows = shuffled_rows(1000)
    path = write_csv(tmp_path, rows)

    # when
    out = StringIO()
    call_command("import_data", "activities", str(path), stdout=out)

    # then every row is stored once, with its account, type, date and quantity
    assert "Imported 1,000 row(s): 1,000 new" in out.getvalue()
    assert stored() == expected(rows)
    batch = ImportBatch.objects.get()
    assert batch.rows_created == 1000
    assert set(ServiceActivity.objects.values_list("import_batch_id", flat=True)) == {batch.pk}


def test_a_bad_row_after_several_runs_were_sent_refuses_the_whole_file(
    accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 1,000 good rows already sent to COPY in runs of 64, then a bad one
    monkeypatch.setattr(copy_lane, "COPY_SORT_RUN", 64)
    rows = [*shuffled_rows(1000), ("A-80", "order-handling", "2025-02-30", "1")]
    path = write_csv(tmp_path, rows)

    # when
    err = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_data", "activities", str(path), stdout=StringIO(), stderr=err)

    # then the problem is reported with its row and column, and nothing was written
    assert ImportBatch.objects.get().errors == [
        {
            "row": 1002,
            "column": "date",
            "message": "'2025-02-30' is not a real date (month 01-12, day within the month); "
            "write dates as YYYY-MM-DD.",
        }
    ]
    assert "row 1002, column date" in err.getvalue()
    assert ServiceActivity.objects.count() == 0


def test_a_file_the_reader_thread_cannot_read_is_refused_and_nothing_written(
    accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given good rows, then a field longer than Python's csv module accepts
    monkeypatch.setattr(copy_lane, "COPY_SORT_RUN", 64)
    rows = [*shuffled_rows(300), ("A-7", "order-handling", "2025-01-02", "9" * 200_000)]
    path = write_csv(tmp_path, rows)

    # when
    err = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_data", "activities", str(path), stdout=StringIO(), stderr=err)

    # then the refusal says so in plain words, nothing was written, and no thread is left
    assert "The CSV file cannot be read" in err.getvalue()
    assert ServiceActivity.objects.count() == 0
    assert not [t for t in threading.enumerate() if t.name == "kam-import-reader"]


def test_xlsx_activities_take_the_general_writer_with_the_same_result(
    accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_lane, "COPY_SORT_RUN", 5)
    rows = shuffled_rows(23)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["account", "activity_type", "date", "quantity"])
    for account, code, day, quantity in rows:
        sheet.append([account, code, datetime.date.fromisoformat(day), float(quantity)])
    path = tmp_path / "activities.xlsx"
    workbook.save(path)

    call_command("import_data", "activities", str(path), stdout=StringIO())

    assert stored() == expected(rows)


def test_read_ahead_stops_its_thread_when_the_consumer_gives_up() -> None:
    # given a producer with more chunks than the queue holds
    produced: list[int] = []

    def chunks() -> Any:
        for number in range(100):
            produced.append(number)
            yield f"{number}\n"

    reader = ReadAhead(chunks(), depth=2)
    first = next(iter(reader))
    time.sleep(0.2)

    # when the consumer stops early (COPY failed), then the thread ends without reading on
    reader.close()
    assert first == "0\n"
    assert not reader.thread.is_alive()
    assert len(produced) < 10


def test_read_ahead_raises_the_producers_error_in_the_consumer() -> None:
    def chunks() -> Any:
        yield "1\n"
        raise ImportRefused([RowError(0, "", "The CSV file cannot be read.")])

    reader = ReadAhead(chunks())
    consumed = iter(reader)
    assert next(consumed) == "1\n"
    with pytest.raises(ImportRefused):
        next(consumed)
    reader.close()


def test_progress_is_reported_in_the_calling_thread_while_rows_stream(
    accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a file read by the read-ahead thread in runs of 64 rows
    monkeypatch.setattr(copy_lane, "COPY_SORT_RUN", 64)
    path = write_csv(tmp_path, shuffled_rows(500))
    calls: list[tuple[int, str]] = []

    # when
    outcome = import_run(
        kind="activities",
        path=path,
        file_name=path.name,
        progress=lambda rows: calls.append((rows, threading.current_thread().name)),
        progress_every=100,
    )

    # then progress came every 100 rows and at the end, always in this thread (a callback may
    # use the database connection of the import's transaction)
    assert outcome.rows == outcome.created == 500
    assert [rows for rows, _ in calls][:5] == [100, 200, 300, 400, 500]
    assert calls[-1][0] == 500  # the total, once the file is done
    assert {name for _, name in calls} == {threading.current_thread().name}
