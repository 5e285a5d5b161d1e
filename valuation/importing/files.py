"""Reading an import's file: its digest, and its rows as lists of strings (CSV through a
UTF-8 text wrapper and `csv.reader`, XLSX through openpyxl's read-only, streaming worksheet;
the file never sits whole in memory), with the guards against unreadable files and
workbooks that unpack to gigabytes."""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from kam.spreadsheets import cell_from_file
from valuation.importing.outcome import ImportRefused, RowError

FILE_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size: int
    is_utf8: bool
    lines: int  # newline count: about the number of rows plus the header (for progress)


def file_digest(path: Path) -> FileFacts:
    """SHA-256, size, UTF-8 validity and line count of a file, in one streaming read."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    size = 0
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK):
            size += len(chunk)
            lines += chunk.count(b"\n")
            digest.update(chunk)
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    return FileFacts(sha256=digest.hexdigest(), size=size, is_utf8=is_utf8, lines=lines)


def is_xlsx(file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm"))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return cell_from_file(str(value).strip())


def _refuse_xlsx_bomb(path: Path) -> None:
    """Refuse a workbook that unpacks to more than KAM_IMPORT_XLSX_MAX_UNPACKED_BYTES: a few
    hundred kilobytes of XLSX can unpack to gigabytes of rows."""
    from zipfile import BadZipFile, ZipFile

    limit = settings.KAM_IMPORT_XLSX_MAX_UNPACKED_BYTES
    try:
        with ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(
            [
                RowError(
                    0, "", _("The file is not a readable XLSX workbook; save it as .xlsx or CSV.")
                )
            ]
        ) from error
    if unpacked > limit:
        raise ImportRefused(
            [
                RowError(
                    0,
                    "",
                    _(
                        "The workbook unpacks to %(size)s MB, more than the "
                        "%(limit)s MB an import may read; split it, or save it as CSV."
                    )
                    % {"size": f"{unpacked / 1e6:,.0f}", "limit": f"{limit / 1e6:,.0f}"},
                )
            ]
        )


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_xlsx_bomb(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused(
            [
                RowError(
                    0, "", _("The file is not a readable XLSX workbook; save it as .xlsx or CSV.")
                )
            ]
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode would stop at the dimension the file declares, which the program
        # that wrote it may have got wrong: read every row the sheet holds instead.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as raw:
        # Bytes that are not UTF-8 become U+FFFD; the row parser reports them per row
        # (file_digest has already told us whether the file has any).
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            for row in csv.reader(text):
                yield [cell_from_file(cell) if cell[:1] == "'" else cell for cell in row]
        except csv.Error as error:
            raise ImportRefused(
                [RowError(0, "", _("The CSV file cannot be read: %(error)s.") % {"error": error})]
            ) from error


def read_rows(path: Path, file_name: str) -> Iterator[list[str]]:
    """Every row of the file as a list of strings, the header first. A blank row comes as
    an empty list, so row numbers stay aligned with what a spreadsheet shows."""
    if not is_xlsx(file_name):
        return _csv_rows(path)  # csv.reader already yields [] for a blank line
    return _padded_to_header(_xlsx_rows(path))


def _padded_to_header(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """XLSX rows as wide as the header: a sheet stores no empty cells, so a row whose last
    cells are empty (an open complaint without description) ends early."""
    width = 0
    for row in rows:
        if not any(row):
            yield []
            continue
        if not width:
            width = len(row)
        yield row + [""] * (width - len(row)) if len(row) < width else row
