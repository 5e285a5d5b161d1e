"""Kinds `activity_types` and `activity_rates`: what serving an account costs, upserted on
the type's code and on (type, effective_from)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from valuation.importing.cells import (
    DateParser,
    DecimalParser,
    RowChecker,
    activity_type_lookup,
    cells_of,
    parse_bool,
    parse_code,
    parse_text,
)
from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import Upsert, upsert_rows
from valuation.models import ActivityRate, ActivityType

ACTIVITY_TYPES = Upsert(
    model=ActivityType, key_fields=("code",), value_fields=("name", "unit", "is_investment")
)
ACTIVITY_RATES = Upsert(
    model=ActivityRate,
    key_fields=("activity_type_id", "effective_from"),
    value_fields=("unit_cost",),
)


def activity_types_parser(positions: dict[str, int]) -> RowParser:
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        code = check.take("code", parse_code, c["code"])
        name = check.take(
            "name", lambda t: parse_text(t, what=gettext_noop("name"), max_length=120), c["name"]
        )
        unit = check.take(
            "unit", lambda t: parse_text(t, what=gettext_noop("unit"), max_length=40), c["unit"]
        )
        is_investment = check.take("is_investment", parse_bool, c["is_investment"])
        check.done()
        return (code, name, unit, is_investment)

    return parse


def write_activity_types(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    return upsert_rows(ACTIVITY_TYPES, rows, context.outcome)


def activity_rates_parser(positions: dict[str, int]) -> RowParser:
    activity_type = activity_type_lookup()
    activity_type.empty = _("Every rate needs an activity type (its code).")
    dates = DateParser()
    money = DecimalParser(what=gettext_noop("unit cost"))
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        type_id = check.take("activity_type", activity_type, c["activity_type"])
        effective_from = check.take("effective_from", dates, c["effective_from"])
        unit_cost = check.take("unit_cost", money, c["unit_cost"])
        check.done()
        return (type_id, effective_from, unit_cost)

    return parse


def write_activity_rates(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    return upsert_rows(ACTIVITY_RATES, rows, context.outcome)
