"""Bulk import of CSV and XLSX files, one kind per file (CONTRACT.md, "Data import and export").

One framework, one `KindSpec` per kind (its columns, row parser and writer):

1. `read_rows` streams the file: CSV through a UTF-8 text wrapper and `csv.reader`, XLSX
   through openpyxl's read-only (streaming) worksheet. The file never sits whole in memory.
2. The header is checked (missing, unknown and repeated columns), then every row is parsed
   and validated. Each problem becomes a `RowError(row, column, message)`; validation goes on
   to the last row so the user sees every problem at once.
3. Valid rows flow, as they are parsed, into the kind's writer inside ONE transaction: rows
   with a natural key are inserted or updated in batches (unchanged rows are not written at
   all, so re-importing a file is a no-op); service activities go through PostgreSQL's
   `COPY` (bulk_create batches on SQLite). As soon as one row is bad the writer receives no
   more rows, and at the end the transaction is rolled back: the database is exactly as
   before. Validating and writing in the same stream reads and parses the file once.
4. Activities (the high-volume kind: a 1,000,000-row file is a normal load,
   bench/import_activities.py) take a faster lane on PostgreSQL when the file is plain CSV:
   the columnar reader (valuation.columnar) parses it block by block with pyarrow, checks
   each distinct value once with this module's parsers, and streams COPY's binary format
   from a read-ahead thread while PostgreSQL writes the previous chunk. A large file loads a
   partition of its own, indexed once by sorting (valuation.segments): maintaining the
   primary key and the (account, date) index row by row was most of the cost. A file the
   columnar reader declines (quotes, ragged rows, any bad value) is undone and read again
   row by row, which imports it or lists every problem by row. Staging the raw file in SQL
   and validating there was measured too and was slower.

`import_run` is the entry point of `valuation.importing.services.import_batch_execute`, which
the command, the page and the Celery task all share.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from accounts.models import (
    Account,
    AccountEvent,
    AccountLocation,
    Complaint,
    Designation,
    EventKind,
    Severity,
)
from kam.input_policy import LONG_TEXT_MAX_LENGTH, date_problem, printable, text_problem
from kam.bulk import copy_from_chunks
from kam.roles import Role
from kam.row_locks import key_share_locked
from kam.spreadsheets import cell_from_file
from valuation import segments
from valuation.models import (
    ActivityRate,
    ActivityType,
    Forecast,
    ImportKind,
    RevenueRecord,
    ServiceActivity,
)

# Stored and shown errors are capped so a file that is wrong on every line cannot exhaust
# memory or the page; the total count is always reported.
MAX_ERRORS_LISTED = 1000
WRITE_BATCH_SIZE = 2000
PROGRESS_EVERY = 50_000
FILE_CHUNK = 1 << 20


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


# --- reading ------------------------------------------------------------------------------


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


def _cell_text(value: Any) -> str:
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
            [RowError(0, "", "The file is not a readable XLSX workbook; save it as .xlsx or CSV.")]
        ) from error
    if unpacked > limit:
        raise ImportRefused(
            [
                RowError(
                    0,
                    "",
                    f"The workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the "
                    f"{limit / 1e6:,.0f} MB an import may read; split it, or save it as CSV.",
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
            [RowError(0, "", "The file is not a readable XLSX workbook; save it as .xlsx or CSV.")]
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
                [RowError(0, "", f"The CSV file cannot be read: {error}.")]
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


# --- value parsers ------------------------------------------------------------------------

# ASCII digits only: \d would also take other scripts' digits, which Decimal reads but
# PostgreSQL does not.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


class BadValue(Exception):  # noqa: N818 - carries a plain-words message for one cell
    pass


class DateParser:
    """YYYY-MM-DD to date; remembers the dates it has seen (a file has few distinct ones)."""

    def __init__(self) -> None:
        self.cache: dict[str, datetime.date] = {}

    def __call__(self, text: str) -> datetime.date:
        value = self.cache.get(text)
        if value is not None:
            return value
        stripped = text.strip()
        if not stripped:
            raise BadValue("A date is required (YYYY-MM-DD).")
        if not _DATE.match(stripped):
            raise BadValue(
                f"'{stripped}' is not a date; write dates as YYYY-MM-DD, e.g. 2024-03-31."
            )
        try:
            value = datetime.date.fromisoformat(stripped)
        except ValueError as error:
            raise BadValue(
                f"'{stripped}' is not a real date (month 01-12, day within the month); "
                "write dates as YYYY-MM-DD."
            ) from error
        problem = date_problem(value)
        if problem:
            raise BadValue(problem)
        if len(self.cache) < 100_000:
            self.cache[text] = value
        return value


def parse_month_start(parse_date: DateParser, text: str) -> datetime.date:
    value = parse_date(text)
    if value.day != 1:
        raise BadValue(
            f"{value.isoformat()} is not the first day of a month; monthly figures are dated "
            f"by the month's first day, e.g. {value.replace(day=1).isoformat()}."
        )
    return value


class DecimalParser:
    """A plain decimal number with '.' as decimal point, at most `places` decimals."""

    def __init__(self, *, what: str, places: int = 2, max_digits: int = 14) -> None:
        self.what = what
        self.places = places
        self.max_integer_digits = max_digits - places
        self.cache: dict[str, str] = {}

    def text(self, raw: str) -> str:
        """The validated number as canonical text (used by COPY); raises BadValue."""
        cached = self.cache.get(raw)
        if cached is not None:
            return cached
        text = raw.strip()
        if not text:
            raise BadValue(f"A {self.what} is required.")
        if not _AMOUNT.match(text):
            if "," in text:
                raise BadValue(
                    f"'{text}' contains a comma; write numbers with '.' as the decimal point "
                    "and no thousands separator, e.g. 1234.50."
                )
            raise BadValue(f"'{text}' is not a number; write a {self.what} such as 1234.50.")
        if text.startswith("-"):
            raise BadValue(f"A {self.what} cannot be negative ('{text}').")
        whole, _, fraction = text.partition(".")
        if len(fraction.rstrip("0")) > self.places:
            raise BadValue(f"'{text}' has more than {self.places} decimals.")
        if len(whole.lstrip("0")) > self.max_integer_digits:
            raise BadValue(f"'{text}' is too large.")
        if len(self.cache) < 100_000:
            self.cache[raw] = text
        return text

    def __call__(self, raw: str) -> Decimal:
        return Decimal(self.text(raw))


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "yes", "1", "y"):
        return True
    if value in ("false", "no", "0", "n", ""):
        return False
    raise BadValue(f"'{text}' is not true or false.")


def parse_text(
    text: str, *, what: str, max_length: int, required: bool = True, multiline: bool = False
) -> str:
    """A text cell under the input policy (kam/input_policy.py)."""
    value = text.strip()
    if required and not value:
        raise BadValue(f"The {what} is required.")
    if len(value) > max_length:
        raise BadValue(f"The {what} is longer than {max_length} characters.")
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise BadValue(problem)
    return value


def parse_long_text(text: str, *, what: str) -> str:
    return parse_text(
        text, what=what, max_length=LONG_TEXT_MAX_LENGTH, required=False, multiline=True
    )


def parse_choice(text: str, *, what: str, choices: Iterable[str]) -> str:
    value = text.strip().lower()
    allowed = list(choices)
    if value not in allowed:
        shown = f"'{text.strip()}'" if text.strip() else "An empty value"
        raise BadValue(f"{shown} is not a known {what}; use one of: {', '.join(allowed)}.")
    return value


class Lookup:
    """A preloaded name → id map with a plain-words miss message."""

    def __init__(self, mapping: dict[str, int], *, missing: str, empty: str) -> None:
        self.mapping = mapping
        self.missing = missing
        self.empty = empty

    def __call__(self, text: str) -> int:
        found = self.mapping.get(text)
        if found is not None:
            return found
        key = text.strip()
        found = self.mapping.get(key)
        if found is not None:
            return found
        if not key:
            raise BadValue(self.empty)
        raise BadValue(self.missing.format(key))


def _preload(model: Any, key: str, *, lock: bool) -> dict[str, int]:
    """key → id of every row. With `lock` the rows also stay locked until the import's
    transaction ends, so none of them can be deleted while the file's rows referring to
    them are written (service activities carry no database foreign keys; kam.row_locks)."""
    if lock:
        return key_share_locked(model, key)
    return dict(model.objects.exclude(**{key: None}).values_list(key, "id").iterator())


def account_lookup(*, lock: bool = False) -> Lookup:
    mapping = _preload(Account, "external_id", lock=lock)
    return Lookup(
        mapping,
        missing="No account has the external id '{}'.",
        empty="The account (its external id) is required.",
    )


def activity_type_lookup(*, lock: bool = False) -> Lookup:
    return Lookup(
        _preload(ActivityType, "code", lock=lock),
        missing="No activity type has the code '{}'; add it first (kind activity_types).",
        empty="The activity type (its code) is required.",
    )


# --- kinds ----------------------------------------------------------------------------------


RowParser = Callable[[list[str]], tuple[Any, ...]]
Writer = Callable[[Iterator[tuple[Any, ...]], "ImportContext"], ImportOutcome]


@dataclass
class ImportContext:
    batch_id: int | None
    created_by_id: int | None
    outcome: ImportOutcome = field(default_factory=ImportOutcome)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    columns: tuple[str, ...]
    natural_key: tuple[str, ...] | None
    # Builds the row parser: receives the header's column positions, preloads lookups once.
    make_parser: Callable[[dict[str, int]], RowParser]
    write: Writer
    # Position, in the parsed tuple, of the natural key's values (for duplicate detection).
    key_of: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None


class CellErrors(Exception):  # noqa: N818 - the problems of one row, column by column
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(problems)


def _cells(row: list[str], positions: dict[str, int]) -> dict[str, str]:
    return {name: row[index] for name, index in positions.items()}


class RowChecker:
    """Runs one parser per column and gathers every column's problem before raising."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def take(self, column: str, parse: Callable[[str], Any], text: str) -> Any:
        try:
            return parse(text)
        except BadValue as error:
            self.problems.append((column, str(error)))
            return None

    def done(self) -> None:
        if self.problems:
            problems = self.problems
            self.problems = []
            raise CellErrors(problems)


