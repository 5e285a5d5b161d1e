"""The columnar reader of activities CSV files: the COPY lane of `import_data activities`.

pyarrow parses the file block by block in C++ (the file never sits whole in memory). Each
block's distinct cell values are checked once, by the same parsers the row-by-row reader
uses (valuation.imports.ActivitiesParser), so both readers accept exactly the same values.
The block then goes out in COPY's binary format, built column by column with numpy: account
and activity type ids in place of their codes, dates as PostgreSQL day numbers, quantities
as fixed-size numerics. PostgreSQL reads that with no text to parse (measured on 1,000,000
rows: about half the time of the same rows as CSV), and Python touches each distinct value
once, not each row.

The reader takes plain files only. Anything else raises `NotColumnar`, and the caller undoes
what was sent and reads the file again row by row, which imports it or lists every problem
with its row number:
- a cell with a quote character (quoting rules are the row reader's business);
- a row whose number of values differs from the header's (pyarrow refuses it);
- any value that does not pass its check.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import connection

from valuation.imports import BadValue
from valuation.models import ServiceActivity
from valuation.segments import copy_columns

if TYPE_CHECKING:
    from valuation.imports import ActivitiesParser

BLOCK_BYTES = 4 << 20  # pyarrow parses this much of the file at a time
KNOWN_VALUES_MAX = 200_000  # distinct texts remembered per column

# COPY's binary format (PostgreSQL docs, "COPY", "Binary Format"): a header, then per row
# the number of fields and each field as its length and its bytes (length -1: NULL), all
# integers big-endian, then a trailer.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"
PG_EPOCH = datetime.date(2000, 1, 1).toordinal()  # binary dates count days from here
# A numeric(12, 2) always sent as 4 base-10000 digits: 3 for the integer part (weight 2)
# and 1 for the cents (times 100). PostgreSQL strips the leading zero digits on input.
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


class NotColumnar(Exception):  # noqa: N818 - a hand-over to the row reader, not an error
    """This file needs the row-by-row reader."""


class _Resolver:
    """Raw cell text → checked value (an integer), for one column: a hash look-up in
    pyarrow for texts already checked; each new distinct text is checked once in Python."""

    def __init__(self, check: Callable[[str], int]) -> None:
        self.check = check
        self._forget()

    def _forget(self) -> None:
        # Arrays are built from arrays only: pa.array() of a Python list would import
        # pandas (about 0.25 s of start-up) to check whether it was handed a Series.
        self.text_array = pa.nulls(0, pa.string())
        self.value_array = np.empty(0, dtype=np.int64)

    def _learn(self, texts: pa.Array) -> None:
        values = []
        for text in texts.to_pylist():
            if '"' in text:
                raise NotColumnar
            try:
                values.append(self.check(text))
            except BadValue:
                raise NotColumnar from None
        self.text_array = pa.concat_arrays([self.text_array, texts])
        self.value_array = np.concatenate([self.value_array, np.asarray(values, dtype=np.int64)])

    def __call__(self, column: pa.Array) -> np.ndarray:
        positions = pc.index_in(column, value_set=self.text_array)
        if positions.null_count:
            new = pc.unique(column.filter(positions.is_null()))
            if len(self.text_array) + len(new) > KNOWN_VALUES_MAX:
                # Memory stays bounded: start again from this piece's own texts.
                self._forget()
                new = pc.unique(column)
            self._learn(new)
            positions = pc.index_in(column, value_set=self.text_array)
        return self.value_array[_int32_view(positions)]


def _int32_view(array: pa.Array) -> np.ndarray:
    """A numpy view of a null-free int32 array (what index_in returns). Array.to_numpy
    would import pandas, about 0.25 s, on its first call."""
    if array.null_count:
        raise ValueError("A position is missing: a text was not learnt.")
    values = np.frombuffer(array.buffers()[1], dtype=np.int32)
    return values[array.offset : array.offset + len(array)]


def _row_layout(columns: tuple[str, ...], nulls: set[str]) -> np.dtype:
    """The numpy record of one COPY binary row: the field count, then each column's length
    and value (a NULL column has its length, -1, only). Built from the model's database
    types; a type this lane does not know hands the file to the row reader."""
    fields = {field.column: field for field in ServiceActivity._meta.concrete_fields}
    layout: list[tuple[Any, ...]] = [("fields", ">i2")]
    for name in columns:
        layout.append((f"{name}_length", ">i4"))
        if name in nulls:
            continue
        db_type = fields[name].db_type(connection) or ""
        if db_type == "bigint":
            layout.append((name, ">i8"))
        elif db_type in ("integer", "date"):  # a date: days since PG_EPOCH
            layout.append((name, ">i4"))
        elif db_type.startswith("numeric") and _fits_numeric(fields[name]):
            layout.append((name, NUMERIC))
        else:
            raise NotColumnar(f"No binary COPY layout for {name} ({db_type}).")
    return np.dtype(layout)


def _fits_numeric(field: Any) -> bool:
    """Whether the field's values fit NUMERIC: NUMERIC_SCALE decimals and at most
    4 × (NUMERIC_WEIGHT + 1) integer digits."""
    integer_digits = field.max_digits - field.decimal_places
    return field.decimal_places == NUMERIC_SCALE and integer_digits <= 4 * (NUMERIC_WEIGHT + 1)


def _cents(parse: Callable[[str], str]) -> Callable[[str], int]:
    def check(text: str) -> int:
        return int(Decimal(parse(text)).scaleb(NUMERIC_SCALE))

    return check


def activity_copy_chunks(
    path: Path,
    parser: ActivitiesParser,
    *,
    width: int,
    first_id: int | None,
    batch_id: int | None,
    created_by_id: int | None,
    rows_per_chunk: int,
) -> Iterator[bytes | int]:
    """COPY binary data (bytes: the header, then chunks of rows, then the trailer) of the
    file's activities, each chunk followed by the number of rows read so far (int). The
    columns are `segments.copy_columns`: with the ids first_id, first_id + 1, … when
    `first_id` is given.

    The file's header (checked by the caller) is its first line and names `width` columns.
    The layout and the reader are made here, in the caller's thread (the layout asks
    Django's connection for column types); the chunks may be drawn in another thread."""
    constants = {"import_batch_id": batch_id, "created_by_id": created_by_id}
    columns = copy_columns(with_ids=first_id is not None)
    layout = _row_layout(columns, {name for name, value in constants.items() if value is None})
    names = [f"c{index}" for index in range(width)]
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(
                block_size=BLOCK_BYTES, skip_rows=1, column_names=names, encoding="utf8"
            ),
            parse_options=pa_csv.ParseOptions(
                quote_char=False, escape_char=False, ignore_empty_lines=True
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise NotColumnar from error
    account = _Resolver(parser.accounts)
    activity_type = _Resolver(parser.types)
    date = _Resolver(lambda text: parser.dates(text).toordinal() - PG_EPOCH)
    quantity = _Resolver(_cents(parser.quantity.text))

    def record_of(piece: pa.RecordBatch, rows_before: int) -> np.ndarray:
        record = np.empty(piece.num_rows, dtype=layout)
        record["fields"] = len(columns)
        for name in columns:
            record[f"{name}_length"] = layout[name].itemsize if name in layout.names else -1
        if first_id is not None:
            start = first_id + rows_before
            record["id"] = np.arange(start, start + len(record))
        record["account_id"] = account(piece.column(parser.i_account))
        record["date"] = date(piece.column(parser.i_date))
        record["activity_type_id"] = activity_type(piece.column(parser.i_type))
        _set_numeric(record, "quantity", quantity(piece.column(parser.i_quantity)))
        for name, value in constants.items():
            if value is not None:
                record[name] = value
        return record

    def chunks() -> Iterator[bytes | int]:
        rows = 0
        try:
            yield COPY_HEADER
            while True:
                try:
                    block = reader.read_next_batch()
                except StopIteration:
                    break
                except pa.ArrowInvalid as error:
                    raise NotColumnar from error
                for start in range(0, block.num_rows, rows_per_chunk):
                    record = record_of(block.slice(start, rows_per_chunk), rows)
                    rows += len(record)
                    yield record.tobytes()
                    yield rows
            yield COPY_TRAILER
        finally:
            reader.close()

    return chunks()


def _set_numeric(record: np.ndarray, name: str, cents: np.ndarray) -> None:
    """Fixed-size binary numerics (NUMERIC_DIGITS base-10000 digits) from amounts in cents."""
    numeric = record[name]
    numeric["count"] = NUMERIC_DIGITS
    numeric["weight"] = NUMERIC_WEIGHT
    numeric["sign"] = 0  # quantities are never negative (the parser refuses them)
    numeric["scale"] = NUMERIC_SCALE
    whole, fraction = np.divmod(cents, 100)
    digits = numeric["digits"]
    digits[:, 0] = whole // 100_000_000
    digits[:, 1] = (whole // 10_000) % 10_000
    digits[:, 2] = whole % 10_000
    digits[:, 3] = fraction * 100
