"""Bulk writes: PostgreSQL's ``COPY … FROM STDIN``, in the text and the binary format.

- `copy_rows` inserts rows of plain values into a table (COPY's CSV format on PostgreSQL,
  executemany elsewhere, e.g. the embedded SQLite run): the helper for most callers;
  `copy_column_batches` the same for values held column by column.
- `copy_from_chunks` runs a COPY fed from an iterator of chunks (text, or bytes) as they
  are produced: PostgreSQL writes one chunk while the caller formats the next (the import of
  a million activities, the analysis's snapshots), and memory holds a chunk, not the data.
- The binary encoders (`COPY_HEADER`, `binary_row_layout`, `set_numeric`, `pg_days` …) build
  COPY's binary rows column by column with numpy, for writers that have columns of numbers
  (the columnar lane of the activities import).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import cast

import numpy as np
from django.db import connection, models

READ_SIZE = 1 << 18  # bytes psycopg2 reads from the stream at a time
# Rows formatted at a time by copy_rows (one chunk of COPY data).
COPY_ROWS_PER_CHUNK = 1000
# What copy_rows writes for None. In COPY's CSV format an unquoted \N is NULL, while a
# text that could be read so is quoted: an empty text is "" and the text \N is "\N".
CSV_NULL = "\\N"
# What a text must not hold to be written unquoted: COPY's CSV delimiter, quote, line ends,
# and the backslash of CSV_NULL (an empty text is quoted too, as "").
CSV_SPECIAL = (",", '"', "\n", "\r", "\\")


class CopyStream(io.RawIOBase):
    """A read-only file over an iterator of chunks (text, or bytes already encoded), for
    psycopg2's copy_expert."""

    def __init__(self, chunks: Iterator[str] | Iterator[bytes]) -> None:
        self.chunks: Iterator[str | bytes] = chunks
        self.pending = b""
        self.offset = 0
        # An exception of the chunk iterator (e.g. ImportRefused for an unreadable CSV file):
        # psycopg2 would turn it into a cancelled query, so it ends the stream and
        # `copy_from_chunks` raises it again once COPY has returned.
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    # RawIOBase.read takes `size: int = -1` and returns bytes | None; this stream never
    # answers None (it has no non-blocking mode), which the override's type says.
    def read(self, size: int | None = -1) -> bytes:
        while self.offset >= len(self.pending):
            try:
                chunk = next(self.chunks)
                self.pending = chunk if isinstance(chunk, bytes) else chunk.encode()
            except StopIteration:
                return b""
            except Exception as error:  # noqa: BLE001 - raised again after COPY
                self.error = error
                return b""
            self.offset = 0
        start = self.offset
        self.offset = len(self.pending) if size is None or size < 0 else start + size
        return self.pending[start : self.offset]


def copy_from_chunks(sql: str, chunks: Iterator[str] | Iterator[bytes]) -> None:
    """Run `sql` (a ``COPY … FROM STDIN``) on the current connection with `chunks` as its
    data. An exception of the iterator is raised here, after COPY; the rows sent so far
    are undone with the caller's transaction."""
    stream = CopyStream(chunks)
    with connection.cursor() as cursor:
        try:
            # Positional: Django's debug cursor (DEBUG, or queries being captured) passes
            # only positional arguments through to psycopg2.
            cursor.copy_expert(sql, stream, READ_SIZE)
        except Exception:
            if stream.error is not None:
                raise stream.error from None
            raise
    if stream.error is not None:
        raise stream.error


# --- rows of plain values -----------------------------------------------------------------


def copy_rows(*, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert `rows` (one value per column of `columns`, in that order) into `table` in the
    current transaction and return how many were inserted.

    Values: None (NULL), str, bool, int, float, Decimal, date, datetime, and dict or list
    (written as JSON text). On PostgreSQL the rows go through COPY's CSV format,
    COPY_ROWS_PER_CHUNK at a time; elsewhere through executemany of one INSERT."""
    if connection.vendor != "postgresql":
        return _insert_rows(table, columns, rows)
    iterator = iter(rows)
    batches = (
        list(zip(*batch, strict=True))
        for batch in iter(lambda: list(islice(iterator, COPY_ROWS_PER_CHUNK)), [])
    )
    return copy_column_batches(table=table, columns=columns, batches=batches)


def copy_column_batches(
    *, table: str, columns: Sequence[str], batches: Iterable[Sequence[Sequence[object]]]
) -> int:
    """`copy_rows` for rows given in batches, each batch column by column (one sequence of
    values per column of `columns`, all of one length), for a writer that holds columns:
    each batch is formatted when COPY asks for it, while PostgreSQL stores the one before
    (the analysis's snapshots: their figures are formatted batch by batch here)."""
    if connection.vendor != "postgresql":
        rows = (row for batch in batches for row in zip(*batch, strict=True))
        return _insert_rows(table, columns, rows)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    count = 0

    def chunks() -> Iterator[str]:
        nonlocal count
        for batch in batches:
            texts = [csv_column(column) for column in batch]
            lines = [",".join(line) + "\n" for line in zip(*texts, strict=True)]
            count += len(lines)
            yield "".join(lines)

    copy_from_chunks(
        f"COPY {quote(table)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{CSV_NULL}')",
        chunks(),
    )
    return count


def csv_column(values: Sequence[object]) -> list[str]:
    """`csv_value` of every value of one column; a column of only numbers, or of only texts
    none of which needs quotes (numbers already formatted as text, codes), in one pass:
    about a third of the time value by value."""
    kinds = set(map(type, values))
    if kinds <= {int, float}:
        return list(map(str, values))
    if kinds == {str}:
        texts = cast("Sequence[str]", values)
        if all(texts) and not any(mark in "".join(texts) for mark in CSV_SPECIAL):
            return list(texts)
    return list(map(csv_value, values))


def csv_value(value: object) -> str:
    """One value as COPY's CSV format reads it (with NULL '\\N'): texts always quoted."""
    if value is None:
        return CSV_NULL
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, dict | list):
        return csv_value(json.dumps(value))
    raise TypeError(f"copy_rows cannot write a {type(value).__name__}.")


def _insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    values = [tuple(_sql_value(value) for value in row) for row in rows]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                values,
            )
    return len(values)


