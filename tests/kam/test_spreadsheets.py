"""xlsx_row: text stays text and formula-safe (CONTRACT.md), decimals become numbers."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from kam.spreadsheets import xlsx_row


def test_formula_like_text_is_quoted_text_and_numbers_are_numbers() -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    sheet.append(xlsx_row(sheet, ["=1+1", "+SUM(A1)", Decimal("1.50"), None, 3]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    row = next(load_workbook(buffer)["t"].iter_rows())

    assert [cell.value for cell in row] == ["'=1+1", "'+SUM(A1)", 1.5, None, 3]
    assert row[0].data_type == "s"
    assert row[2].data_type == "n"
