"""Reads of the valuation app. Every list a user sees starts from the accounts gatekeeper
(`accounts.selectors.accounts_visible_to`), so nobody sees another manager's accounts' money.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import dateformat
from django.utils.translation import pgettext

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from kam.roles import user_reads_all_accounts
from kam.types import AnyUser
from valuation.models import (
    ActivityRate,
    ActivityType,
    Direction,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)

ZERO = Decimal("0.00")
# the output type of sums of money (wider than a stored amount)
MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=4)


# --- windows (DOMAIN.md: calendar months ending with T's month) ------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after day's month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    label: str
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive

    @property
    def title(self) -> str:
        # Translators: a month and its year, as Django's date filter writes it ("Mar 2024").
        month = pgettext("month and year", "M Y")
        return f"{dateformat.format(self.start, month)} – {dateformat.format(self.end, month)}"


def revenue_windows(*, as_of: datetime.date) -> list[Window]:
    """Y1, Y2 and Y3 (= trailing twelve months), each 12 calendar months, Y3 ending at T."""
    y3_start = add_months(as_of, -11)
    windows = []
    for offset, label in ((-24, "Y1"), (-12, "Y2"), (0, "TTM")):
        start = add_months(y3_start, offset)
        end = as_of if offset == 0 else add_months(start, 12) - datetime.timedelta(days=1)
        windows.append(Window(label=label, start=start, end=end))
    return windows


def ttm_window(*, as_of: datetime.date) -> Window:
    return revenue_windows(as_of=as_of)[-1]


# --- rates ----------------------------------------------------------------------------------


def rate_in_force(*, activity_type: ActivityType, on: datetime.date) -> ActivityRate | None:
    """The rate with the latest `effective_from` on or before `on`; None before the first."""
    return (
        ActivityRate.objects.filter(activity_type=activity_type, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


# --- lists, filtered through the gatekeeper ------------------------------------------------


def _visible(queryset: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    if user_reads_all_accounts(user):
        return queryset if getattr(user, "is_authenticated", False) else queryset.none()
    return queryset.filter(account__in=accounts_visible_to(user).values("pk"))


def revenue_records_visible_to(user: AnyUser) -> QuerySet[RevenueRecord]:
    return _visible(
        RevenueRecord.objects.select_related("account", "location").order_by(
            "account__name", "account_id", "period_start", "location__name"
        ),
        user,
    )


def forecasts_visible_to(user: AnyUser) -> QuerySet[Forecast]:
    return _visible(
        Forecast.objects.select_related("account").order_by(
            "account__name", "account_id", "period_start"
        ),
        user,
    )


def service_activities_visible_to(user: AnyUser) -> QuerySet[ServiceActivity]:
    return _visible(
        ServiceActivity.objects.select_related("account", "activity_type").order_by("-date", "-id"),
        user,
    )


def value_entries_visible_to(user: AnyUser) -> QuerySet[ValueEntry]:
    return _visible(
        ValueEntry.objects.select_related("account", "created_by").order_by("-date", "-id"), user
    )


def activity_types_list() -> QuerySet[ActivityType]:
    return ActivityType.objects.order_by("code")


def activity_rates_list() -> QuerySet[ActivityRate]:
    return ActivityRate.objects.select_related("activity_type").order_by(
        "activity_type__code", "effective_from"
    )


# --- the account's Value tab -------------------------------------------------------------


@dataclass
class LocationRevenue:
    location: str
    by_window: list[Decimal]


@dataclass
class RevenueSummary:
    windows: list[Window]
    locations: list[LocationRevenue]
    totals: list[Decimal]
    gross_margin_ttm: Decimal
    forecast_windows: list[Window]
    forecast: list[Decimal]
    forecast_is_recorded: bool
    growth_rate: float


def account_revenue_summary(*, account: Account, as_of: datetime.date) -> RevenueSummary:
    """Revenue per location in Y1, Y2 and the trailing twelve months, and the two-year
    forecast (recorded forecasts, or DOMAIN.md's growth estimate when there are none).
    Two queries: revenue grouped by location and window, forecasts grouped by year."""
    windows = revenue_windows(as_of=as_of)
    cases = {
        window.label: Sum(
            "revenue",
            filter=Q(period_start__gte=window.start, period_start__lte=window.end),
            default=ZERO,
        )
        for window in windows
    }
    rows = (
        RevenueRecord.objects.filter(
            account=account, period_start__gte=windows[0].start, period_start__lte=as_of
        )
        .values("location__name")
        .annotate(
            **cases,
            margin=Sum(
                F("revenue") - F("cost_of_goods"),
                filter=Q(period_start__gte=windows[-1].start),
                default=ZERO,
            ),
        )
        .order_by("location__name")
    )
    locations = []
    totals = [ZERO for _ in windows]
    margin = ZERO
    for row in rows:
        values = [row[window.label] for window in windows]
        locations.append(LocationRevenue(location=row["location__name"], by_window=values))
        totals = [total + value for total, value in zip(totals, values, strict=True)]
        margin += row["margin"]

    first_forecast = add_months(as_of, 1)
    forecast_windows = [
        Window("F1", first_forecast, add_months(first_forecast, 12) - datetime.timedelta(days=1)),
        Window(
            "F2",
            add_months(first_forecast, 12),
            add_months(first_forecast, 24) - datetime.timedelta(days=1),
        ),
    ]
    recorded = Forecast.objects.filter(account=account).aggregate(
        count=Count("id", filter=Q(period_start__gte=first_forecast)),
        **{
            window.label: Sum(
                "revenue",
                filter=Q(period_start__gte=window.start, period_start__lte=window.end),
                default=ZERO,
            )
            for window in forecast_windows
        },
    )
    y1, ttm = totals[0], totals[-1]
    growth = 0.0
    if y1 > 0 and ttm > 0:
        growth = max(-0.5, min(0.5, float(ttm / y1) ** 0.5 - 1))
    if recorded["count"]:
        forecast = [recorded[window.label] for window in forecast_windows]
    else:
        factor = Decimal(str(1 + growth))
        forecast = [
            (ttm * factor).quantize(Decimal("0.01")),
            (ttm * factor * factor).quantize(Decimal("0.01")),
        ]
    return RevenueSummary(
        windows=windows,
        locations=locations,
        totals=totals,
        gross_margin_ttm=margin,
        forecast_windows=forecast_windows,
        forecast=forecast,
        forecast_is_recorded=bool(recorded["count"]),
        growth_rate=growth,
    )


@dataclass
class CostLine:
    code: str
    name: str
    unit: str
    is_investment: bool
    quantity: Decimal
    cost: Decimal
    activities: int
    without_rate: int
    share: float = 0.0


@dataclass
class CostToServe:
    window: Window
    lines: list[CostLine]
    total: Decimal
    retention_investment: Decimal
    without_rate: int


def rate_periods_sql() -> str:
    """SQL of the rate periods: (activity_type_id, unit_cost, effective_from, effective_to),
    each rate in force from its effective_from until the next rate's (NULL: still in force).
    An activity dated d joins the one period with effective_from <= d < effective_to: the
    rate in force on its date, as DOMAIN.md defines it (the account page costs activities
    with it; the nightly analysis, over a million activities, finds each one's period with
    a CASE built from the same rate rows instead: ``portfolio.loaders._rate_period_sql``)."""
    rates = ActivityRate._meta.db_table
    return f"""
        SELECT activity_type_id, unit_cost, effective_from,
               LEAD(effective_from) OVER (
                   PARTITION BY activity_type_id ORDER BY effective_from
               ) AS effective_to
        FROM {rates}
    """  # noqa: S608 - the table name comes from the model


def _cost_to_serve_sql() -> str:
    activities = ServiceActivity._meta.db_table
    types = ActivityType._meta.db_table
    # Every activity joins the one rate period in force on its date: one pass over the
    # account's window instead of two rate subqueries per activity (measured on a busy
    # account of the 10,000-account benchmark: 25 ms → 11-16 ms).
    return f"""
        WITH periods AS ({rate_periods_sql()})
        SELECT t.code, t.name, t.unit, t.is_investment,
               SUM(a.quantity),
               SUM(a.quantity * COALESCE(p.unit_cost, 0)),
               COUNT(a.id),
               COUNT(CASE WHEN p.unit_cost IS NULL THEN 1 END)
        FROM {activities} a
        JOIN {types} t ON t.id = a.activity_type_id
        LEFT JOIN periods p
          ON p.activity_type_id = a.activity_type_id
         AND p.effective_from <= a.date
         AND (p.effective_to IS NULL OR a.date < p.effective_to)
        WHERE a.account_id = %s AND a.date >= %s AND a.date <= %s
        GROUP BY t.code, t.name, t.unit, t.is_investment
        ORDER BY t.code
    """  # noqa: S608 - table names from the models, values as parameters


def account_cost_to_serve(*, account: Account, as_of: datetime.date) -> CostToServe:
    """Cost to serve per activity type over the trailing twelve months, each activity costed
    at its type's rate in force on its date (the latest `effective_from` on or before it),
    and counted as without a rate before its type's first rate (one query)."""
    window = ttm_window(as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(_cost_to_serve_sql(), [account.pk, window.start, window.end])
        rows = [
            {
                "activity_type__code": code,
                "activity_type__name": name,
                "activity_type__unit": unit,
                "activity_type__is_investment": bool(is_investment),
                "total_quantity": quantity,
                "cost": cost,
                "activities": activities,
                "without_rate": without_rate,
            }
            for code, name, unit, is_investment, quantity, cost, activities, without_rate in (
                cursor.fetchall()
            )
        ]
    lines = [
        CostLine(
            code=row["activity_type__code"],
            name=row["activity_type__name"],
            unit=row["activity_type__unit"],
            is_investment=row["activity_type__is_investment"],
            quantity=row["total_quantity"] or ZERO,
            cost=Decimal(row["cost"] or 0).quantize(Decimal("0.01")),
            activities=row["activities"],
            without_rate=row["without_rate"] or 0,
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (-line.cost, line.code))
    total = sum((line.cost for line in lines), ZERO)
    for line in lines:
        line.share = float(line.cost / total) if total else 0.0
    return CostToServe(
        window=window,
        lines=lines,
        total=total,
        retention_investment=sum((line.cost for line in lines if line.is_investment), ZERO),
        without_rate=sum(line.without_rate for line in lines),
    )


@dataclass
class LedgerSummary:
    window: Window
    delivered: list[ValueEntry] = field(default_factory=list)
    received: list[ValueEntry] = field(default_factory=list)
    delivered_ttm: Decimal = ZERO
    received_ttm: Decimal = ZERO
    delivered_total: Decimal = ZERO
    received_total: Decimal = ZERO
    unconfirmed_stale: int = 0  # unconfirmed entries older than 90 days: chase the customer

    @property
    def ratio_ttm(self) -> Decimal | None:
        """Delivered / received over the trailing twelve months; None when nothing received."""
        if not self.received_ttm:
            return None
        return (self.delivered_ttm / self.received_ttm).quantize(Decimal("0.01"))


def account_value_ledger(*, account: Account, as_of: datetime.date) -> LedgerSummary:
    """Both sides of the value ledger with their totals (one query)."""
    summary = LedgerSummary(window=ttm_window(as_of=as_of))
    stale_before = as_of - datetime.timedelta(days=90)
    for entry in ValueEntry.objects.filter(account=account).select_related("created_by"):
        in_ttm = summary.window.start <= entry.date <= summary.window.end
        if entry.direction == Direction.DELIVERED:
            summary.delivered.append(entry)
            summary.delivered_total += entry.amount
            summary.delivered_ttm += entry.amount if in_ttm else ZERO
        else:
            summary.received.append(entry)
            summary.received_total += entry.amount
            summary.received_ttm += entry.amount if in_ttm else ZERO
        if not entry.customer_confirmed and entry.date < stale_before:
            summary.unconfirmed_stale += 1
    return summary
