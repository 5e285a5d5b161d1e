"""The nightly schedule in words and its next run, from its cron fields (pure: no Django).
Ops set a time of day and the days on the page; the API keeps the cron fields, so a schedule
set there that this cannot put in words is shown as its cron fields.

The words are English unless the caller gives `in_words` a translation function (Django's
`gettext`, from a view): every text it passes through it is marked here for the catalogue,
and the sentences are whole messages with named placeholders, so a language may order them
as it reads naturally."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from portfolio.catalogue import gettext_noop

Translate = Callable[[str], str]


def _untranslated(message: str) -> str:
    return message


DAY_NAMES = [
    gettext_noop("Sunday"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
]
_ABBREVIATIONS = {name[:3].lower(): number for number, name in enumerate(DAY_NAMES)}
# Named day sets the page offers, as cron day-of-week fields (0 = Sunday, as cron counts).
DAY_SETS = {
    "*": gettext_noop("every day"),
    "1-5": gettext_noop("Monday to Friday"),
    "0,6": gettext_noop("Saturday and Sunday"),
}


@dataclass(frozen=True)
class SimpleSchedule:
    """A schedule that runs once on each of its days, at one time (UTC)."""

    at: time
    days: frozenset[int]  # 0 = Sunday … 6 = Saturday


def _day(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text) % 7  # cron takes 7 for Sunday too
    return _ABBREVIATIONS.get(text[:3]) if len(text) >= 3 else None


def _days(field: str) -> frozenset[int] | None:
    if field.strip() == "*":
        return frozenset(range(7))
    days: set[int] = set()
    for part in field.split(","):
        first, _, last = part.partition("-")
        start, end = _day(first), _day(last) if last else _day(first)
        if start is None or end is None or (last and start > end and end != 0):
            return None
        if last and end == 0:  # "1-7" or "mon-sun"
            end = 7
        days.update(day % 7 for day in range(start, end + 1))
    return frozenset(days)


def simple_schedule(minute: str, hour: str, day_of_week: str) -> SimpleSchedule | None:
    """The schedule when it is one time on some days; None for anything else cron can say."""
    if not (minute.isdigit() and hour.isdigit()):
        return None
    if int(minute) > 59 or int(hour) > 23:
        return None
    days = _days(day_of_week)
    if not days:
        return None
    return SimpleSchedule(at=time(int(hour), int(minute)), days=days)


def _days_in_words(days: frozenset[int], gettext: Translate) -> str:
    for field, words in DAY_SETS.items():
        if days == _days(field):
            return gettext(words)
    # Monday first, as people read a week
    first, *others = [gettext(DAY_NAMES[day]) for day in sorted(days, key=lambda d: (d + 6) % 7)]
    listed = first
    for day in others:
        # Translators: one more day added to a list of days of the week ("Monday, Friday").
        listed = gettext("%(days)s, %(day)s") % {"days": listed, "day": day}
    # Translators: the days of the week a schedule runs on ("on Monday, Friday").
    return gettext("on %(days)s") % {"days": listed}


def in_words(
    minute: str, hour: str, day_of_week: str, *, gettext: Translate = _untranslated
) -> str:
    """`0 2 *` → "every day at 02:00 UTC"; what is not one time on some days is given as its
    cron fields. `gettext` translates each text (English by default)."""
    schedule = simple_schedule(minute, hour, day_of_week)
    if schedule is None:
        return gettext(
            "cron fields minute “%(minute)s”, hour “%(hour)s”, day of week “%(day_of_week)s” (UTC)"
        ) % {"minute": minute, "hour": hour, "day_of_week": day_of_week}
    # Translators: when the nightly analysis runs ("every day at 02:00 UTC").
    return gettext("%(days)s at %(time)s UTC") % {
        "days": _days_in_words(schedule.days, gettext),
        "time": f"{schedule.at:%H:%M}",
    }


def next_run(schedule: SimpleSchedule, after: datetime) -> datetime:
    """The first run strictly after `after` (a UTC datetime, naive or aware alike)."""
    day = after.replace(second=0, microsecond=0)
    for offset in range(8):
        candidate = datetime.combine(
            (day + timedelta(days=offset)).date(), schedule.at, tzinfo=after.tzinfo
        )
        # Python counts Monday 0; cron counts Sunday 0
        if (candidate.weekday() + 1) % 7 in schedule.days and candidate > after:
            return candidate
    raise ValueError("A schedule with days runs within a week.")  # pragma: no cover
