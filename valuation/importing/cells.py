"""Cells to values: the parsers of dates, amounts, texts, choices and codes, the look-ups of
accounts and activity types by their keys, and the row checker that gathers every column's
problem before refusing a row. A parser raises BadValue with a message in plain words, in the
language of the import (the uploader's, `valuation.importing.services`). A parser's `what` is
the English name of what the cell holds, marked with `gettext_noop` where it is given and
translated only when a message needs it (a million rows pay nothing for it)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account
from kam.input_policy import LONG_TEXT_MAX_LENGTH, date_problem, text_problem
from kam.row_locks import key_share_locked
from valuation.models import ActivityType

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
            raise BadValue(_("A date is required (YYYY-MM-DD)."))
        if not _DATE.match(stripped):
            raise BadValue(
                _("'%(value)s' is not a date; write dates as YYYY-MM-DD, e.g. 2024-03-31.")
                % {"value": stripped}
            )
        try:
            value = datetime.date.fromisoformat(stripped)
        except ValueError as error:
            raise BadValue(
                _(
                    "'%(value)s' is not a real date (month 01-12, day within the month); "
                    "write dates as YYYY-MM-DD."
                )
                % {"value": stripped}
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
            _(
                "%(date)s is not the first day of a month; monthly figures are dated "
                "by the month's first day, e.g. %(first)s."
            )
            % {"date": value.isoformat(), "first": value.replace(day=1).isoformat()}
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
            raise BadValue(_("A %(what)s is required.") % {"what": _(self.what)})
        if not _AMOUNT.match(text):
            if "," in text:
                raise BadValue(
                    _(
                        "'%(value)s' contains a comma; write numbers with '.' as the decimal "
                        "point and no thousands separator, e.g. 1234.50."
                    )
                    % {"value": text}
                )
            raise BadValue(
                _("'%(value)s' is not a number; write a %(what)s such as 1234.50.")
                % {"value": text, "what": _(self.what)}
            )
        if text.startswith("-"):
            raise BadValue(
                _("A %(what)s cannot be negative ('%(value)s').")
                % {"what": _(self.what), "value": text}
            )
        whole, _point, fraction = text.partition(".")
        if len(fraction.rstrip("0")) > self.places:
            raise BadValue(
                _("'%(value)s' has more than %(places)s decimals.")
                % {"value": text, "places": self.places}
            )
        if len(whole.lstrip("0")) > self.max_integer_digits:
            raise BadValue(_("'%(value)s' is too large.") % {"value": text})
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
    raise BadValue(_("'%(value)s' is not true or false.") % {"value": text})


def parse_text(
    text: str, *, what: str, max_length: int, required: bool = True, multiline: bool = False
) -> str:
    """A text cell under the input policy (kam/input_policy.py)."""
    value = text.strip()
    if required and not value:
        raise BadValue(_("The %(what)s is required.") % {"what": _(what)})
    if len(value) > max_length:
        raise BadValue(
            _("The %(what)s is longer than %(max)s characters.")
            % {"what": _(what), "max": max_length}
        )
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
        values = {"value": text.strip(), "what": _(what), "choices": ", ".join(allowed)}
        if text.strip():
            raise BadValue(
                _("'%(value)s' is not a known %(what)s; use one of: %(choices)s.") % values
            )
        raise BadValue(
            _("An empty value is not a known %(what)s; use one of: %(choices)s.") % values
        )
    return value


class Lookup:
    """A preloaded name → id map with a plain-words miss message (`missing` has a `{}` for
    the key; both are in the import's language)."""

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


def _preload(model: type[models.Model], key: str, *, lock: bool) -> dict[str, int]:
    """key → id of every row. With `lock` the rows also stay locked until the import's
    transaction ends, so none of them can be deleted while the file's rows referring to
    them are written (service activities carry no database foreign keys; kam.row_locks)."""
    if lock:
        return key_share_locked(model, key)
    return dict(model._default_manager.exclude(**{key: None}).values_list(key, "id").iterator())


def account_lookup(*, lock: bool = False) -> Lookup:
    mapping = _preload(Account, "external_id", lock=lock)
    return Lookup(
        mapping,
        missing=_("No account has the external id '{}'."),
        empty=_("The account (its external id) is required."),
    )


def activity_type_lookup(*, lock: bool = False) -> Lookup:
    return Lookup(
        _preload(ActivityType, "code", lock=lock),
        missing=_("No activity type has the code '{}'; add it first (kind activity_types)."),
        empty=_("The activity type (its code) is required."),
    )


class CellErrors(Exception):  # noqa: N818 - the problems of one row, column by column
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(problems)


def cells_of(row: list[str], positions: dict[str, int]) -> dict[str, str]:
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


_CODE = re.compile(r"[-a-zA-Z0-9_]+\Z")


def parse_code(text: str) -> str:
    value = parse_text(text, what=gettext_noop("code"), max_length=40)
    if not _CODE.match(value):
        raise BadValue(
            _("'%(value)s' is not a valid code; use letters, digits, '-' and '_' only.")
            % {"value": value}
        )
    return value
