"""The columnar lane of `import_data activities` (valuation.importing.columnar) and the
segments large files load (valuation.importing.segments): every row lands with its own values
whichever way the file goes in, a large file becomes one partition of its own, and a refused
or handed-over file leaves no table behind."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import account_delete
from portfolio import loaders
from portfolio.account360.selectors import account_360_cache_key
from tests.factories import AccountFactory, UserFactory
from tests.valuation.activity_rows import expected, stored
from tests.valuation.factories import ActivityTypeFactory
from valuation.analysis import columns as c
from valuation.analysis.windows import Windows
from valuation.importing import columnar
from valuation.importing.run import import_run
from valuation.importing.segments import MAIN_ID_LIMIT
from valuation.models import ImportBatch, ServiceActivity

pytestmark = pytest.mark.django_db

HEADER = "account,activity_type,date,quantity"
# Quantities at the edges of numeric(12, 2) and of its base-10000 digits, and dates on both
# sides of 2000-01-01 (the binary format counts days from it).
ROWS = [
    ("A-1", "order-handling", "2025-03-31", "1"),
    ("A-1", "order-handling", "1999-12-31", "0"),
    ("A-2", "site-visit", "2000-01-01", "0.5"),
    ("A-2", "site-visit", "2024-02-29", "12.34"),
    ("A-3", "order-handling", "2026-11-27", "9999999999.99"),
    ("A-3", "site-visit", "2025-01-01", "10000.01"),
    ("A-1", "site-visit", "2025-06-15", "100000000"),
    ("A-2", "order-handling", "2025-06-15", "0.25"),
    ("A-3", "order-handling", "2025-06-15", "007.10"),
]


@pytest.fixture
def accounts(owner: Any) -> dict[str, Any]:
    ActivityTypeFactory(code="order-handling")
    ActivityTypeFactory(code="site-visit")
    return {key: AccountFactory(owner=owner, external_id=key) for key in ("A-1", "A-2", "A-3")}


def write(tmp_path: Path, lines: list[str], name: str = "activities.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def plain(rows: list[tuple[str, ...]]) -> list[str]:
    return [",".join(row) for row in rows]


def partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [ServiceActivity._meta.db_table],
        )
        return {name for (name,) in cursor.fetchall()}


def segment_tables() -> set[str]:
    """Every segment table, attached or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
            [f"{ServiceActivity._meta.db_table}\\_s%"],
        )
        return {name for (name,) in cursor.fetchall()}


def run_import(path: Path) -> str:
    out = StringIO()
    call_command("import_data", "activities", str(path), stdout=out)
    return out.getvalue()


