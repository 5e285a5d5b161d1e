"""Kinds `complaints` and `events` (account events): records without a natural key, every
row inserted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import AccountEvent, Complaint, EventKind, Severity
from valuation.importing.cells import (
    DateParser,
    RowChecker,
    account_lookup,
    cells_of,
    parse_choice,
    parse_long_text,
    parse_text,
)
from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import batches


def complaints_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    check = RowChecker()

    def optional_date(text: str) -> datetime.date | None:
        return dates(text) if text.strip() else None

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        account_id = check.take("account", account, c["account"])
        # stored lower-case so recurring problems group reliably (see Complaint)
        category = check.take(
            "category",
            lambda t: parse_text(t, what=gettext_noop("category"), max_length=100).lower(),
            c["category"],
        )
        severity = check.take(
            "severity",
            lambda t: parse_choice(t, what=gettext_noop("severity"), choices=Severity.values),
            c["severity"],
        )
        opened_on = check.take("opened_on", dates, c["opened_on"])
        resolved_on = check.take("resolved_on", optional_date, c["resolved_on"])
        if opened_on and resolved_on and resolved_on < opened_on:
            check.problems.append(
                ("resolved_on", _("A complaint cannot be resolved before it was opened."))
            )
        description = check.take(
            "description",
            lambda t: parse_long_text(t, what=gettext_noop("description")),
            c["description"],
        )
        check.done()
        return (account_id, category, severity, opened_on, resolved_on, description)

    return parse


def write_complaints(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    for batch in batches(rows):
        Complaint.objects.bulk_create(
            [
                Complaint(
                    account_id=account_id,
                    category=category,
                    severity=severity,
                    opened_on=opened_on,
                    resolved_on=resolved_on,
                    description=description,
                    created_by_id=context.created_by_id,
                )
                for account_id, category, severity, opened_on, resolved_on, description in batch
            ]
        )
        context.outcome.created += len(batch)
    return context.outcome


def events_parser(positions: dict[str, int]) -> RowParser:
    account = account_lookup()
    dates = DateParser()
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        account_id = check.take("account", account, c["account"])
        kind = check.take(
            "kind",
            lambda t: parse_choice(t, what=gettext_noop("event kind"), choices=EventKind.values),
            c["kind"],
        )
        day = check.take("date", dates, c["date"])
        notes = check.take(
            "notes", lambda t: parse_long_text(t, what=gettext_noop("notes")), c["notes"]
        )
        check.done()
        return (account_id, kind, day, notes)

    return parse


def write_events(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    for batch in batches(rows):
        AccountEvent.objects.bulk_create(
            [
                AccountEvent(
                    account_id=account_id,
                    kind=kind,
                    date=day,
                    notes=notes,
                    created_by_id=context.created_by_id,
                )
                for account_id, kind, day, notes in batch
            ]
        )
        context.outcome.created += len(batch)
    return context.outcome
