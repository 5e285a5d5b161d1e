"""Calendar-month analysis windows around the as-of date T (DOMAIN.md).

Y3 (= TTM) runs from the first day of the month 11 months before T's month through T,
both inclusive. Y2 is the 12 calendar months before Y3 and Y1 the 12 before Y2. Nothing
dated after T counts. A revenue record is dated by its period's first day, so the
record for T's own month counts in Y3 even when T is mid-month.

The forecast window is the 24 calendar months after T's month: from the first day of
the month after T's month up to (excluding) the first day 24 months later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from valuation.analysis.columns import Y1, Y2, Y3


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, if negative) ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def as_datetime(values: pd.Series) -> pd.Series:
    """Dates (``date`` objects, strings, datetime64, tz-aware or not) → datetime64[ns] days.

    Times of day are dropped (a timestamp on T counts as dated T); missing values are NaT.
    The index is kept.
    """
    series = pd.Series(values)
    # Already datetimes: to_datetime would still walk every value (its cache check).
    is_datetime = pd.api.types.is_datetime64_any_dtype(series.dtype)
    converted = series if is_datetime else pd.to_datetime(series)
    if converted.dt.tz is not None:
        converted = converted.dt.tz_localize(None)
    return converted.dt.normalize().astype("datetime64[ns]")


def format_day(values: pd.Series) -> pd.Series:
    """datetime64 → "2 May 2026" strings, independent of the process locale."""
    months = pd.Series(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        index=range(1, 13),
    )
    return (
        values.dt.day.astype("int64").astype(str)
        + " "
        + values.dt.month.map(months)
        + " "
        + values.dt.year.astype("int64").astype(str)
    )


@dataclass(frozen=True)
class Windows:
    """The Y1/Y2/Y3 and forecast windows for one as-of date.

    ``*_start`` dates are inclusive; each window ends the day before the next one
    starts, and Y3 ends on ``as_of`` (inclusive). ``forecast_end`` is exclusive.
    Build with ``Windows.from_as_of(as_of)``.
    """

    as_of: date
    y1_start: date
    y2_start: date
    y3_start: date
    forecast_start: date
    forecast_end: date

    @classmethod
    def from_as_of(cls, as_of: date) -> Windows:
        """Raises TypeError for a ``datetime`` (the analysis is per day, not per instant)."""
        if isinstance(as_of, datetime) or not isinstance(as_of, date):
            raise TypeError(f"as_of must be a datetime.date, got {type(as_of).__name__}")
        y3_start = add_months(as_of, -11)
        forecast_start = add_months(as_of, 1)
        return cls(
            as_of=as_of,
            y1_start=add_months(y3_start, -24),
            y2_start=add_months(y3_start, -12),
            y3_start=y3_start,
            forecast_start=forecast_start,
            forecast_end=add_months(forecast_start, 24),
        )

    @property
    def as_of_timestamp(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)

    def label(self, dates: pd.Series) -> pd.Series:
        """Label each date "Y1", "Y2", "Y3", or None (before Y1, after T, or missing).

        Input: a Series of dates (any form ``as_datetime`` accepts). Output: object
        Series with the same index.
        """
        days = as_datetime(dates)
        labels = np.select(
            [
                (days >= pd.Timestamp(self.y1_start)) & (days < pd.Timestamp(self.y2_start)),
                (days >= pd.Timestamp(self.y2_start)) & (days < pd.Timestamp(self.y3_start)),
                (days >= pd.Timestamp(self.y3_start)) & (days <= self.as_of_timestamp),
            ],
            [Y1, Y2, Y3],
            default=None,  # type: ignore[arg-type]  # an object array: None where no window
        )
        return pd.Series(labels, index=days.index, dtype="object")

    def window_of(self, day: date) -> str | None:
        """Scalar version of ``label`` for one date."""
        if self.y1_start <= day < self.y2_start:
            return Y1
        if self.y2_start <= day < self.y3_start:
            return Y2
        if self.y3_start <= day <= self.as_of:
            return Y3
        return None

    def in_y3(self, dates: pd.Series) -> pd.Series:
        """Boolean mask: date within Y3 (first day of Y3 ≤ date ≤ T)."""
        days = as_datetime(dates)
        return (days >= pd.Timestamp(self.y3_start)) & (days <= self.as_of_timestamp)

    def in_forecast(self, dates: pd.Series) -> pd.Series:
        """Boolean mask: forecast_start ≤ date < forecast_end (the 24 months after T)."""
        days = as_datetime(dates)
        return (days >= pd.Timestamp(self.forecast_start)) & (
            days < pd.Timestamp(self.forecast_end)
        )

    def in_last_days(self, dates: pd.Series, days: int) -> pd.Series:
        """Boolean mask for "in the ``days`` days up to T": T − days ≤ date ≤ T.

        Both ends are inclusive, so with days=180 an event 180 days before T counts and
        one 181 days before does not.
        """
        values = as_datetime(dates)
        start = pd.Timestamp(self.as_of - timedelta(days=days))
        return (values >= start) & (values <= self.as_of_timestamp)