# accounts ------------------------------------------------------------------------------


def _accounts_parser(positions: dict[str, int]) -> RowParser:
    users = dict(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ACCOUNT_MANAGER.value)
        .values_list("username", "id")
    )
    users.update(
        get_user_model()
        .objects.filter(is_active=True, is_superuser=True)
        .values_list("username", "id")
    )
    owner = Lookup(
        users,
        missing="'{}' is not an active account manager, so cannot own accounts.",
        empty="The owner (a username) is required.",
    )
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        external_id = check.take(
            "external_id",
            lambda t: parse_text(t, what="external id", max_length=64),
            c["external_id"],
        )
        name = check.take("name", lambda t: parse_text(t, what="name", max_length=200), c["name"])
        industry = check.take(
            "industry",
            lambda t: parse_text(t, what="industry", max_length=100, required=False),
            c["industry"],
        )
        region = check.take(
            "region",
            lambda t: parse_text(t, what="region", max_length=100, required=False),
            c["region"],
        )
        designation = check.take(
            "designation",
            lambda t: parse_choice(
                t or "candidate", what="designation", choices=Designation.values
            ),
            c["designation"],
        )
        owner_id = check.take("owner", owner, c["owner"])
        check.done()
        return (external_id, name, industry, region, designation, owner_id)

    return parse


