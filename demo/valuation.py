"""Demo money data (valuation): activity types with rates that change during the period,
three years of monthly revenue per account location, two-year forecasts for strategic
accounts, service activities where a few types cause most of the cost, and value-ledger
entries both ways. Deterministic (only `rng`), bulk-created, and scaled down for large
portfolios so `seed_demo --accounts 10000` stays around a minute."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from accounts.models import AccountLocation, Designation
from demo.context import DemoPortfolio
from kam.bulk import copy_rows
from valuation.models import (
    ActivityRate,
    ActivityType,
    Direction,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)
from valuation.selectors import add_months

# code, name, unit, is_investment, first unit cost, later unit cost (None: unchanged),
# yearly volume per key account (the skew: expedited delivery, dedicated team time and
# technical support cause most of the cost, as in the book's Boise case)
ACTIVITY_TYPES = [
    ("order-handling", "Order handling", "order", False, "18.00", "21.00", 420),
    ("expedited-delivery", "Expedited delivery", "shipment", False, "85.00", "96.00", 160),
    ("custom-packaging", "Custom packaging", "pallet", False, "40.00", None, 90),
    ("tech-support", "Technical support", "hour", False, "75.00", "82.00", 140),
    ("returns-processing", "Returns processing", "return", False, "55.00", None, 25),
    ("dedicated-team", "Dedicated account team", "day", True, "650.00", "700.00", 45),
    ("executive-visit", "Executive visit", "visit", True, "2500.00", None, 2),
    ("joint-project", "Joint improvement project", "day", True, "900.00", "950.00", 8),
]

ANNUAL_REVENUE: dict[str, tuple[int, int]] = {
    Designation.STRATEGIC: (4_000_000, 20_000_000),
    Designation.PILOT: (1_500_000, 6_000_000),
    Designation.CANDIDATE: (400_000, 3_000_000),
    Designation.TRANSACTIONAL: (40_000, 400_000),
    Designation.EXIT: (80_000, 900_000),
}
KEY = (Designation.STRATEGIC, Designation.PILOT)

DELIVERED_CATEGORIES = [
    ("cost savings", "Scrap rate down after our line trial (plant report)"),
    ("productivity", "Changeover time cut by the joint kaizen week"),
    ("risk reduction", "Second-source qualification finished ahead of audit"),
    ("innovation", "New formulation co-developed with their R&D"),
    ("working capital", "Consignment stock freed their warehouse space"),
]
RECEIVED_CATEGORIES = [
    ("reference", "Their COO spoke at our customer day"),
    ("referral", "Introduced us to their sister company"),
    ("volume commitment", "Three-year volume agreement signed"),
    ("co-development", "Shared the cost of the pilot line"),
    ("faster payment", "Payment terms shortened from 60 to 30 days"),
]
CONTACTS = ["Jane Roe, plant manager", "Omar Haddad, CPO", "Li Wei, CFO", "Ana Souza, COO"]

# Activity rows are budgeted so large demo portfolios stay fast to seed.
ACTIVITY_ROW_BUDGET = 120_000
BATCH = 5000


def _money(value: float) -> Decimal:
    return Decimal(f"{max(value, 0.0):.2f}")


def valuation_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Activity types and rates, revenue, forecasts, activities and the value ledger."""
    as_of = portfolio.as_of
    first_month = add_months(as_of, -35)
    months = [add_months(first_month, offset) for offset in range(36)]
    types = _activity_types_seed(first_month=first_month, as_of=as_of)

    growth = {account.pk: rng.uniform(-0.25, 0.3) for account in portfolio.accounts}
    annual = {
        account.pk: rng.uniform(*ANNUAL_REVENUE.get(account.designation, (100_000, 1_000_000)))
        for account in portfolio.accounts
    }
    _revenue_seed(rng=rng, portfolio=portfolio, months=months, growth=growth, annual=annual)
    _forecasts_seed(rng=rng, portfolio=portfolio, growth=growth)
    _activities_seed(
        rng=rng, portfolio=portfolio, types=types, first_month=first_month, annual=annual
    )
    _ledger_seed(rng=rng, portfolio=portfolio, first_month=first_month)


