"""Plan periods from their labels (CONTRACT.md `plans/`): "2027" is the year, "2027 H1" and
"2027 H2" its halves, "2027 Q1" to "2027 Q4" its quarters. Pure: no Django."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

_LABEL = re.compile(r"\s*(?P<year>[0-9]{4})(?:\s*[- ]?\s*(?P<part>[HQ])(?P<number>[1-4]))?\s*\Z")
_MONTHS = {"H": 6, "Q": 3}
FIRST_YEAR, LAST_YEAR = 1900, 2199  # the dates KAM accepts (kam.input_policy)


@dataclass(frozen=True)
class Period:
    label: str  # the canonical spelling: "2027", "2027 H1", "2027 Q3"
    start: datetime.date
    end: datetime.date


def period_of(label: str) -> Period | None:
    """The period a label names (in any spelling: "2027-h1", "2027H1"), or None."""
    match = _LABEL.match(label.upper())
    if match is None:
        return None
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    if match["part"] is None:
        return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    months = _MONTHS[match["part"]]
    number = int(match["number"])
    if number > 12 // months:
        return None  # "H3" and "H4" name no half-year
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return Period(
        f"{year} {match['part']}{number}",
        datetime.date(year, first_month, 1),
        datetime.date(year, last_month, last_day),
    )


def period_dates(label: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of the period a label names, or None for any other label."""
    period = period_of(label)
    return None if period is None else (period.start, period.end)
