"""Cells of every CSV and XLSX file KAM writes or reads, in one place.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula, so an account called `=HYPERLINK(…)` would run in the reader's spreadsheet. Every
text cell KAM writes that begins so gets a leading `'` (OWASP's advice, CONTRACT.md), and the
imports take it off again (`cell_from_file`), so an export imports back unchanged. A text that
already begins with `'` before such a character gets one more, so the round trip is exact.
Numbers are written as numbers: a negative amount is not a formula.

Text that no XLSX file can hold (control characters stored before the input policy refused
them) is written without those characters rather than failing the whole download.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def formula_safe(text: str) -> str:
    """`text` as a cell no spreadsheet reads as a formula (a leading `'` where needed)."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def cell_from_file(text: str) -> str:
    """The text a formula-safe cell stood for: the inverse of `formula_safe`."""
    return text[1:] if _QUOTED.match(text) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One row for `csv.writer.writerow`: None as an empty cell, text formula-safe."""
    return [
        "" if value is None else formula_safe(value) if isinstance(value, str) else value
        for value in values
    ]


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """One row for `sheet.append`: text as formula-safe text cells, decimals as numbers."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, Decimal):
            row.append(float(value))
        elif isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=formula_safe(ILLEGAL_CHARACTERS_RE.sub("", value)))
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(csv_row(row))


def csv_download(
    filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A CSV attachment streamed row by row (a large list never sits in memory)."""
    response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(
    filename: str, sheet_title: str, header: Iterable[str], rows: Iterable[Iterable[Any]]
) -> FileResponse:
    """An XLSX attachment, written row by row into a temporary file (openpyxl's write-only
    mode), with the header as given and every row through `xlsx_row`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