def _activity_types_seed(
    *, first_month: datetime.date, as_of: datetime.date
) -> list[tuple[ActivityType, int]]:
    """Types and rates, idempotent (`seed_demo --flush` keeps them). The later rates take
    effect 14 and 5 months before the as-of date, so the trailing year spans a change."""
    result = []
    for index, (code, name, unit, investment, first, later, volume) in enumerate(ACTIVITY_TYPES):
        activity_type, _ = ActivityType.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "is_investment": investment}
        )
        ActivityRate.objects.get_or_create(
            activity_type=activity_type,
            effective_from=first_month,
            defaults={"unit_cost": Decimal(first)},
        )
        if later is not None:
            ActivityRate.objects.get_or_create(
                activity_type=activity_type,
                effective_from=add_months(as_of, -14 if index % 2 else -5),
                defaults={"unit_cost": Decimal(later)},
            )
        result.append((activity_type, volume))
    return result


def _revenue_seed(
    *,
    rng: random.Random,
    portfolio: DemoPortfolio,
    months: list[datetime.date],
    growth: dict[int, float],
    annual: dict[int, float],
) -> None:
    locations: dict[int, list[int]] = {}
    for account_id, location_id in AccountLocation.objects.filter(
        account__in=[account.pk for account in portfolio.accounts]
    ).values_list("account_id", "id"):
        locations.setdefault(account_id, []).append(location_id)
    copy_rows(
        table=RevenueRecord._meta.db_table,
        columns=["account_id", "location_id", "period_start", "revenue", "cost_of_goods"],
        rows=_revenue_rows(
            rng=rng,
            portfolio=portfolio,
            months=months,
            growth=growth,
            annual=annual,
            locations=locations,
        ),
    )


def _revenue_rows(
    *,
    rng: random.Random,
    portfolio: DemoPortfolio,
    months: list[datetime.date],
    growth: dict[int, float],
    annual: dict[int, float],
    locations: dict[int, list[int]],
) -> Iterator[tuple[int, int, datetime.date, Decimal, Decimal]]:
    """Monthly revenue and cost of goods per account location: a trend, seasons, noise."""
    for account in portfolio.accounts:
        yearly_revenue = annual[account.pk]
        yearly_growth = growth[account.pk]
        margin = rng.uniform(0.18, 0.42)
        sites = locations.get(account.pk, [])
        weights = [rng.uniform(0.5, 2.0) for _ in sites]
        total_weight = sum(weights) or 1.0
        for offset, month in enumerate(months):
            # trend relative to the last year, seasonality, noise
            trend = (1 + yearly_growth) ** ((offset - 30) / 12)
            season = 1 + 0.12 * ((month.month in (3, 4, 10, 11)) - (month.month in (7, 8, 12)))
            for location_id, weight in zip(sites, weights, strict=True):
                value = yearly_revenue / 12 * trend * season * weight / total_weight
                value *= rng.uniform(0.85, 1.15)
                revenue = _money(value)
                cost = _money(float(revenue) * (1 - margin) * rng.uniform(0.97, 1.03))
                yield (account.pk, location_id, month, revenue, cost)


def _forecasts_seed(
    *, rng: random.Random, portfolio: DemoPortfolio, growth: dict[int, float]
) -> None:
    forecasts: list[Forecast] = []
    strategic = [a for a in portfolio.accounts if a.designation == Designation.STRATEGIC]
    ttm_start = add_months(portfolio.as_of, -11)
    monthly = {
        account_id: total / 12
        for account_id, total in _ttm_totals([a.pk for a in strategic], ttm_start).items()
    }
    for account in strategic:
        base = float(monthly.get(account.pk, 0))
        for offset in range(1, 25):
            value = base * (1 + growth[account.pk] * rng.uniform(0.6, 1.2)) ** (offset / 12)
            forecasts.append(
                Forecast(
                    account_id=account.pk,
                    period_start=add_months(portfolio.as_of, offset),
                    revenue=_money(value),
                )
            )
    Forecast.objects.bulk_create(forecasts, batch_size=BATCH)


def _ttm_totals(account_ids: list[int], start: datetime.date) -> dict[int, Decimal]:
    """Revenue per account from `start` on."""
    rows = (
        RevenueRecord.objects.filter(account_id__in=account_ids, period_start__gte=start)
        .values("account_id")
        .annotate(total=Sum("revenue"))
    )
    return {row["account_id"]: row["total"] for row in rows}


