"""The columnar reader of activities CSV files: the COPY lane of `import_data activities`.

pyarrow parses the file block by block in C++ (the file never sits whole in memory). Each
block's distinct cell values are checked once, by the same parsers the row-by-row reader
uses (valuation.importing.kinds.activities.ActivitiesParser), so both readers accept exactly
the same values.
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

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kam.bulk import (
    COPY_HEADER,
    COPY_TRAILER,
    NUMERIC_SCALE,
    NoBinaryLayout,
    binary_row_layout,
    binary_rows,
    pg_days,
    set_numeric,
)
from valuation.importing.cells import BadValue
from valuation.importing.segments import copy_columns
from valuation.models import ServiceActivity

if TYPE_CHECKING:
    from valuation.importing.kinds.activities import ActivitiesParser

BLOCK_BYTES = 4 << 20  # pyarrow parses this much of the file at a time
KNOWN_VALUES_MAX = 200_000  # distinct texts remembered per column


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
        self.value_array: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)

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

    def __call__(self, column: pa.Array) -> npt.NDArray[np.int64]:
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


def _int32_view(array: pa.Array) -> npt.NDArray[np.int32]:
    """A numpy view of a null-free int32 array (what index_in returns). Array.to_numpy
    would import pandas, about 0.25 s, on its first call."""
    if array.null_count:
        raise ValueError("A position is missing: a text was not learnt.")
    values: npt.NDArray[np.int32] = np.frombuffer(array.buffers()[1], dtype=np.int32)
    start = int(array.offset)
    return values[start : start + len(array)]


def _row_layout(columns: tuple[str, ...], nulls: set[str]) -> np.dtype[np.void]:
    """The numpy record of one COPY binary row of activities; a column type the binary
    encoders do not know hands the file to the row reader."""
    try:
        return binary_row_layout(ServiceActivity, columns, nulls)
    except NoBinaryLayout as error:
        raise NotColumnar(str(error)) from error


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
    date = _Resolver(lambda text: pg_days(parser.dates(text)))
    quantity = _Resolver(_cents(parser.quantity.text))

    def record_of(piece: pa.RecordBatch, rows_before: int) -> npt.NDArray[np.void]:
        record = binary_rows(layout, piece.num_rows)
        if first_id is not None:
            start = first_id + rows_before
            record["id"] = np.arange(start, start + len(record))
        record["account_id"] = account(piece.column(parser.i_account))
        record["date"] = date(piece.column(parser.i_date))
        record["activity_type_id"] = activity_type(piece.column(parser.i_type))
        set_numeric(record, "quantity", quantity(piece.column(parser.i_quantity)))
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
