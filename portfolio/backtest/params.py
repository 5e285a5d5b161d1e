"""The horizon a backtest is asked for (the query's `horizon_days`), read or refused in words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portfolio.churn.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS


def _horizon_error() -> str:
    return _("horizon_days is a whole number of days from 1 to %(most)s (default 365).") % {
        "most": MAX_HORIZON_DAYS
    }


def horizon_days_parse(values: list[str]) -> tuple[int, str | None]:
    """The horizon from the query's values of `horizon_days` (none: the default 365), and
    the error in words (None when valid): sent twice, not a whole number, or out of range."""
    if not values:
        return DEFAULT_HORIZON_DAYS, None
    if len(values) > 1:
        return DEFAULT_HORIZON_DAYS, _("Send horizon_days once.")
    text = values[0].strip()
    if not text.isascii() or not text.isdigit() or len(text) > 5:
        return DEFAULT_HORIZON_DAYS, _horizon_error()
    days = int(text)
    if not 1 <= days <= MAX_HORIZON_DAYS:
        return DEFAULT_HORIZON_DAYS, _horizon_error()
    return days, None
