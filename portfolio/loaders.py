"""Querysets → DataFrames for the analysis: the only place where the ORM meets pandas.

Aggregation happens in the database wherever it is cheaper: revenue arrives summed per
account and window, activities summed per account, activity type and rate period (dated
by a day of that period, so the pure rate-in-force lookup gives the same cost as on raw
rows), the ledger summed per account and direction. The pure functions accept such
pre-summed rows by design.

The activities aggregation, most of a run's time, can be read in parts (ranges of the
table's blocks), so that several connections share it
(``portfolio.services.analysis_prepare``).

Every loader of an account's rows takes ``accounts``: a range of account ids (first, last,
both included) to read those accounts' rows only, for a run computed in shards
(``portfolio.services.analysis_shard_execute``); None reads every account.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Case, DateField, FloatField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Cast

from accounts.models import Account, AccountEvent, Assessment, Complaint, CriterionScore
from kam.input_policy import DATE_MAX, DATE_MIN
from relationships.models import Contact, Interaction
from valuation.analysis import columns as c
from valuation.analysis.windows import Windows
from valuation.models import (
    ActivityRate,
    ActivityType,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)


def earliest_data_date() -> date | None:
    """The first date any revenue record or service activity is dated by."""
    dates = [
        RevenueRecord.objects.aggregate(first=Min("period_start"))["first"],
        ServiceActivity.objects.aggregate(first=Min("date"))["first"],
    ]
    present = [d for d in dates if d is not None]
    return min(present) if present else None


def has_data_on_or_before(day: date) -> bool:
    """Whether any revenue record or service activity is dated on or before `day`: stops at
    the first row found, where the earliest activity date needs a scan of every activity."""
    return (
        RevenueRecord.objects.filter(period_start__lte=day).exists()
        or ServiceActivity.objects.filter(date__lte=day).exists()
    )


# A value passed to a raw query of this module.
SqlParameter = int | str | date | None

# The ids of the accounts of one shard of a run: first and last, both included.
AccountRange = tuple[int, int]


def of_accounts(accounts: AccountRange | None, field: str = "account_id") -> Q:
    """The filter keeping the rows of the accounts in ``accounts`` (None: every row)."""
    if accounts is None:
        return Q()
    first, last = accounts
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


def account_ranges(size: int) -> list[AccountRange]:
    """Every account, in ranges of ``size`` accounts in id order (the last one smaller):
    read by keyset, ``size`` ids at a time, never the whole table at once."""
    ranges: list[AccountRange] = []
    after = 0
    while True:
        ids = list(
            Account.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            return ranges
        ranges.append((ids[0], ids[-1]))
        after = ids[-1]


def _frame(
    rows: Sequence[tuple[object, ...]] | Sequence[dict[str, object]], columns: tuple[str, ...]
) -> pd.DataFrame:
    return (
        pd.DataFrame.from_records(rows, columns=list(columns))
        if rows
        else pd.DataFrame(columns=list(columns))
    )


def accounts_frame(*, accounts: AccountRange | None = None) -> pd.DataFrame:
    rows = list(
        Account.objects.filter(of_accounts(accounts, "id"))
        .order_by("id")
        .values_list("id", "designation")
    )
    return _frame(rows, c.ACCOUNTS_COLUMNS)


def revenue_frame(
    windows: Windows, *, accounts: AccountRange | None = None, designation: str | None = None
) -> pd.DataFrame:
    """Revenue and cost of goods summed per account and window (dated by the window start);
    with ``designation``, of the accounts so designated only."""
    designated = Q() if designation is None else Q(account__designation=designation)
    window_start = Case(
        When(period_start__gte=windows.y3_start, then=Value(windows.y3_start)),
        When(period_start__gte=windows.y2_start, then=Value(windows.y2_start)),
        default=Value(windows.y1_start),
        output_field=DateField(),
    )
    rows = list(
        RevenueRecord.objects.filter(
            of_accounts(accounts),
            designated,
            period_start__gte=windows.y1_start,
            period_start__lte=windows.as_of,
        )
        .annotate(window_start=window_start)
        .values("account_id", "window_start")
        # Exact sums, converted to float once in the database (the analysis computes in float).
        .annotate(
            revenue_sum=Cast(Sum("revenue"), FloatField()),
            cost_sum=Cast(Sum("cost_of_goods"), FloatField()),
        )
        .values_list("account_id", "window_start", "revenue_sum", "cost_sum")
        .order_by()
    )
    return _frame(rows, c.REVENUE_COLUMNS)


def forecasts_frame(windows: Windows, *, accounts: AccountRange | None = None) -> pd.DataFrame:
    rows = list(
        Forecast.objects.filter(
            of_accounts(accounts),
            period_start__gte=windows.forecast_start,
            period_start__lte=windows.forecast_end,
        ).values_list("account_id", "period_start", "revenue")
    )
    return _frame(rows, c.FORECAST_COLUMNS)


BlockRange = tuple[int | None, int | None]


def activity_block_ranges(parts: int) -> list[BlockRange]:
    """The service-activity table split into ``parts`` ranges of its blocks (PostgreSQL):
    [first, next first) each, the first open below and the last open above, so together
    they hold every row, those in blocks added meanwhile too. Each part of the aggregation
    then scans its own blocks only, where a split by account would scan them all.

    The table is partitioned (valuation.segments): a block range applies within each
    partition, and the cuts are made on the largest one."""
    if parts < 2 or connection.vendor != "postgresql":
        return [(None, None)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(pg_relation_size(inhrelid)), pg_relation_size(%s::regclass))"
            " / current_setting('block_size')::bigint"
            " FROM pg_inherits WHERE inhparent = %s::regclass",
            [ServiceActivity._meta.db_table] * 2,
        )
        (blocks,) = cursor.fetchone()
    cuts = sorted({blocks * part // parts for part in range(1, parts)} - {0})
    bounds: list[int | None] = [None, *cuts, None]
    return list(zip(bounds, bounds[1:], strict=False))


def activities_frame(
    windows: Windows,
    *,
    blocks: BlockRange = (None, None),
    accounts: AccountRange | None = None,
) -> pd.DataFrame:
    """Y3 activities summed per account, activity type and the rate period they fall in;
    with ``blocks`` (from ``activity_block_ranges``), those of that block range only. Two
    ranges may both hold rows of one group: the analysis adds such rows up.

    DATE (datetime64) is a day of Y3 inside the group's rate period (its start, or Y3's
    first day when the period began earlier or no rate was in force yet), so the pure
    rate-in-force lookup costs the group exactly as it would cost each activity of it.
    Quantities are summed exactly and converted to floats once (the analysis computes in
    floats): a float sum would depend on the order the rows are read in, which concurrent
    scans of the table change, and move a cost by a cent between two runs of the same
    data (a run in shards against the run in one piece, say).

    On PostgreSQL the sum is taken in whole cents (hundredths: the quantity's decimal
    places) held in doubles: a sum of whole numbers below 2**53 is exact in any order, and
    the float it gives (cents / 100, the division correctly rounded) is the same double as
    the exact numeric sum cast to float, for half the database's time of a numeric sum (its
    state is a value, not an allocation per group). Exact up to 90 trillion units in a
    group, and within one block range (``KAM_ANALYSIS_READ_PARTS`` above 1 adds the ranges'
    floats). SQLite (the embedded run, small data) sums floats."""
    activity = ServiceActivity._meta.db_table
    period, period_parameters = _rate_period_sql("a")
    unit = 10 ** ServiceActivity._meta.get_field("quantity").decimal_places
    quantity = (
        f"SUM(CAST(CAST(a.quantity * {unit} AS BIGINT) AS DOUBLE PRECISION)) / {unit}"
        if connection.vendor == "postgresql"
        else "CAST(SUM(a.quantity) AS DOUBLE PRECISION)"
    )
    first, end = blocks
    in_blocks = "".join(
        [
            "" if first is None else " AND a.ctid >= CAST(%s AS tid)",
            "" if end is None else " AND a.ctid < CAST(%s AS tid)",
            "" if accounts is None else " AND a.account_id BETWEEN %s AND %s",
        ]
    )
    sql = f"""
        SELECT a.account_id, a.activity_type_id, {period}, {quantity}, COUNT(*)
        FROM {activity} a
        WHERE a.date >= %s AND a.date <= %s{in_blocks}
        GROUP BY 1, 2, 3
    """  # noqa: S608 (table names come from model metadata, values are parameters)
    parameters: list[SqlParameter] = [
        *period_parameters,
        windows.y3_start,
        windows.as_of,
        *(f"({block},0)" for block in blocks if block is not None),
        *(accounts or ()),
    ]
    columns = (*c.ACTIVITY_COLUMNS, c.ACTIVITY_COUNT)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # The groups (accounts × types × rate periods) fit in memory: no spill to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            frame = _copied_frame(cursor, sql, parameters, columns, dates=[c.DATE])
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            frame = _frame(cursor.fetchall(), columns)
        frame[c.DATE] = pd.to_datetime(frame[c.DATE])  # SQLite returns dates as text
    first_day = pd.Timestamp(windows.y3_start)
    days = frame[c.DATE].fillna(first_day)
    frame[c.DATE] = days.where(days >= first_day, first_day)
    codes = dict(ActivityType.objects.values_list("pk", "code"))
    frame[c.ACTIVITY_TYPE] = frame[c.ACTIVITY_TYPE].map(codes)
    return frame


def _rate_period_sql(alias: str) -> tuple[str, list[SqlParameter]]:
    """A SQL expression giving, for the activity row ``alias``, the first day of the rate
    of its type in force on its date (NULL before the type's first rate, or for a type
    without rates), and its parameters.

    Built from the few rate rows, newest first per type, it costs each activity a couple
    of comparisons where joining the rate periods costs a hash probe and a range test
    per candidate period: about a quarter of the aggregation at 1,000,000 activities."""
    starts: dict[int, list[date]] = {}
    for type_id, effective_from in (
        ActivityRate.objects.filter(effective_from__range=USABLE_DATES)
        .order_by("activity_type_id", "-effective_from")
        .values_list("activity_type_id", "effective_from")
    ):
        starts.setdefault(type_id, []).append(effective_from)
    if not starts:
        return "CAST(NULL AS DATE)", []
    branches: list[str] = []
    parameters: list[SqlParameter] = []
    for type_id, days in starts.items():
        newest_first = " ".join(f"WHEN {alias}.date >= %s THEN %s" for _ in days)
        branches.append(f"WHEN %s THEN CASE {newest_first} END")
        parameters.append(type_id)
        for day in days:
            parameters += [day, day]
    return f"CASE {alias}.activity_type_id {' '.join(branches)} END", parameters


def _copied_frame(
    cursor: CursorWrapper,
    sql: str,
    parameters: list[SqlParameter],
    columns: tuple[str, ...],
    *,
    dates: list[str],
) -> pd.DataFrame:
    """The rows of a PostgreSQL query as a frame, sent by ``COPY … TO STDOUT`` and parsed
    by pandas' C reader: no Python object per value (at 150,000 rows, about a fifth of
    the time fetchall and from_records take). Floats parse exactly (round trip)."""
    bound = cursor.cursor.mogrify(sql, parameters).decode()
    buffer = io.BytesIO()
    cursor.cursor.copy_expert(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame(columns=list(columns))
    return pd.read_csv(
        buffer, header=None, names=list(columns), parse_dates=dates, float_precision="round_trip"
    )


# Dates a run can use: the ones KAM accepts (kam.input_policy). A row dated outside them was
# stored before that rule (or written around it); it is left out and reported, so that one
# typing slip cannot fail the analysis of the whole portfolio.
USABLE_DATES = (DATE_MIN, DATE_MAX)


def rates_frame() -> pd.DataFrame:
    rows = list(
        ActivityRate.objects.filter(effective_from__range=USABLE_DATES).values_list(
            "activity_type__code", "effective_from", "unit_cost"
        )
    )
    return _frame(rows, c.RATE_COLUMNS)


def _outside(field: str) -> Q:
    return Q(**{f"{field}__lt": DATE_MIN}) | Q(**{f"{field}__gt": DATE_MAX})


def data_quality_warnings() -> list[str]:
    """Plain-words warnings about rows the run left out because of their dates: the rates
    (which apply to every account) and each account's assessments and interactions (the
    only account rows read without a window around the analysis date)."""
    warnings = [
        f"The rate of activity type {code} effective {day.isoformat()} is dated outside "
        f"{DATE_MIN.year}-{DATE_MAX.year} and was left out; correct or delete it."
        for code, day in ActivityRate.objects.filter(_outside("effective_from"))
        .order_by("activity_type__code", "effective_from")
        .values_list("activity_type__code", "effective_from")
    ]
    for model, what in ((Assessment, "assessment"), (Interaction, "interaction")):
        warnings += [
            f"{name} ({external_id or f'account {account_id}'}): an {what} dated "
            f"{day.isoformat()} is outside {DATE_MIN.year}-{DATE_MAX.year} and was left out; "
            "correct or delete it."
            for account_id, name, external_id, day in model.objects.filter(_outside("date"))
            .order_by("account__name", "date")
            .values_list("account_id", "account__name", "account__external_id", "date")
        ]
    return warnings


def activity_types_frame() -> pd.DataFrame:
    rows = list(ActivityType.objects.values_list("code", "is_investment"))
    return _frame(rows, c.ACTIVITY_TYPE_COLUMNS)


def ledger_frame(windows: Windows, *, accounts: AccountRange | None = None) -> pd.DataFrame:
    """Ledger amounts summed per account and direction over Y3 (dated by Y3's start)."""
    rows = [
        (account_id, direction, windows.y3_start, total)
        for account_id, direction, total in ValueEntry.objects.filter(
            of_accounts(accounts), date__gte=windows.y3_start, date__lte=windows.as_of
        )
        .values("account_id", "direction")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "direction", "total")
        .order_by()
    ]
    return _frame(rows, c.LEDGER_COLUMNS)


