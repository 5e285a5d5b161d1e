from datetime import date, datetime

import pandas as pd
import pytest

from valuation.analysis.windows import Windows, as_datetime, format_day

AS_OF = date(2026, 6, 15)


def test_windows_are_calendar_months_ending_with_as_of():
    windows = Windows.from_as_of(AS_OF)

    # Y3: June 2026 minus 11 months = July 2025; Y2 and Y1 the 12 months before each.
    assert windows.y3_start == date(2025, 7, 1)
    assert windows.y2_start == date(2024, 7, 1)
    assert windows.y1_start == date(2023, 7, 1)
    # forecast: the 24 months after June 2026, July 2026 .. June 2028
    assert windows.forecast_start == date(2026, 7, 1)
    assert windows.forecast_end == date(2028, 7, 1)


def test_windows_across_year_ends():
    january = Windows.from_as_of(date(2026, 1, 31))
    december = Windows.from_as_of(date(2025, 12, 31))

    assert january.y3_start == date(2025, 2, 1)
    assert january.forecast_start == date(2026, 2, 1)
    assert december.y3_start == date(2025, 1, 1)
    assert december.y1_start == date(2023, 1, 1)
    assert december.forecast_start == date(2026, 1, 1)
    assert december.forecast_end == date(2028, 1, 1)


def test_label_boundaries_and_nothing_after_as_of():
    windows = Windows.from_as_of(AS_OF)
    days = [
        date(2023, 6, 30),
        date(2023, 7, 1),
        date(2024, 6, 30),
        date(2024, 7, 1),
        date(2025, 6, 30),
        date(2025, 7, 1),
        date(2026, 6, 15),
        date(2026, 6, 16),
        None,
    ]

    labels = windows.label(pd.Series(days)).tolist()

    assert labels == [None, "Y1", "Y1", "Y2", "Y2", "Y3", "Y3", None, None]
    assert [windows.window_of(day) for day in days[:-1]] == labels[:-1]


def test_label_ignores_time_of_day_on_as_of():
    windows = Windows.from_as_of(AS_OF)

    labels = windows.label(pd.Series([pd.Timestamp("2026-06-15 23:59")]))

    assert labels.tolist() == ["Y3"]


def test_datetime_as_of_is_rejected():
    with pytest.raises(TypeError) as error:
        Windows.from_as_of(datetime(2026, 6, 15, 12, 0))  # noqa: DTZ001

    assert str(error.value) == "as_of must be a datetime.date, got datetime"


def test_time_zone_aware_timestamps_count_on_their_local_day():
    # 23:30 in Paris on T is 21:30 UTC: the day in the data (its wall clock) is T.
    paris = pd.Series(
        pd.to_datetime(["2026-06-15 23:30", "2026-06-16 00:30", "2025-06-30 23:00"])
    ).dt.tz_localize("Europe/Paris")
    windows = Windows.from_as_of(AS_OF)

    assert as_datetime(paris).tolist() == [
        pd.Timestamp("2026-06-15"),
        pd.Timestamp("2026-06-16"),
        pd.Timestamp("2025-06-30"),
    ]
    assert windows.in_y3(paris).tolist() == [True, False, False]
    assert windows.label(paris).tolist() == ["Y3", None, "Y2"]


def test_days_are_written_with_english_month_names_whatever_the_locale():
    days = pd.Series([date(2026, month, month) for month in range(1, 13)])

    assert format_day(as_datetime(days)).tolist() == [
        "1 Jan 2026",
        "2 Feb 2026",
        "3 Mar 2026",
        "4 Apr 2026",
        "5 May 2026",
        "6 Jun 2026",
        "7 Jul 2026",
        "8 Aug 2026",
        "9 Sep 2026",
        "10 Oct 2026",
        "11 Nov 2026",
        "12 Dec 2026",
    ]


def test_in_last_days_counts_both_ends():
    windows = Windows.from_as_of(AS_OF)
    # 15 Jun 2026 − 180 days = 17 Dec 2025 (14 + 31 + 28 + 31 + 30 + 31 + 15 = 180)
    days = pd.Series([date(2025, 12, 16), date(2025, 12, 17), AS_OF, date(2026, 6, 16)])

    assert windows.in_last_days(days, 180).tolist() == [False, True, True, False]