def _write_accounts(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    fields = ("name", "industry", "region", "designation", "owner_id")
    outcome = context.outcome
    for batch in _batches(rows):
        existing = {
            account.external_id: account
            for account in Account.objects.filter(external_id__in=[row[0] for row in batch])
        }
        new, changed = [], []
        for external_id, *values in batch:
            account = existing.get(external_id)
            if account is None:
                new.append(
                    Account(external_id=external_id, **dict(zip(fields, values, strict=True)))
                )
                continue
            before = [getattr(account, name) for name in fields]
            if _assign(account, fields, values):
                # Versioned record (kam/versioning.py): an edit based on the version before
                # the import is refused instead of undoing it.
                account.version += 1
                account.field_versions = {
                    **(account.field_versions or {}),
                    **{
                        name.removesuffix("_id"): account.version
                        for name, old in zip(fields, before, strict=True)
                        if getattr(account, name) != old
                    },
                }
                changed.append(account)
            else:
                outcome.unchanged += 1
        Account.objects.bulk_create(new)
        if changed:
            Account.objects.bulk_update(
                changed, [*fields, "updated_at", "version", "field_versions"]
            )
        outcome.created += len(new)
        outcome.updated += len(changed)
    return outcome


def _assign(instance: Any, fields: tuple[str, ...], values: Iterable[Any]) -> bool:
    """Set the fields that differ; True when anything changed."""
    changed = False
    for name, value in zip(fields, values, strict=True):
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed and hasattr(instance, "updated_at"):
        from django.utils import timezone

        instance.updated_at = timezone.now()
    return changed


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= WRITE_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


# revenue -------------------------------------------------------------------------------


def _revenue_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    money = DecimalParser(what="amount")
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        account_id = check.take("account", account, c["account"])
        location = check.take(
            "location",
            lambda t: parse_text(t, what="location", max_length=120),
            c["location"],
        )
        period = check.take(
            "period_start", lambda t: parse_month_start(dates, t), c["period_start"]
        )
        revenue = check.take("revenue", money, c["revenue"])
        cost = check.take("cost_of_goods", money, c["cost_of_goods"] or "0")
        check.done()
        return (account_id, location, period, revenue, cost)

    return parse


def _write_revenue(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    """Upsert on (account, location, period_start). A location named in the file that the
    account does not have yet is created: ERPs send site names, not our ids."""
    outcome = context.outcome
    locations: dict[tuple[int, str], int] = {
        (account_id, name): location_id
        for account_id, name, location_id in AccountLocation.objects.values_list(
            "account_id", "name", "id"
        ).iterator()
    }
    for batch in _batches(rows):
        missing = {(row[0], row[1]) for row in batch} - locations.keys()
        if missing:
            created = AccountLocation.objects.bulk_create(
                [AccountLocation(account_id=a, name=n) for a, n in sorted(missing)]
            )
            if created and created[0].pk is None:  # SQLite before RETURNING support
                created = list(
                    AccountLocation.objects.filter(account_id__in={a for a, _ in missing})
                )
            locations.update({(loc.account_id, loc.name): loc.pk for loc in created})
        keyed = {(row[0], locations[(row[0], row[1])], row[2]): row for row in batch}
        existing = {
            (record.account_id, record.location_id, record.period_start): record
            for record in RevenueRecord.objects.filter(
                account_id__in={key[0] for key in keyed},
                period_start__in={key[2] for key in keyed},
            )
        }
        new, changed = [], []
        for key, row in keyed.items():
            record = existing.get(key)
            if record is None:
                new.append(
                    RevenueRecord(
                        account_id=key[0],
                        location_id=key[1],
                        period_start=key[2],
                        revenue=row[3],
                        cost_of_goods=row[4],
                    )
                )
            elif _assign(record, ("revenue", "cost_of_goods"), row[3:5]):
                changed.append(record)
            else:
                outcome.unchanged += 1
        RevenueRecord.objects.bulk_create(new)
        RevenueRecord.objects.bulk_update(changed, ["revenue", "cost_of_goods"])
        outcome.created += len(new)
        outcome.updated += len(changed)
    return outcome


# forecasts -----------------------------------------------------------------------------


def _forecasts_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    money = DecimalParser(what="amount")
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        account_id = check.take("account", account, c["account"])
        period = check.take(
            "period_start", lambda t: parse_month_start(dates, t), c["period_start"]
        )
        revenue = check.take("revenue", money, c["revenue"])
        check.done()
        return (account_id, period, revenue)

    return parse


def _write_forecasts(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    outcome = context.outcome
    for batch in _batches(rows):
        existing = {
            (forecast.account_id, forecast.period_start): forecast
            for forecast in Forecast.objects.filter(
                account_id__in={row[0] for row in batch},
                period_start__in={row[1] for row in batch},
            )
        }
        new, changed = [], []
        for account_id, period, revenue in batch:
            forecast = existing.get((account_id, period))
            if forecast is None:
                new.append(Forecast(account_id=account_id, period_start=period, revenue=revenue))
            elif _assign(forecast, ("revenue",), (revenue,)):
                changed.append(forecast)
            else:
                outcome.unchanged += 1
        Forecast.objects.bulk_create(new)
        Forecast.objects.bulk_update(changed, ["revenue"])
        outcome.created += len(new)
        outcome.updated += len(changed)
    return outcome


# activity types and rates ---------------------------------------------------------------

_CODE = re.compile(r"[-a-zA-Z0-9_]+\Z")


def _parse_code(text: str) -> str:
    value = parse_text(text, what="code", max_length=40)
    if not _CODE.match(value):
        raise BadValue(f"'{value}' is not a valid code; use letters, digits, '-' and '_' only.")
    return value


def _activity_types_parser(positions: dict[str, int]) -> RowParser:
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        code = check.take("code", _parse_code, c["code"])
        name = check.take("name", lambda t: parse_text(t, what="name", max_length=120), c["name"])
        unit = check.take("unit", lambda t: parse_text(t, what="unit", max_length=40), c["unit"])
        is_investment = check.take("is_investment", parse_bool, c["is_investment"])
        check.done()
        return (code, name, unit, is_investment)

    return parse


def _write_activity_types(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    fields = ("name", "unit", "is_investment")
    outcome = context.outcome
    for batch in _batches(rows):
        existing = {t.code: t for t in ActivityType.objects.filter(code__in=[r[0] for r in batch])}
        new, changed = [], []
        for code, *values in batch:
            activity_type = existing.get(code)
            if activity_type is None:
                new.append(ActivityType(code=code, **dict(zip(fields, values, strict=True))))
            elif _assign(activity_type, fields, values):
                changed.append(activity_type)
            else:
                outcome.unchanged += 1
        ActivityType.objects.bulk_create(new)
        ActivityType.objects.bulk_update(changed, list(fields))
        outcome.created += len(new)
        outcome.updated += len(changed)
    return outcome


def _activity_rates_parser(positions: dict[str, int]) -> RowParser:
    activity_type = activity_type_lookup()
    activity_type.empty = "Every rate needs an activity type (its code)."
    dates = DateParser()
    money = DecimalParser(what="unit cost")
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        type_id = check.take("activity_type", activity_type, c["activity_type"])
        effective_from = check.take("effective_from", dates, c["effective_from"])
        unit_cost = check.take("unit_cost", money, c["unit_cost"])
        check.done()
        return (type_id, effective_from, unit_cost)

    return parse


def _write_activity_rates(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    outcome = context.outcome
    for batch in _batches(rows):
        existing = {
            (rate.activity_type_id, rate.effective_from): rate
            for rate in ActivityRate.objects.filter(
                activity_type_id__in={row[0] for row in batch},
                effective_from__in={row[1] for row in batch},
            )
        }
        new, changed = [], []
        for type_id, effective_from, unit_cost in batch:
            rate = existing.get((type_id, effective_from))
            if rate is None:
                new.append(
                    ActivityRate(
                        activity_type_id=type_id, effective_from=effective_from, unit_cost=unit_cost
                    )
                )
            elif _assign(rate, ("unit_cost",), (unit_cost,)):
                changed.append(rate)
            else:
                outcome.unchanged += 1
        ActivityRate.objects.bulk_create(new)
        ActivityRate.objects.bulk_update(changed, ["unit_cost"])
        outcome.created += len(new)
        outcome.updated += len(changed)
    return outcome


# service activities (no natural key; plain CSV files take the columnar lane) ---------------


class ActivitiesParser:
    """Row parser of service activities. `__call__` validates one row (any problem raises
    CellErrors); the columnar reader (valuation.columnar) checks each distinct value of a
    column with the same lookups and parsers."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.accounts = account_lookup(lock=True)
        self.types = activity_type_lookup(lock=True)
        self.dates = DateParser()
        self.quantity = DecimalParser(what="quantity", places=2, max_digits=12)
        self.i_account = positions["account"]
        self.i_type = positions["activity_type"]
        self.i_date = positions["date"]
        self.i_quantity = positions["quantity"]

    def __call__(self, row: list[str]) -> tuple[Any, ...]:
        """(account id, activity type id, date text, quantity text), all validated."""
        check = RowChecker()
        account_id = check.take("account", self.accounts, row[self.i_account])
        type_id = check.take("activity_type", self.types, row[self.i_type])
        day = check.take("date", self.dates, row[self.i_date])
        amount = check.take("quantity", self.quantity.text, row[self.i_quantity])
        check.done()
        return (account_id, type_id, day.isoformat(), amount)


def _activities_parser(positions: dict[str, int]) -> RowParser:
    return ActivitiesParser(positions)


class _ReadAhead:
    """Runs a generator (of COPY chunks and progress counts) in a thread, at most `depth`
    items ahead.

    Reading and checking the file (Python) then overlaps with PostgreSQL writing the chunks
    already sent: psycopg2 releases the GIL while it sends a chunk. Memory stays bounded by
    `depth` chunks. An exception in the generator is raised again in the consumer; `close`
    stops the thread when the consumer gives up early."""

    def __init__(self, chunks: Iterator[Any], depth: int = 4) -> None:
        self.queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._produce, args=(chunks,), name="kam-import-reader", daemon=True
        )
        self.thread.start()

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _produce(self, chunks: Iterator[Any]) -> None:
        try:
            for chunk in chunks:
                if not self._put(("chunk", chunk)):
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the consumer thread
            self._put(("error", error))
        else:
            self._put(("end", None))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator stopped early releases what it holds (its file) now

    def __iter__(self) -> Iterator[Any]:
        while True:
            kind, value = self.queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()


def _copy_tail(context: ImportContext) -> str:
    null = "\\N"
    batch = null if context.batch_id is None else context.batch_id
    user = null if context.created_by_id is None else context.created_by_id
    return f"\t{batch}\t{user}\n"


# Activities reach COPY in sorted runs of this many rows. A run ordered by (account, date)
# fills the (account, date) index leaf after leaf instead of at random, which took
# PostgreSQL's share of a 1,000,000-row import from about 8 to about 5 CPU-seconds (see
# bench/import_activities.py); a run of 100,000 lines holds about 5 MB.
COPY_SORT_RUN = 100_000


def _copy_line(account_key: str, type_id: int, day: str, amount: str, tail: str) -> str:
    """One COPY line in the column order of `segments.COLUMNS` (without the id)."""
    return f"{account_key}\t{day}\t{type_id}\t{amount}{tail}"


def _copy_activities(chunks: Iterator[str] | Iterator[bytes], *, binary: bool = False) -> None:
    """COPY into the table, in COPY's text format (`_copy_line`) or, with `binary`, in the
    binary format the columnar reader writes (same columns, same order)."""
    table = ServiceActivity._meta.db_table
    copy_from_chunks(segments.copy_sql(table, with_ids=False, binary=binary), chunks)


def _import_activities_columnar(
    path: Path,
    parser: ActivitiesParser,
    *,
    width: int,
    context: ImportContext,
    segment: bool,
    progress: ProgressCallback | None,
    progress_every: int,
) -> int | None:
    """Load a plain activities CSV file through the columnar reader (valuation.columnar):
    into a segment of its own when `segment`, else into the table. Returns the number of
    rows loaded, or None, having undone everything it wrote, when the file needs the
    row-by-row reader (it is not plain, or a value is bad)."""
    # Imported here: columnar imports this module (its parsers), and pyarrow costs start-up
    # time that only this lane needs.
    from valuation import columnar

    try:
        with transaction.atomic():  # a savepoint: a file handed over leaves nothing behind
            target = segments.segment_create() if segment else None
            chunks = columnar.activity_copy_chunks(
                path,
                parser,
                width=width,
                first_id=None if target is None else target.first_id,
                batch_id=context.batch_id,
                created_by_id=context.created_by_id,
                # Progress is reported per chunk: a chunk holds progress_every rows (50,000
                # by default; a command asking for progress every row gets 1-row chunks).
                rows_per_chunk=progress_every,
            )
            reader = _ReadAhead(chunks)
            rows = 0

            def copy_chunks() -> Iterator[bytes]:
                nonlocal rows
                for item in reader:
                    if isinstance(item, bytes):
                        yield item
                        continue
                    rows = item
                    if progress is not None:
                        progress(rows)  # in this thread, like every other use of the callback

            try:
                if target is None:
                    _copy_activities(copy_chunks(), binary=True)
                else:
                    copy_from_chunks(target.copy_sql(), copy_chunks())
                    segments.segment_attach(target)
            finally:
                reader.close()
    except columnar.NotColumnar:
        return None
    context.outcome.created = rows
    return rows


def _write_activities(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    """The row reader's writer: COPY on PostgreSQL, bulk_create batches elsewhere. (Plain CSV
    files on PostgreSQL take `_import_activities_columnar` instead.)"""
    outcome = context.outcome
    if connection.vendor == "postgresql":
        tail = _copy_tail(context)
        pad = "019d"  # any bigint id: sorted as text, the lines sort by account, then date

        def chunks() -> Iterator[str]:
            lines: list[str] = []
            for account_id, type_id, day, amount in rows:
                lines.append(_copy_line(format(account_id, pad), type_id, day, amount, tail))
                if len(lines) >= COPY_SORT_RUN:
                    outcome.created += len(lines)
                    lines.sort()
                    yield "".join(lines)
                    lines = []
            outcome.created += len(lines)
            if lines:
                lines.sort()
                yield "".join(lines)

        _copy_activities(chunks())
        return outcome
    for batch in _batches(rows):
        ServiceActivity.objects.bulk_create(
            [
                ServiceActivity(
                    account_id=account_id,
                    activity_type_id=type_id,
                    date=datetime.date.fromisoformat(day),
                    quantity=Decimal(amount),
                    import_batch_id=context.batch_id,
                    created_by_id=context.created_by_id,
                )
                for account_id, type_id, day, amount in batch
            ]
        )
        outcome.created += len(batch)
    return outcome


# complaints and account events (no natural key) ------------------------------------------


def _complaints_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    check = RowChecker()

    def optional_date(text: str) -> datetime.date | None:
        return dates(text) if text.strip() else None

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        account_id = check.take("account", account, c["account"])
        # stored lower-case so recurring problems group reliably (see Complaint)
        category = check.take(
            "category",
            lambda t: parse_text(t, what="category", max_length=100).lower(),
            c["category"],
        )
        severity = check.take(
            "severity",
            lambda t: parse_choice(t, what="severity", choices=Severity.values),
            c["severity"],
        )
        opened_on = check.take("opened_on", dates, c["opened_on"])
        resolved_on = check.take("resolved_on", optional_date, c["resolved_on"])
        if opened_on and resolved_on and resolved_on < opened_on:
            check.problems.append(
                ("resolved_on", "A complaint cannot be resolved before it was opened.")
            )
        description = check.take(
            "description", lambda t: parse_long_text(t, what="description"), c["description"]
        )
        check.done()
        return (account_id, category, severity, opened_on, resolved_on, description)

    return parse


def _write_complaints(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    for batch in _batches(rows):
        Complaint.objects.bulk_create(
            [
                Complaint(
                    account_id=account_id,
                    category=category,
                    severity=severity,
                    opened_on=opened_on,
                    resolved_on=resolved_on,
                    description=description,
                    created_by_id=context.created_by_id,
                )
                for account_id, category, severity, opened_on, resolved_on, description in batch
            ]
        )
        context.outcome.created += len(batch)
    return context.outcome


def _events_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    check = RowChecker()

    def parse(row: list[str]) -> tuple[Any, ...]:
        c = _cells(row, positions)
        account_id = check.take("account", account, c["account"])
        kind = check.take(
            "kind",
            lambda t: parse_choice(t, what="event kind", choices=EventKind.values),
            c["kind"],
        )
        day = check.take("date", dates, c["date"])
        notes = check.take("notes", lambda t: parse_long_text(t, what="notes"), c["notes"])
        check.done()
        return (account_id, kind, day, notes)

    return parse


def _write_events(rows: Iterator[tuple[Any, ...]], context: ImportContext) -> ImportOutcome:
    for batch in _batches(rows):
        AccountEvent.objects.bulk_create(
            [
                AccountEvent(
                    account_id=account_id,
                    kind=kind,
                    date=day,
                    notes=notes,
                    created_by_id=context.created_by_id,
                )
                for account_id, kind, day, notes in batch
            ]
        )
        context.outcome.created += len(batch)
    return context.outcome


SPECS: dict[str, KindSpec] = {
    ImportKind.ACCOUNTS: KindSpec(
        kind=ImportKind.ACCOUNTS,
        columns=("external_id", "name", "industry", "region", "designation", "owner"),
        natural_key=("external_id",),
        make_parser=_accounts_parser,
        write=_write_accounts,
        key_of=lambda row: (row[0],),
    ),
    ImportKind.REVENUE: KindSpec(
        kind=ImportKind.REVENUE,
        columns=("account", "location", "period_start", "revenue", "cost_of_goods"),
        natural_key=("account", "location", "period_start"),
        make_parser=_revenue_parser,
        write=_write_revenue,
        key_of=lambda row: (row[0], row[1], row[2]),
    ),
    ImportKind.FORECASTS: KindSpec(
        kind=ImportKind.FORECASTS,
        columns=("account", "period_start", "revenue"),
        natural_key=("account", "period_start"),
        make_parser=_forecasts_parser,
        write=_write_forecasts,
        key_of=lambda row: (row[0], row[1]),
    ),
    ImportKind.ACTIVITY_TYPES: KindSpec(
        kind=ImportKind.ACTIVITY_TYPES,
        columns=("code", "name", "unit", "is_investment"),
        natural_key=("code",),
        make_parser=_activity_types_parser,
        write=_write_activity_types,
        key_of=lambda row: (row[0],),
    ),
    ImportKind.ACTIVITY_RATES: KindSpec(
        kind=ImportKind.ACTIVITY_RATES,
        columns=("activity_type", "effective_from", "unit_cost"),
        natural_key=("activity_type", "effective_from"),
        make_parser=_activity_rates_parser,
        write=_write_activity_rates,
        key_of=lambda row: (row[0], row[1]),
    ),
    ImportKind.ACTIVITIES: KindSpec(
        kind=ImportKind.ACTIVITIES,
        columns=("account", "activity_type", "date", "quantity"),
        natural_key=None,
        make_parser=_activities_parser,
        write=_write_activities,
    ),
    ImportKind.COMPLAINTS: KindSpec(
        kind=ImportKind.COMPLAINTS,
        columns=("account", "category", "severity", "opened_on", "resolved_on", "description"),
        natural_key=None,
        make_parser=_complaints_parser,
        write=_write_complaints,
    ),
    ImportKind.EVENTS: KindSpec(
        kind=ImportKind.EVENTS,
        columns=("account", "kind", "date", "notes"),
        natural_key=None,
        make_parser=_events_parser,
        write=_write_events,
    ),
}


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        known = ", ".join(SPECS)
        raise ImportRefused(
            [RowError(0, "", f"Unknown kind '{kind}'; use one of: {known}.")]
        ) from None


# --- the run --------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(row, column, message))


def _check_header(spec: KindSpec, header: list[str], errors: _Collector) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    expected = ", ".join(spec.columns)
    positions: dict[str, int] = {}
    known = [name for name in names if name in spec.columns]
    if not known:
        errors.add(
            1,
            "",
            f"The first row must be the header row naming the columns: {expected}.",
        )
        return positions
    for index, name in enumerate(names):
        if not name:
            errors.add(1, f"column {index + 1}", "This header cell is empty; name the column.")
        elif name not in spec.columns:
            errors.add(
                1, name, f"Unknown column '{header[index].strip()}'; the columns are: {expected}."
            )
        elif name in positions:
            errors.add(1, name, f"The column '{name}' appears twice in the header.")
        else:
            positions[name] = index
    for name in spec.columns:
        if name not in positions:
            errors.add(1, name, f"The column '{name}' is missing from the header.")
    return positions


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
    large activities file loads a segment of its own (valuation.segments).
    """
    spec = spec_for(kind)
    errors = _Collector()
    context = ImportContext(batch_id=batch_id, created_by_id=created_by_id)
    rows = read_rows(path, file_name)
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
                    "The file is empty; it needs a header row naming the columns "
                    f"({', '.join(spec.columns)}) and one row per record.",
                )
            ]
        )
    positions = _check_header(spec, header, errors)
    if errors.total:
        # A file whose header is wrong cannot be read row by row meaningfully.
        raise ImportRefused(errors.errors, errors.total)
    if not is_utf8:
        errors.add(
            0,
            "",
            "The file is not UTF-8 text; save it as 'CSV UTF-8' (the rows with unreadable "
            "characters are listed below).",
        )

    width = len(header)
    seen: dict[tuple[Any, ...], int] | None = {} if spec.key_of else None
    key_of = spec.key_of
    key_names = ", ".join(spec.natural_key or ())
    data_rows = 0

    def valid_rows() -> Iterator[tuple[Any, ...]]:
        # The hot loop of a 1,000,000-row import: the common row takes one length test, one
        # parse call and one yield; everything unusual goes through the slower branch.
        nonlocal data_rows
        row_number = 1
        blank_rows = 0
        next_progress = progress_every
        for row in rows:
            row_number += 1
            if len(row) != width or not is_utf8:
                if not row or not any(cell.strip() for cell in row):
                    blank_rows += 1
                    continue
                if len(row) > width and not any(cell.strip() for cell in row[width:]):
                    row = row[:width]
                elif len(row) != width:
                    errors.add(
                        row_number,
                        "",
                        f"This row has {len(row)} values but the header has {width} columns.",
                    )
                    continue
                if not is_utf8:
                    unreadable = [n for n, i in positions.items() if "\ufffd" in row[i]]
                    for name in unreadable:
                        errors.add(
                            row_number, name, "This value has bytes that are not UTF-8 text."
                        )
                    if unreadable:
                        continue
            if progress is not None and row_number > next_progress:
                progress(row_number - 1 - blank_rows)
                next_progress += progress_every
            try:
                parsed = parse(row)
            except CellErrors as problems:
                for column, message in problems.problems:
                    errors.add(row_number, column, message)
                continue
            if seen is not None and key_of is not None:
                key = key_of(parsed)
                first = seen.setdefault(key, row_number)
                if first != row_number:
                    errors.add(
                        row_number,
                        key_names,
                        f"Same {key_names} as row {first}; each may appear once in a file.",
                    )
                    continue
            if not errors.total:
                yield parsed
        data_rows = row_number - 1 - blank_rows

    with transaction.atomic():
        # Made inside the transaction: the activities parser locks what it preloads.
        parse = spec.make_parser(positions)
        columnar_rows = None
        if (
            isinstance(parse, ActivitiesParser)
            and connection.vendor == "postgresql"
            and is_utf8
            and header_line == 1
            and not is_xlsx(file_name)
        ):
            columnar_rows = _import_activities_columnar(
                path,
                parse,
                width=width,
                context=context,
                segment=expected_rows >= settings.KAM_IMPORT_SEGMENT_ROWS,
                progress=progress,
                progress_every=progress_every,
            )
        if columnar_rows is not None:
            data_rows = columnar_rows
            outcome = context.outcome
        else:
            stream = valid_rows()
            outcome = spec.write(stream, context)
            # The writer gets no rows after the first error; finish reading to list them all.
            for _ in stream:
                pass
        if data_rows == 0:
            errors.add(0, "", "The file has a header row but no data rows.")
        if errors.total:
            # Raising out of atomic() rolls back everything the writer did.
            raise ImportRefused(errors.errors, errors.total)
        outcome.rows = data_rows
        # Bulk writes send no signals. Cached account pages draw afresh because their key
        # holds the latest successful import batch (portfolio.account360.selectors), which
        # the caller marks in this transaction.
        if progress is not None:
            progress(data_rows)
    return outcome
