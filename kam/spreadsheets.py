"""XLSX cells shared by every export: text stays text, decimals become numbers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """One row for `sheet.append`. openpyxl stores any text starting with "=" as a formula,
    so an account called "=HYPERLINK(…)" would run in the reader's spreadsheet: such text is
    written as a text cell, unchanged (exports still round-trip through the imports)."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, Decimal):
            row.append(float(value))
        elif isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