def activity_frames_joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts ``activities_frame`` returned, as one frame."""
    filled = [frame for frame in frames if len(frame)]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]


def frames_besides_activities(
    windows: Windows, *, accounts: AccountRange | None = None
) -> dict[str, pd.DataFrame]:
    """Every frame of ``AnalysisInputs`` but the activities, by field name."""
    return {
        "accounts": accounts_frame(accounts=accounts),
        "revenue": revenue_frame(windows, accounts=accounts),
        "forecasts": forecasts_frame(windows, accounts=accounts),
        "rates": rates_frame(),
        "activity_types": activity_types_frame(),
        "ledger": ledger_frame(windows, accounts=accounts),
        **_voice_and_relationship_frames(windows, accounts=accounts),
    }


def _voice_and_relationship_frames(
    windows: Windows, *, accounts: AccountRange | None
) -> dict[str, pd.DataFrame]:
    """Frames of the relationships, voice-of-customer and selection data."""
    as_of = windows.as_of
    ours = of_accounts(accounts)
    complaints = list(
        Complaint.objects.filter(
            ours, opened_on__gte=as_of - timedelta(days=90), opened_on__lte=as_of
        ).values_list("account_id", "category", "opened_on")
    )
    assessments = list(
        Assessment.objects.filter(ours, date__gte=DATE_MIN, date__lte=as_of).values_list(
            "account_id", "date", "score"
        )
    )
    events = list(
        AccountEvent.objects.filter(
            ours, date__gte=as_of - timedelta(days=365), date__lte=as_of
        ).values_list("account_id", "kind", "date")
    )
    criteria = list(
        CriterionScore.objects.filter(ours, criterion__is_active=True).values_list(
            "account_id", "criterion_id", "criterion__weight", "score"
        )
    )
    return {
        "complaints": _frame(complaints, c.COMPLAINT_COLUMNS),
        "assessments": _frame(assessments, c.ASSESSMENT_COLUMNS),
        "events": _frame(events, c.EVENT_COLUMNS),
        "criteria_scores": _frame(criteria, c.CRITERIA_SCORE_COLUMNS),
        "contacts": key_contacts_frame(as_of=as_of, accounts=accounts),
    }


def key_contacts_frame(*, as_of: date, accounts: AccountRange | None = None) -> pd.DataFrame:
    """Economic buyers and coaches (one row per contact and role) with their last
    interaction on or before `as_of`; the churn signals read only these two roles."""
    rows: list[tuple[object, ...]] = []
    contacts = (
        Contact.objects.filter(of_accounts(accounts), Q(is_economic_buyer=True) | Q(is_coach=True))
        .annotate(
            last_interaction=Max(
                "interactions__date",
                filter=Q(interactions__date__lte=as_of, interactions__date__gte=DATE_MIN),
            )
        )
        .values_list(
            "account_id",
            "pk",
            "name",
            "is_economic_buyer",
            "is_coach",
            "is_active",
            "contact_frequency_days",
            "last_interaction",
        )
        .order_by()
    )
    for account_id, pk, name, is_buyer, is_coach, active, frequency, last in contacts:
        for role, holds in ((c.ECONOMIC_BUYER, is_buyer), (c.COACH, is_coach)):
            if holds:
                rows.append((account_id, pk, name, role, active, frequency, last))
    return _frame(rows, c.CONTACT_COLUMNS)
