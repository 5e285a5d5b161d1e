"""Revenue, forecasts, service activities and the value ledger change the account 360 page:
bump the account's data version on every write (see accounts.signals).

Activity types and rates price every account's cost to serve. They change rarely (ops edit
them by hand), so a change bumps every account (one UPDATE of the accounts table) instead
of every page read paying for a global "rates version" query."""

from __future__ import annotations

from typing import Any

from accounts.signals import bump_on_write, own_account


def every_account(instance: Any) -> None:
    return None


def register() -> None:
    from valuation.models import (
        ActivityRate,
        ActivityType,
        Forecast,
        RevenueRecord,
        ServiceActivity,
        ValueEntry,
    )

    for model in (RevenueRecord, Forecast, ServiceActivity, ValueEntry):
        bump_on_write(model, own_account)
    bump_on_write(ActivityType, every_account)
    bump_on_write(ActivityRate, every_account, skip_deletes_from=(ActivityType,))
