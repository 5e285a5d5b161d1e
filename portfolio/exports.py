"""Write a run's snapshots as CSV or XLSX: one row per account, DOMAIN.md column names."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from kam.spreadsheets import csv_row, xlsx_row
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot

EXPORT_COLUMNS = ["account", "name", *SNAPSHOT_FIGURES, "signals"]


def snapshot_export_rows(snapshots: Iterable[AccountSnapshot]) -> Iterator[list[Any]]:
    """Header, then one row per snapshot; `signals` as "code: detail" joined by "; "."""
    yield EXPORT_COLUMNS
    for snapshot in snapshots:
        signals = "; ".join(f"{s['code']}: {s['detail']}" for s in snapshot.signals)
        yield [
            snapshot.account.external_id or "",
            snapshot.account.name,
            *(getattr(snapshot, name) for name in SNAPSHOT_FIGURES),
            signals,
        ]


def table_write(rows: Iterable[list[Any]], path: Path) -> int:
    """Write rows to `path` as XLSX when it ends in .xlsx, else CSV. Returns data rows."""
    count = -1
    if path.suffix.lower() == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("portfolio")
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
            count += 1
        workbook.save(path)
        return count
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(csv_row(row))
            count += 1
    return count
