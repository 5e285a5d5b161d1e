"""What an import reports: its outcome, or the problems (row, column, message) that refused
the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kam.input_policy import printable

# Stored and shown errors are capped so a file that is wrong on every line cannot exhaust
# memory or the page; the total count is always reported.
MAX_ERRORS_LISTED = 1000


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header row; 0 means the file as a whole
    column: str
    message: str

    def __post_init__(self) -> None:
        # Messages quote the file's own cells, which may hold what no stored text may (a NUL
        # cannot be written to PostgreSQL, so the batch could not even be marked failed).
        object.__setattr__(self, "column", printable(self.column))
        object.__setattr__(self, "message", printable(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):  # noqa: N818 - a refusal, not a program error
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} problem(s) in the file.")


@dataclass
class ImportOutcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


ProgressCallback = Callable[[int], None]


class ErrorList:
    """The problems of one file, the first MAX_ERRORS_LISTED kept, all of them counted."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(row, column, message))

    def refusal(self) -> ImportRefused:
        return ImportRefused(self.errors, self.total)
