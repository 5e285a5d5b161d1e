"""kam.bulk: COPY rows of plain values, and the chunked COPY under it.

The suite runs on PostgreSQL; the executemany lane (SQLite's) is taken here on PostgreSQL
by making the connection say it is another vendor, so both lanes get the same assertions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection, connections

from kam.bulk import COPY_ROWS_PER_CHUNK, copy_column_batches, copy_from_chunks, copy_rows

pytestmark = pytest.mark.django_db

TABLE = "bulk_probe"
COLUMNS = ("id", "label", "amount", "day", "flag", "data")
TEXTS = [
    "plain",
    "a, comma",
    'a "quoted" word',
    "two\nlines",
    "carriage\r\nreturn",
    "back\\slash",
    "\\N",
    "tab\there",
    "Zürich – Ελλάδα – 東京",
    "",
]


@pytest.fixture
def probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TABLE} (id integer PRIMARY KEY, label text NULL,"
            " amount numeric(14, 2) NULL, day date NULL, flag boolean NULL, data text NULL)"
        )


@pytest.fixture(params=["copy", "executemany"])
def lane(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, probe: None) -> str:
    if request.param == "executemany":
        monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    return str(request.param)


def _stored() -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id")  # noqa: S608
        return list(cursor.fetchall())


def test_texts_arrive_as_written(lane: str) -> None:
    rows = [(index, text, None, None, None, None) for index, text in enumerate(TEXTS)]

    assert copy_rows(table=TABLE, columns=COLUMNS, rows=rows) == len(TEXTS)

    assert [row[1] for row in _stored()] == TEXTS


@pytest.mark.parametrize("text", TEXTS)
def test_one_text_that_needs_quotes_among_texts_that_do_not(lane: str, text: str) -> None:
    # a column of texts none of which needs quotes is written unquoted: one that does
    # (a comma, a quote, a line end, a backslash, or empty) must still be told apart
    texts = ["plain", "12.50", text, "maintain"]
    rows = [(index, value, None, None, None, None) for index, value in enumerate(texts)]

    copy_rows(table=TABLE, columns=COLUMNS, rows=rows)

    assert [row[1] for row in _stored()] == texts


def test_numbers_written_as_texts_arrive_as_numbers(lane: str) -> None:
    # the analysis formats its figures with their decimal places: texts into numeric columns
    amounts = ["12.50", "-3.00", "0.01", "123456789012.34"]
    rows = [(index, None, amount, None, None, None) for index, amount in enumerate(amounts)]

    copy_rows(table=TABLE, columns=COLUMNS, rows=rows)

    assert [row[2] for row in _stored()] == [Decimal(amount) for amount in amounts]


def test_rows_given_column_by_column_in_batches(lane: str) -> None:
    batches = [
        [[1, 2], ["a", "b,c"], ["1.25", None], [None, None], [True, False], [None, [1]]],
        [[3], ["\\N"], [-4], [datetime.date(2026, 1, 31)], [None], [{"k": "v"}]],
    ]

    assert copy_column_batches(table=TABLE, columns=COLUMNS, batches=iter(batches)) == 3

    assert _stored() == [
        (1, "a", Decimal("1.25"), None, True, None),
        (2, "b,c", None, None, False, "[1]"),
        (3, "\\N", Decimal("-4.00"), datetime.date(2026, 1, 31), None, '{"k": "v"}'),
    ]


def test_none_is_null_and_an_empty_text_is_not(lane: str) -> None:
    copy_rows(
        table=TABLE,
        columns=COLUMNS,
        rows=[(1, None, None, None, None, None), (2, "", None, None, None, "")],
    )

    assert _stored() == [(1, None, None, None, None, None), (2, "", None, None, None, "")]


def test_numbers_dates_booleans_and_json(lane: str) -> None:
    copy_rows(
        table=TABLE,
        columns=COLUMNS,
        rows=[
            (1, "x", Decimal("12345.67"), datetime.date(2026, 2, 28), True, {"a": [1, 'b,"']}),
            (2, "y", 0.5, datetime.date(1999, 12, 31), False, [1, 2]),
            (3, "z", -3, None, None, None),
        ],
    )

    assert _stored() == [
        (1, "x", Decimal("12345.67"), datetime.date(2026, 2, 28), True, '{"a": [1, "b,\\""]}'),
        (2, "y", Decimal("0.50"), datetime.date(1999, 12, 31), False, "[1, 2]"),
        (3, "z", Decimal("-3.00"), None, None, None),
    ]


def test_rows_come_from_any_iterable_over_several_chunks(lane: str) -> None:
    count = COPY_ROWS_PER_CHUNK * 2 + 7

    def rows() -> Iterator[tuple[object, ...]]:
        for index in range(count):
            yield (index, f"row {index}", None, None, None, None)

    assert copy_rows(table=TABLE, columns=COLUMNS, rows=rows()) == count

    stored = _stored()
    assert len(stored) == count
    assert stored[-1][:2] == (count - 1, f"row {count - 1}")


def test_no_rows_insert_nothing(lane: str) -> None:
    assert copy_rows(table=TABLE, columns=COLUMNS, rows=[]) == 0
    assert _stored() == []


def test_a_value_of_another_type_is_refused(probe: None) -> None:
    with pytest.raises(TypeError, match="cannot write a object"):
        copy_rows(table=TABLE, columns=("id", "label"), rows=[(1, object())])


def test_an_error_of_the_chunks_is_raised_after_copy(probe: None) -> None:
    class UnreadableError(Exception):
        pass

    def chunks() -> Iterator[str]:
        yield "1\tfirst\t\\N\t\\N\t\\N\t\\N\n"
        raise UnreadableError

    with pytest.raises(UnreadableError):
        copy_from_chunks(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN", chunks())
