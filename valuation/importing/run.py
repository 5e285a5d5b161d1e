"""The run of one import (CONTRACT.md, "Data import and export"): one file of one kind,
validated and written all or nothing.

1. `read_rows` (valuation.importing.files) streams the file's rows.
2. The header is checked (missing, unknown and repeated columns), then every row is parsed
   and validated. Each problem becomes a `RowError(row, column, message)`; validation goes on
   to the last row so the user sees every problem at once.
3. Valid rows flow, as they are parsed, into the kind's writer (valuation.importing.kinds)
   inside ONE transaction: rows with a natural key are inserted or updated in batches
   (valuation.importing.upsert: unchanged rows are not written at all, so re-importing a
   file is a no-op); service activities go through PostgreSQL's `COPY` (bulk_create batches
   on SQLite). As soon as one row is bad the writer receives no more rows, and at the end
   the transaction is rolled back: the database is exactly as before. Validating and
   writing in the same stream reads and parses the file once.
4. Activities (the high-volume kind: a 1,000,000-row file is a normal load,
   bench/import_activities.py) take a faster lane on PostgreSQL when the file is plain CSV:
   the columnar reader (valuation.importing.columnar) parses it block by block with
   pyarrow, checks each distinct value once with the kind's parsers, and streams COPY's
   binary format from a read-ahead thread while PostgreSQL writes the previous chunk
   (valuation.importing.copy_lane). A large file loads a partition of its own, indexed once
   by sorting (valuation.importing.segments): maintaining the primary key and the
   (account, date) index row by row was most of the cost. A file the columnar reader
   declines (quotes, ragged rows, any bad value) is undone and read again row by row, which
   imports it or lists every problem by row. Staging the raw file in SQL and validating
   there was measured too and was slower.

`import_run` is the entry point of `valuation.importing.services.import_batch_execute`, which
the command, the page and the Celery task all share.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from valuation.importing.cells import CellErrors
from valuation.importing.copy_lane import import_activities_columnar
from valuation.importing.files import is_xlsx, read_rows
from valuation.importing.kinds import spec_for
from valuation.importing.kinds.activities import ActivitiesParser
from valuation.importing.outcome import (
    ErrorList,
    ImportOutcome,
    ImportRefused,
    ProgressCallback,
    RowError,
)
from valuation.importing.specs import ImportContext, KindSpec, Row, RowParser

PROGRESS_EVERY = 50_000


def import_run(
    *,
    kind: str,
    path: Path,
    file_name: str,
    batch_id: int | None = None,
    created_by_id: int | None = None,
    is_utf8: bool = True,
    progress: ProgressCallback | None = None,
    progress_every: int = PROGRESS_EVERY,
    expected_rows: int = 0,
) -> ImportOutcome:
    """Validate and write one file of one kind, all or nothing.

    Raises ImportRefused with every problem (row, column, message) and writes nothing when
    any row is bad. `progress(rows_done)` is called every `progress_every` rows.
    `expected_rows` (about the file's data rows, from its line count) decides whether a
    large activities file loads a segment of its own (valuation.importing.segments).
    """
    spec = spec_for(kind)
    rows = read_rows(path, file_name)
    header, header_line = _header(spec, rows)
    errors = ErrorList()
    positions = check_header(spec, header, errors)
    if errors.total:
        # A file whose header is wrong cannot be read row by row meaningfully.
        raise errors.refusal()
    if not is_utf8:
        errors.add(
            0,
            "",
            _(
                "The file is not UTF-8 text; save it as 'CSV UTF-8' (the rows with unreadable "
                "characters are listed below)."
            ),
        )
    reader = _RowReader(
        spec=spec,
        rows=rows,
        width=len(header),
        positions=positions,
        errors=errors,
        is_utf8=is_utf8,
        progress=progress,
        progress_every=progress_every,
    )
    context = ImportContext(batch_id=batch_id, created_by_id=created_by_id)
    with transaction.atomic():
        # Made inside the transaction: the activities parser locks what it preloads.
        parse = spec.make_parser(positions)
        data_rows: int | None = None
        columnar = _columnar_parser(parse, is_utf8=is_utf8, header_line=header_line, name=file_name)
        if columnar is not None:
            data_rows = import_activities_columnar(
                path,
                columnar,
                width=len(header),
                context=context,
                segment=expected_rows >= settings.KAM_IMPORT_SEGMENT_ROWS,
                progress=progress,
                progress_every=progress_every,
            )
        if data_rows is None:
            data_rows = reader.write(parse, context)
        _finish(context.outcome, data_rows=data_rows, errors=errors, progress=progress)
    return context.outcome


def _header(spec: KindSpec, rows: Iterator[list[str]]) -> tuple[list[str], int]:
    """The header row (the first row that is not blank) and its line number."""
    header = next(rows, None)
    header_line = 1
    while header == []:
        header = next(rows, None)
        header_line += 1
    if header is None:
        raise ImportRefused(
            [
                RowError(
                    0,
                    "",
                    _(
                        "The file is empty; it needs a header row naming the columns "
                        "(%(columns)s) and one row per record."
                    )
                    % {"columns": ", ".join(spec.columns)},
                )
            ]
        )
    return header, header_line


def check_header(spec: KindSpec, header: list[str], errors: ErrorList) -> dict[str, int]:
    """Column name → position in the file; each problem of the header added to `errors`."""
    names = [cell.strip().lower() for cell in header]
    expected = ", ".join(spec.columns)
    positions: dict[str, int] = {}
    known = [name for name in names if name in spec.columns]
    if not known:
        errors.add(
            1,
            "",
            _("The first row must be the header row naming the columns: %(columns)s.")
            % {"columns": expected},
        )
        return positions
    for index, name in enumerate(names):
        if not name:
            errors.add(
                1,
                _("column %(number)s") % {"number": index + 1},
                _("This header cell is empty; name the column."),
            )
        elif name not in spec.columns:
            errors.add(
                1,
                name,
                _("Unknown column '%(name)s'; the columns are: %(columns)s.")
                % {"name": header[index].strip(), "columns": expected},
            )
        elif name in positions:
            errors.add(
                1, name, _("The column '%(name)s' appears twice in the header.") % {"name": name}
            )
        else:
            positions[name] = index
    for name in spec.columns:
        if name not in positions:
            errors.add(
                1, name, _("The column '%(name)s' is missing from the header.") % {"name": name}
            )
    return positions


def _columnar_parser(
    parse: RowParser, *, is_utf8: bool, header_line: int, name: str
) -> ActivitiesParser | None:
    """The activities parser when the file may take the columnar lane
    (valuation.importing.copy_lane): plain UTF-8 CSV on PostgreSQL. None otherwise."""
    plain = connection.vendor == "postgresql" and is_utf8 and header_line == 1 and not is_xlsx(name)
    return parse if plain and isinstance(parse, ActivitiesParser) else None


def _finish(
    outcome: ImportOutcome,
    *,
    data_rows: int,
    errors: ErrorList,
    progress: ProgressCallback | None,
) -> None:
    if data_rows == 0:
        errors.add(0, "", _("The file has a header row but no data rows."))
    if errors.total:
        # Raising out of atomic() rolls back everything the writer did.
        raise errors.refusal()
    outcome.rows = data_rows
    # Bulk writes send no signals. Cached account pages draw afresh because their key
    # holds the latest successful import batch (portfolio.account360.selectors), which
    # the caller marks in this transaction.
    if progress is not None:
        progress(data_rows)


@dataclass
class _RowReader:
    """The row-by-row reading of the file's data rows: each row checked and parsed, its
    problems added to `errors`, the valid rows handed to the kind's writer while there is
    no problem yet."""

    spec: KindSpec
    rows: Iterator[list[str]]
    width: int
    positions: dict[str, int]
    errors: ErrorList
    is_utf8: bool
    progress: ProgressCallback | None
    progress_every: int
    data_rows: int = 0
    blank_rows: int = 0
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def write(self, parse: RowParser, context: ImportContext) -> int:
        """Run the kind's writer on the valid rows; return the number of data rows."""
        stream = self.valid_rows(parse)
        self.spec.write(stream, context)
        # The writer gets no rows after the first error; finish reading to list them all.
        for _row in stream:
            pass
        return self.data_rows

    def valid_rows(self, parse: RowParser) -> Iterator[Row]:
        # The hot loop of a 1,000,000-row import: the common row takes one length test, one
        # parse call and one yield; everything unusual goes through the slower branch.
        width, is_utf8, errors, progress = self.width, self.is_utf8, self.errors, self.progress
        key_of = self.spec.key_of
        row_number = 1
        next_progress = self.progress_every
        for row in self.rows:
            row_number += 1
            if len(row) != width or not is_utf8:
                usable = self._unusual(row, row_number)
                if usable is None:
                    continue
                row = usable
            if progress is not None and row_number > next_progress:
                progress(row_number - 1 - self.blank_rows)
                next_progress += self.progress_every
            try:
                parsed = parse(row)
            except CellErrors as problems:
                for column, message in problems.problems:
                    errors.add(row_number, column, message)
                continue
            if key_of is not None and self._repeated(key_of(parsed), row_number):
                continue
            if not errors.total:
                yield parsed
        self.data_rows = row_number - 1 - self.blank_rows

    def _unusual(self, row: list[str], row_number: int) -> list[str] | None:
        """A row of another width than the header's, or of a file that is not all UTF-8:
        the row to parse, or None when there is none (blank, ragged, unreadable)."""
        width = self.width
        if not row or not any(cell.strip() for cell in row):
            self.blank_rows += 1
            return None
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            row = row[:width]
        elif len(row) != width:
            self.errors.add(
                row_number,
                "",
                _("This row has %(values)s values but the header has %(columns)s columns.")
                % {"values": len(row), "columns": width},
            )
            return None
        if not self.is_utf8:
            unreadable = [n for n, i in self.positions.items() if "\ufffd" in row[i]]
            for name in unreadable:
                self.errors.add(
                    row_number, name, _("This value has bytes that are not UTF-8 text.")
                )
            if unreadable:
                return None
        return row

    def _repeated(self, key: tuple[Any, ...], row_number: int) -> bool:
        """Whether the row repeats the natural key of an earlier row (added to errors)."""
        first = self.seen.setdefault(key, row_number)
        if first == row_number:
            return False
        key_names = ", ".join(self.spec.natural_key or ())
        self.errors.add(
            row_number,
            key_names,
            _("Same %(key)s as row %(first)s; each may appear once in a file.")
            % {"key": key_names, "first": first},
        )
        return True