def test_a_large_file_becomes_a_partition_of_its_own_with_every_value(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given a file at the segment threshold
    settings.KAM_IMPORT_SEGMENT_ROWS = len(ROWS)
    before = partitions()

    # when
    assert f"Imported {len(ROWS)} row(s)" in run_import(write(tmp_path, plain(ROWS)))

    # then one new partition holds the rows, with ids in its own range, and every value
    # (binary dates, fixed-size numerics) reads back as written
    new = partitions() - before
    assert len(new) == 1
    assert stored() == expected(ROWS)
    ids = list(ServiceActivity.objects.values_list("id", flat=True))
    assert min(ids) >= MAIN_ID_LIMIT
    assert max(ids) - min(ids) == len(ROWS) - 1
    batch = ImportBatch.objects.get()
    assert set(ServiceActivity.objects.values_list("import_batch_id", "created_by_id")) == {
        (batch.pk, None)
    }
    # the parent's indexes serve the partition: an account's activities by (account, date)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [next(iter(new))])
        assert cursor.fetchone()[0] == 2  # its primary key and (account, date)


def test_a_small_file_goes_to_the_main_partition(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = len(ROWS) + 1
    before = partitions()

    run_import(write(tmp_path, plain(ROWS)))

    assert partitions() == before
    assert stored() == expected(ROWS)
    assert max(ServiceActivity.objects.values_list("id", flat=True)) < MAIN_ID_LIMIT


def test_the_columnar_lane_records_who_imported(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    user = UserFactory(roles=["ops"])
    path = write(tmp_path, plain(ROWS))

    outcome = import_run(
        kind="activities",
        path=path,
        file_name=path.name,
        created_by_id=user.pk,
        expected_rows=len(ROWS),
    )

    assert outcome.rows == outcome.created == len(ROWS)
    assert set(ServiceActivity.objects.values_list("import_batch_id", "created_by_id")) == {
        (None, user.pk)
    }


@pytest.mark.parametrize("segment_rows", [1, 10_000], ids=["segment", "main"])
def test_a_bad_last_row_refuses_the_file_and_leaves_no_table(
    accounts: dict[str, Any], tmp_path: Path, settings: Any, segment_rows: int
) -> None:
    # given good rows the columnar lane has already sent, then one bad row
    settings.KAM_IMPORT_SEGMENT_ROWS = segment_rows
    before = segment_tables()
    path = write(tmp_path, [*plain(ROWS * 50), "A-2,site-visit,2025-02-30,1"])

    # when
    err = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_data", "activities", str(path), stdout=StringIO(), stderr=err)

    # then the row reader lists the problem by row and column, and nothing is left
    assert "row 452, column date" in err.getvalue()
    assert ServiceActivity.objects.count() == 0
    assert segment_tables() == before


@pytest.mark.parametrize(
    ("lines", "rows"),
    [
        pytest.param(
            ['"A-1",order-handling,2025-03-31,"1.50"', '"A-2","site-visit",2025-04-01,2'],
            [
                ("A-1", "order-handling", "2025-03-31", "1.50"),
                ("A-2", "site-visit", "2025-04-01", "2"),
            ],
            id="quoted cells",
        ),
        pytest.param(
            ["A-1,order-handling,2025-03-31,1,", "A-3,site-visit,2025-04-01,2"],
            [
                ("A-1", "order-handling", "2025-03-31", "1"),
                ("A-3", "site-visit", "2025-04-01", "2"),
            ],
            id="a trailing empty cell",
        ),
    ],
)
@pytest.mark.parametrize("segment_rows", [1, 10_000], ids=["segment", "main"])
def test_files_the_columnar_lane_declines_import_the_same_through_the_row_reader(
    accounts: dict[str, Any],
    tmp_path: Path,
    settings: Any,
    segment_rows: int,
    lines: list[str],
    rows: list[tuple[str, ...]],
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = segment_rows
    before = segment_tables()

    run_import(write(tmp_path, lines))

    # then the rows are as the row reader reads them, written by it (ids of the main
    # partition), and whatever the columnar lane began was undone
    assert stored() == expected(rows)
    assert max(ServiceActivity.objects.values_list("id", flat=True)) < MAIN_ID_LIMIT
    assert segment_tables() == before


def test_spaces_and_blank_lines_read_as_the_row_reader_reads_them(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given a plain file (the columnar lane takes it) with padded cells and a blank line
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    lines = [" A-1 ,order-handling, 2025-03-31 , 3 ", "", "A-2,site-visit,2025-04-01,4"]

    # when
    assert "Imported 2 row(s)" in run_import(write(tmp_path, lines))

    # then the cells were trimmed and the blank line skipped, as the row reader does
    assert stored() == expected(
        [("A-1", "order-handling", "2025-03-31", "3"), ("A-2", "site-visit", "2025-04-01", "4")]
    )
    assert min(ServiceActivity.objects.values_list("id", flat=True)) >= MAIN_ID_LIMIT


def test_deleting_an_account_removes_its_rows_from_the_segment(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    run_import(write(tmp_path, plain(ROWS)))

    account_delete(account=accounts["A-3"], deleted_by=accounts["A-3"].owner)

    assert stored() == expected([row for row in ROWS if row[0] != "A-3"])


def test_a_successful_import_gives_account_pages_a_new_cache_key(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given the cache key of an account page
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    account = accounts["A-1"]
    today = datetime.date(2026, 11, 27)

    def key() -> str:
        account.refresh_from_db()
        return account_360_cache_key(account=account, as_of=today, is_today=True)

    first = key()

    # when a refused import runs, then the key stays; when a good one runs, it changes
    with pytest.raises(CommandError):
        call_command(
            "import_data",
            "activities",
            str(write(tmp_path, ["A-1,order-handling,2025-13-01,1"], "bad.csv")),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert key() == first
    run_import(write(tmp_path, plain(ROWS)))
    assert key() != first


def test_the_analysis_block_ranges_count_rows_of_every_partition_once(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given rows in the main partition and in a segment
    settings.KAM_IMPORT_SEGMENT_ROWS = 200
    rows = [("A-1", "order-handling", "2026-06-01", "1")] * 300
    before = partitions()
    run_import(write(tmp_path, plain(rows[:100]), "small.csv"))
    run_import(write(tmp_path, plain(rows[100:]), "large.csv"))
    assert len(partitions() - before) == 1
    windows = Windows.from_as_of(datetime.date(2026, 11, 27))

    # when the analysis aggregates in three block ranges
    counts = [
        int(loaders.activities_frame(windows, blocks=blocks)[c.ACTIVITY_COUNT].sum())
        for blocks in loaders.activity_block_ranges(3)
    ]

    # then every row is counted once
    assert sum(counts) == 300


@pytest.mark.parametrize("segment_rows", [1, 10_000], ids=["segment", "main"])
def test_imports_run_with_the_debug_cursor(
    accounts: dict[str, Any], tmp_path: Path, settings: Any, segment_rows: int
) -> None:
    # given queries being recorded, as with DEBUG on (Django's debug cursor wraps COPY)
    settings.KAM_IMPORT_SEGMENT_ROWS = segment_rows

    # when
    with CaptureQueriesContext(connection) as queries:
        run_import(write(tmp_path, plain(ROWS)))

    # then the rows landed and the COPY was recorded
    assert stored() == expected(ROWS)
    assert any(query["sql"].startswith("COPY") for query in queries.captured_queries)


def test_many_chunks_and_more_distinct_texts_than_remembered_keep_every_value(
    accounts: dict[str, Any], tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given chunks of 2 rows whose accounts mix one known and one new (A-1 A-2 | A-1 A-3 |
    # A-2 A-3 | …), and a reader that remembers at most 2 texts per column, so it forgets
    # and learns again in the middle of a chunk
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    monkeypatch.setattr(columnar, "KNOWN_VALUES_MAX", 2)
    accounts_in_order = ["A-1", "A-2", "A-1", "A-3", "A-2", "A-3", "A-1", "A-2", "A-3"]
    rows = [(key, *row[1:]) for key, row in zip(accounts_in_order, ROWS, strict=True)]
    path = write(tmp_path, plain(rows))
    calls: list[int] = []

    # when
    outcome = import_run(
        kind="activities",
        path=path,
        file_name=path.name,
        progress=calls.append,
        progress_every=2,
        expected_rows=len(ROWS),
    )

    # then every row has its own values, the ids run on across chunks, and progress came
    # after each chunk
    assert outcome.rows == len(rows)
    assert stored() == expected(rows)
    ids = sorted(ServiceActivity.objects.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + len(ROWS)))
    assert ids[0] >= MAIN_ID_LIMIT
    assert calls == [2, 4, 6, 8, 9, 9]  # each chunk, then the total at the end


@pytest.mark.parametrize("segment_rows", [1, 10_000], ids=["segment", "main"])
@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("A-1,order-handling,2025-03-31,\u0661\u0662", "quantity", "is not a number"),
        ("A-1,order-handling,\u0662\u0660\u0662\u0665-03-31,1", "date", "is not a date"),
    ],
    ids=["quantity", "date"],
)
def test_digits_of_other_scripts_are_refused(
    accounts: dict[str, Any],
    tmp_path: Path,
    settings: Any,
    segment_rows: int,
    line: str,
    column: str,
    message: str,
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = segment_rows
    path = write(tmp_path, [*plain(ROWS), line])

    err = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_data", "activities", str(path), stdout=StringIO(), stderr=err)

    assert f"row {len(ROWS) + 2}, column {column}" in err.getvalue()
    assert message in err.getvalue()
    assert ServiceActivity.objects.count() == 0


def test_a_file_with_a_byte_order_mark_and_crlf_lines_takes_the_columnar_lane(
    accounts: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.KAM_IMPORT_SEGMENT_ROWS = 1
    path = tmp_path / "activities.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER, *plain(ROWS)]) + "\r\n").encode())

    assert f"Imported {len(ROWS)} row(s)" in run_import(path)

    assert stored() == expected(ROWS)
    assert min(ServiceActivity.objects.values_list("id", flat=True)) >= MAIN_ID_LIMIT


def test_imports_that_commit_out_of_order_still_change_the_cache_key(
    accounts: dict[str, Any],
) -> None:
    # given two imports: the later one succeeds first
    account = accounts["A-1"]
    today = datetime.date(2026, 11, 27)

    def key() -> str:
        return account_360_cache_key(account=account, as_of=today, is_today=True)

    earlier, later = (
        ImportBatch.objects.create(kind="activities", file_name=f"{name}.csv", sha256=name)
        for name in ("earlier", "later")
    )
    ImportBatch.objects.filter(pk=later.pk).update(status=ImportBatch.Status.SUCCEEDED)
    after_later = key()

    # when the earlier one succeeds too, then pages cached meanwhile are not served
    ImportBatch.objects.filter(pk=earlier.pk).update(status=ImportBatch.Status.SUCCEEDED)
    assert key() != after_later