SqlValue = str | bool | int | float | datetime.date | None


def _sql_value(value: object) -> SqlValue:
    """One value for executemany (the same values csv_value takes)."""
    if isinstance(value, Decimal):  # SQLite's driver takes no Decimal
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    if value is None or isinstance(value, str | bool | int | float | datetime.date):
        return value
    raise TypeError(f"copy_rows cannot write a {type(value).__name__}.")


# --- the binary format --------------------------------------------------------------------

# COPY's binary format (PostgreSQL docs, "COPY", "Binary Format"): a header, then per row
# the number of fields and each field as its length and its bytes (length -1: NULL), all
# integers big-endian, then a trailer.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"
PG_EPOCH = datetime.date(2000, 1, 1).toordinal()  # binary dates count days from here
# A numeric always sent as 4 base-10000 digits: 3 for the integer part (weight 2) and 1 for
# the cents (times 100). PostgreSQL strips the leading zero digits on input.
NUMERIC_DIGITS = 4
NUMERIC_WEIGHT = 2
NUMERIC_SCALE = 2
NUMERIC = np.dtype(
    [
        ("count", ">i2"),
        ("weight", ">i2"),
        ("sign", ">i2"),
        ("scale", ">i2"),
        ("digits", ">i2", (NUMERIC_DIGITS,)),
    ]
)


class NoBinaryLayout(Exception):  # noqa: N818 - a column type the encoders do not write
    """A column whose database type the binary encoders do not know."""


def pg_days(day: datetime.date) -> int:
    """A date as COPY's binary format sends it: days since 2000-01-01."""
    return day.toordinal() - PG_EPOCH


def binary_row_layout(
    model: type[models.Model], columns: Sequence[str], nulls: set[str]
) -> np.dtype[np.void]:
    """The numpy record of one COPY binary row of `model`'s table: the field count, then
    each column's length and value (a column in `nulls` has its length, -1, only). Built
    from the model's database types: bigint, integer, date (days since PG_EPOCH), and
    numeric fitting NUMERIC; another type raises NoBinaryLayout."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    layout: list[tuple[str, str] | tuple[str, np.dtype[np.void]]] = [("fields", ">i2")]
    for name in columns:
        layout.append((f"{name}_length", ">i4"))
        if name in nulls:
            continue
        field = fields[name]
        db_type = field.db_type(connection) or ""
        if db_type == "bigint":
            layout.append((name, ">i8"))
        elif db_type in ("integer", "date"):
            layout.append((name, ">i4"))
        elif db_type.startswith("numeric") and _fits_numeric(field):
            layout.append((name, NUMERIC))
        else:
            raise NoBinaryLayout(f"No binary COPY layout for {name} ({db_type}).")
    return np.dtype(layout)


def _fits_numeric(field: models.Field[object, object]) -> bool:
    """Whether the field's values fit NUMERIC: NUMERIC_SCALE decimals and at most
    4 × (NUMERIC_WEIGHT + 1) integer digits."""
    if not isinstance(field, models.DecimalField):
        return False
    integer_digits = field.max_digits - field.decimal_places
    return field.decimal_places == NUMERIC_SCALE and integer_digits <= 4 * (NUMERIC_WEIGHT + 1)


def binary_rows(layout: np.dtype[np.void], count: int) -> np.ndarray[tuple[int], np.dtype[np.void]]:
    """`count` rows of `layout` with their field count and lengths set (values still to
    fill: NULL columns have none)."""
    record: np.ndarray[tuple[int], np.dtype[np.void]] = np.empty(count, dtype=layout)
    names = layout.names or ()
    lengths = [name for name in names if name.endswith("_length")]
    record["fields"] = len(lengths)
    for length in lengths:
        column = length.removesuffix("_length")
        record[length] = layout[column].itemsize if column in names else -1
    return record


def set_numeric(
    record: np.ndarray[tuple[int], np.dtype[np.void]],
    name: str,
    cents: np.ndarray[tuple[int], np.dtype[np.int64]],
) -> None:
    """Fixed-size binary numerics (NUMERIC_DIGITS base-10000 digits) from non-negative
    amounts in cents."""
    numeric = record[name]
    numeric["count"] = NUMERIC_DIGITS
    numeric["weight"] = NUMERIC_WEIGHT
    numeric["sign"] = 0
    numeric["scale"] = NUMERIC_SCALE
    whole, fraction = np.divmod(cents, 100)
    digits = numeric["digits"]
    digits[:, 0] = whole // 100_000_000
    digits[:, 1] = (whole // 10_000) % 10_000
    digits[:, 2] = whole % 10_000
    digits[:, 3] = fraction * 100
