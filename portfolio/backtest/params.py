"""The horizon a backtest is asked for (the query's `horizon_days`), read or refused in words."""

from __future__ import annotations

from portfolio.churn.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS

HORIZON_ERROR = (
    f"horizon_days is a whole number of days from 1 to {MAX_HORIZON_DAYS} (default 365)."
)


def horizon_days_parse(values: list[str]) -> tuple[int, str | None]:
    """The horizon from the query's values of `horizon_days` (none: the default 365), and
    the error in words (None when valid): sent twice, not a whole number, or out of range."""
    if not values:
        return DEFAULT_HORIZON_DAYS, None
    if len(values) > 1:
        return DEFAULT_HORIZON_DAYS, "Send horizon_days once."
    text = values[0].strip()
    if not text.isascii() or not text.isdigit() or len(text) > 5:
        return DEFAULT_HORIZON_DAYS, HORIZON_ERROR
    days = int(text)
    if not 1 <= days <= MAX_HORIZON_DAYS:
        return DEFAULT_HORIZON_DAYS, HORIZON_ERROR
    return days, None
