"""A small portfolio whose every figure is computed by hand in the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from accounts.models import AccountLocation
from tests.factories import AccountFactory
from valuation.models import (
    ActivityRate,
    ActivityType,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)

AS_OF = date(2026, 6, 15)


def _revenue(account: Any, location: Any, period: date, revenue: int, cogs: int) -> None:
    RevenueRecord.objects.create(
        account=account,
        location=location,
        period_start=period,
        revenue=Decimal(revenue),
        cost_of_goods=Decimal(cogs),
    )


def build_small_portfolio(*, owner: Any, other_owner: Any) -> dict[str, Any]:
    """Account A (strategic, alice) and B (transactional, another manager)."""
    strategic = AccountFactory(
        owner=owner, name="Alpha Foods", external_id="A-1", designation="strategic"
    )
    small = AccountFactory(
        owner=other_owner, name="Beta Retail", external_id="B-1", designation="transactional"
    )
    hq = AccountLocation.objects.create(account=strategic, name="HQ")
    shop = AccountLocation.objects.create(account=small, name="Shop")
    _revenue(strategic, hq, date(2023, 8, 1), 100_000, 60_000)  # Y1
    _revenue(strategic, hq, date(2024, 8, 1), 110_000, 60_000)  # Y2
    _revenue(strategic, hq, date(2025, 8, 1), 121_000, 70_000)  # Y3
    _revenue(strategic, hq, date(2026, 7, 1), 999_999, 0)  # after as_of: ignored
    _revenue(small, shop, date(2026, 1, 1), 50_000, 45_000)  # Y3
    pick = ActivityType.objects.create(code="PICK", name="Order picking", unit="order")
    visit = ActivityType.objects.create(
        code="VISIT", name="Executive visit", unit="visit", is_investment=True
    )
    ActivityRate.objects.create(
        activity_type=pick, effective_from=date(2025, 1, 1), unit_cost=Decimal("10")
    )
    ActivityRate.objects.create(
        activity_type=pick, effective_from=date(2026, 1, 1), unit_cost=Decimal("12")
    )
    ActivityRate.objects.create(
        activity_type=visit, effective_from=date(2025, 1, 1), unit_cost=Decimal("500")
    )
    for day, activity_type, quantity in [
        (date(2025, 12, 31), pick, 100),  # old rate: 1,000
        (date(2026, 1, 1), pick, 50),  # new rate from its first day: 600
        (date(2026, 3, 1), visit, 2),  # investment: 1,000
        (date(2026, 7, 1), pick, 1000),  # after as_of: ignored
    ]:
        ServiceActivity.objects.create(
            account=strategic, activity_type=activity_type, date=day, quantity=Decimal(quantity)
        )
    for direction, amount, day in [
        ("delivered", 20_000, date(2026, 2, 1)),
        ("received", 5_000, date(2026, 2, 1)),
        ("received", 1_000, date(2024, 1, 1)),  # before Y3: ignored
    ]:
        ValueEntry.objects.create(
            account=strategic,
            direction=direction,
            category="cost savings",
            amount=Decimal(amount),
            date=day,
        )
    return {"strategic": strategic, "small": small}


# Hand-computed figures (see tests/portfolio/test_run_analysis.py for the arithmetic).
def ltv(
    profit: float, growth: float, retention: float, discount: float = 0.10, years: int = 10
) -> float:
    """Σ_{t=1..H} m·(1+g)^(t−1)·r^(t−1)/(1+d)^t written out as a plain loop."""
    total = 0.0
    for t in range(1, years + 1):
        total += profit * (1 + growth) ** (t - 1) * retention ** (t - 1) / (1 + discount) ** t
    return total
