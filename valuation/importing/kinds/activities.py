"""Kind `activities` (service activities): the high-volume kind, without a natural key. The
row reader's rows go to COPY on PostgreSQL (bulk_create batches elsewhere); plain CSV files
on PostgreSQL take the columnar lane (valuation.importing.copy_lane) with this parser's
look-ups and checks."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_noop

from valuation.importing.cells import (
    DateParser,
    DecimalParser,
    RowChecker,
    account_lookup,
    activity_type_lookup,
)
from valuation.importing.copy_lane import copy_activity_rows
from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import batches
from valuation.models import ServiceActivity


class ActivitiesParser:
    """Row parser of service activities. `__call__` validates one row (any problem raises
    CellErrors); the columnar reader (valuation.importing.columnar) checks each distinct value
    of a column with the same lookups and parsers."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.accounts = account_lookup(lock=True)
        self.types = activity_type_lookup(lock=True)
        self.dates = DateParser()
        self.quantity = DecimalParser(what=gettext_noop("quantity"), places=2, max_digits=12)
        self.i_account = positions["account"]
        self.i_type = positions["activity_type"]
        self.i_date = positions["date"]
        self.i_quantity = positions["quantity"]

    def __call__(self, row: list[str]) -> Row:
        """(account id, activity type id, date text, quantity text), all validated."""
        check = RowChecker()
        account_id = check.take("account", self.accounts, row[self.i_account])
        type_id = check.take("activity_type", self.types, row[self.i_type])
        day = check.take("date", self.dates, row[self.i_date])
        amount = check.take("quantity", self.quantity.text, row[self.i_quantity])
        check.done()
        return (account_id, type_id, day.isoformat(), amount)


def activities_parser(positions: dict[str, int]) -> RowParser:
    return ActivitiesParser(positions)


def write_activities(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    """The row reader's writer: COPY on PostgreSQL, bulk_create batches elsewhere. Plain CSV
    files on PostgreSQL take the columnar lane instead (copy_lane.import_activities_columnar)."""
    outcome = context.outcome
    if connection.vendor == "postgresql":
        return copy_activity_rows(rows, context)
    for batch in batches(rows):
        ServiceActivity.objects.bulk_create(
            [
                ServiceActivity(
                    account_id=account_id,
                    activity_type_id=type_id,
                    date=datetime.date.fromisoformat(day),
                    quantity=Decimal(amount),
                    import_batch_id=context.batch_id,
                    created_by_id=context.created_by_id,
                )
                for account_id, type_id, day, amount in batch
            ]
        )
        outcome.created += len(batch)
    return outcome
