"""The nightly schedule in words and its next run, hand-checked (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portfolio.schedule_words import in_words, next_run, simple_schedule


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (("0", "2", "*"), "every day at 02:00 UTC"),
        (("30", "3", "1-5"), "Monday to Friday at 03:30 UTC"),
        (("5", "23", "mon-fri"), "Monday to Friday at 23:05 UTC"),
        (("0", "6", "0,6"), "Saturday and Sunday at 06:00 UTC"),
        (("0", "6", "sat,sun"), "Saturday and Sunday at 06:00 UTC"),
        (("0", "1", "1,3"), "on Monday, Wednesday at 01:00 UTC"),
        (("0", "1", "0,1"), "on Monday, Sunday at 01:00 UTC"),  # the week starts on Monday
        (("0", "1", "1-7"), "every day at 01:00 UTC"),
        (("*/15", "2", "*"), "cron fields minute “*/15”, hour “2”, day of week “*” (UTC)"),
        (("0", "24", "*"), "cron fields minute “0”, hour “24”, day of week “*” (UTC)"),
        (("0", "2", "funday"), "cron fields minute “0”, hour “2”, day of week “funday” (UTC)"),
    ],
)
def test_in_words(fields: tuple[str, str, str], words: str) -> None:
    assert in_words(*fields) == words


def test_next_run_is_later_today_then_on_the_next_allowed_day() -> None:
    weekdays = simple_schedule("30", "3", "1-5")
    assert weekdays is not None
    # Friday 4 Dec 2026, 02:00 → today 03:30; at 03:30 exactly → Monday 7 Dec
    friday = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    assert next_run(weekdays, friday) == datetime(2026, 12, 4, 3, 30, tzinfo=UTC)
    assert next_run(weekdays, datetime(2026, 12, 4, 3, 30, tzinfo=UTC)) == datetime(
        2026, 12, 7, 3, 30, tzinfo=UTC
    )
    sundays = simple_schedule("0", "0", "0")
    assert sundays is not None
    assert next_run(sundays, friday) == datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