def _activities_seed(
    *,
    rng: random.Random,
    portfolio: DemoPortfolio,
    types: list[tuple[ActivityType, int]],
    first_month: datetime.date,
    annual: dict[int, float],
) -> None:
    """Activities as a few aggregated rows per account, type and month (quantities are
    summed per month so the row count stays modest); transactional accounts use few types."""
    copy_rows(
        table=ServiceActivity._meta.db_table,
        columns=["account_id", "activity_type_id", "date", "quantity"],
        rows=_activity_rows(
            rng=rng, portfolio=portfolio, types=types, first_month=first_month, annual=annual
        ),
    )


def _activity_rows(
    *,
    rng: random.Random,
    portfolio: DemoPortfolio,
    types: list[tuple[ActivityType, int]],
    first_month: datetime.date,
    annual: dict[int, float],
) -> Iterator[tuple[int, int, datetime.date, Decimal]]:
    days = (portfolio.as_of - first_month).days
    key_count = sum(1 for a in portfolio.accounts if a.designation in KEY)
    other_count = len(portfolio.accounts) - key_count
    # rows per year: ~150 per key account, ~12 per other one, scaled to the budget
    wanted = 3 * (150 * key_count + 12 * other_count)
    scale = min(1.0, ACTIVITY_ROW_BUDGET / max(wanted, 1))
    for account in portfolio.accounts:
        is_key = account.designation in KEY
        # One unit of intensity costs about 78,000 a year; cost to serve lands between
        # about 2 % and 25 % of revenue, so a few accounts drain more than their margin.
        intensity = annual[account.pk] / 1_000_000 * rng.uniform(0.3, 3.0)
        rows = max(1, round((150 if is_key else 12) * 3 * scale))
        if not is_key:
            intensity *= 0.5
        chosen = types if is_key else types[:5]
        volumes = [volume for _, volume in chosen]
        for _ in range(rows):
            activity_type, volume = rng.choices(chosen, weights=volumes)[0]
            # each row carries the quantity of its share of the yearly volume
            quantity = volume * intensity * 3 / rows * sum(volumes) / volume
            day = first_month + datetime.timedelta(days=rng.randrange(days + 1))
            amount = Decimal(f"{max(quantity * rng.uniform(0.5, 1.5), 0.25):.2f}")
            yield (account.pk, activity_type.pk, day, amount)


def _ledger_seed(
    *, rng: random.Random, portfolio: DemoPortfolio, first_month: datetime.date
) -> None:
    days = (portfolio.as_of - first_month).days
    manager = {account.pk: account.owner_id for account in portfolio.accounts}
    entries: list[ValueEntry] = []
    for account in portfolio.accounts:
        is_key = account.designation in KEY
        count = rng.randint(4, 10) if is_key else rng.choice([0, 0, 0, 1, 2])
        if len(portfolio.accounts) > 2000 and not is_key:
            count = 0
        for index in range(count):
            direction = Direction.DELIVERED if index % 3 != 2 else Direction.RECEIVED
            categories = (
                DELIVERED_CATEGORIES if direction == Direction.DELIVERED else RECEIVED_CATEGORIES
            )
            category, evidence = rng.choice(categories)
            date = first_month + datetime.timedelta(days=rng.randrange(days + 1))
            confirmed = rng.random() < 0.6
            confirmed_on = None
            if confirmed:
                confirmed_on = min(
                    portfolio.as_of, date + datetime.timedelta(days=rng.randint(5, 60))
                )
            entries.append(
                ValueEntry(
                    account_id=account.pk,
                    direction=direction,
                    category=category,
                    amount=_money(rng.uniform(5_000, 250_000) * (1.0 if is_key else 0.2)),
                    date=date,
                    evidence=evidence,
                    customer_confirmed=confirmed,
                    confirmed_by=rng.choice(CONTACTS) if confirmed else "",
                    confirmed_on=confirmed_on,
                    created_by_id=manager[account.pk],
                )
            )
    ValueEntry.objects.bulk_create(entries, batch_size=BATCH)
