"""Kinds `revenue` and `forecasts`: monthly figures of an account, upserted on their natural
keys (revenue per location too)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.utils.translation import gettext_noop

from accounts.models import AccountLocation
from valuation.importing.cells import (
    DateParser,
    DecimalParser,
    RowChecker,
    account_lookup,
    cells_of,
    parse_month_start,
    parse_text,
)
from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import Upsert, batches, upsert_rows
from valuation.models import Forecast, RevenueRecord

REVENUE = Upsert(
    model=RevenueRecord,
    key_fields=("account_id", "location_id", "period_start"),
    value_fields=("revenue", "cost_of_goods"),
)
FORECASTS = Upsert(
    model=Forecast, key_fields=("account_id", "period_start"), value_fields=("revenue",)
)


def revenue_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    money = DecimalParser(what=gettext_noop("amount"))
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        account_id = check.take("account", account, c["account"])
        location = check.take(
            "location",
            lambda t: parse_text(t, what=gettext_noop("location"), max_length=120),
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


def write_revenue(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    """Upsert on (account, location, period_start). A location named in the file that the
    account does not have yet is created: ERPs send site names, not our ids."""
    return upsert_rows(REVENUE, _with_location_ids(rows), context.outcome)


def _with_location_ids(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows with their location's id in place of its name, the locations missing
    created batch by batch."""
    locations: dict[tuple[int, str], int] = {
        (account_id, name): location_id
        for account_id, name, location_id in AccountLocation.objects.values_list(
            "account_id", "name", "id"
        ).iterator()
    }
    for batch in batches(rows):
        missing = {(row[0], row[1]) for row in batch} - locations.keys()
        if missing:
            created = AccountLocation.objects.bulk_create(
                [AccountLocation(account_id=a, name=n) for a, n in sorted(missing)]
            )
            if not connection.features.can_return_rows_from_bulk_insert:  # no ids back
                created = list(
                    AccountLocation.objects.filter(account_id__in={a for a, _ in missing})
                )
            locations.update({(loc.account_id, loc.name): loc.pk for loc in created})
        for account_id, location, period, revenue, cost in batch:
            yield (account_id, locations[(account_id, location)], period, revenue, cost)


def forecasts_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    money = DecimalParser(what=gettext_noop("amount"))
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        account_id = check.take("account", account, c["account"])
        period = check.take(
            "period_start", lambda t: parse_month_start(dates, t), c["period_start"]
        )
        revenue = check.take("revenue", money, c["revenue"])
        check.done()
        return (account_id, period, revenue)

    return parse


def write_forecasts(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    return upsert_rows(FORECASTS, rows, context.outcome)
