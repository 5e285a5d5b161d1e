"""seed_demo fills the valuation tables realistically and deterministically."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from accounts.models import Account, AccountLocation, Designation
from valuation.models import ActivityRate, Forecast, RevenueRecord, ServiceActivity, ValueEntry
from valuation.selectors import add_months

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 15)


def _seed() -> None:
    call_command("seed_demo", "--accounts", "24", "--as-of", AS_OF.isoformat(), "--flush")


def test_demo_money_data(db: Any) -> None:
    _seed()

    # three years of monthly revenue for every location of every account
    locations = AccountLocation.objects.count()
    assert RevenueRecord.objects.count() == 36 * locations
    months = RevenueRecord.objects.values("period_start").distinct()
    assert {row["period_start"] for row in months} == {
        add_months(AS_OF, -offset) for offset in range(36)
    }
    # forecasts: 24 months ahead for each strategic account, none for the others
    strategic = Account.objects.filter(designation=Designation.STRATEGIC)
    assert Forecast.objects.count() == 24 * strategic.count() > 0
    assert not Forecast.objects.exclude(account__in=strategic).exists()
    assert Forecast.objects.filter(period_start__lte=AS_OF).count() == 0
    # some rates change inside the trailing year, some before it
    changes = ActivityRate.objects.filter(effective_from__gt=add_months(AS_OF, -35))
    assert {rate.effective_from for rate in changes} == {
        add_months(AS_OF, -14),
        add_months(AS_OF, -5),
    }
    # a few activity types cause most of the cost (the top three over 60 %)
    costs = sorted(
        (
            row["quantity"]
            * ActivityRate.objects.filter(activity_type_id=row["activity_type"])
            .order_by("effective_from")
            .first()
            .unit_cost
            for row in ServiceActivity.objects.values("activity_type").annotate(
                quantity=Sum("quantity")
            )
        ),
        reverse=True,
    )
    assert sum(costs[:3]) / sum(costs) > 0.6
    # ledger entries both ways, some unconfirmed and older than 90 days
    directions = dict(
        ValueEntry.objects.values_list("direction")
        .annotate(n=Count("id"))
        .values_list("direction", "n")
    )
    assert directions["delivered"] > 0
    assert directions["received"] > 0
    assert ValueEntry.objects.filter(
        customer_confirmed=False, date__lt=AS_OF - datetime.timedelta(days=90)
    ).exists()
    assert ValueEntry.objects.filter(customer_confirmed=True).exists()


def test_demo_is_deterministic(db: Any) -> None:
    _seed()
    first = sorted(
        RevenueRecord.objects.values_list("account__external_id", "period_start", "revenue")
    )
    activities = ServiceActivity.objects.aggregate(total=Sum("quantity"))["total"]
    _seed()
    assert (
        sorted(RevenueRecord.objects.values_list("account__external_id", "period_start", "revenue"))
        == first
    )
    assert ServiceActivity.objects.aggregate(total=Sum("quantity"))["total"] == activities
