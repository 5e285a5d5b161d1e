"""Factories of the valuation app's models."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from accounts.models import AccountLocation
from tests.factories import AccountFactory
from valuation.models import (
    ActivityRate,
    ActivityType,
    Direction,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"act-{n}")
    name = factory.LazyAttribute(lambda t: f"Activity {t.code}")
    unit = "hour"
    is_investment = False


class ActivityRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityRate

    activity_type = factory.SubFactory(ActivityTypeFactory)
    effective_from = datetime.date(2024, 1, 1)
    unit_cost = Decimal("10.00")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountLocation
        django_get_or_create = ("account", "name")

    account = factory.SubFactory(AccountFactory)
    name = "Main plant"


class RevenueRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevenueRecord

    account = factory.SubFactory(AccountFactory)
    location = factory.LazyAttribute(
        lambda r: AccountLocation.objects.get_or_create(account=r.account, name="Main plant")[0]
    )
    period_start = datetime.date(2025, 1, 1)
    revenue = Decimal("1000.00")
    cost_of_goods = Decimal("600.00")


class ForecastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forecast

    account = factory.SubFactory(AccountFactory)
    period_start = datetime.date(2027, 1, 1)
    revenue = Decimal("1000.00")


class ServiceActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceActivity

    account = factory.SubFactory(AccountFactory)
    activity_type = factory.SubFactory(ActivityTypeFactory)
    date = datetime.date(2025, 6, 1)
    quantity = Decimal("2.00")


class ValueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueEntry

    account = factory.SubFactory(AccountFactory)
    direction = Direction.DELIVERED
    category = "cost savings"
    amount = Decimal("5000.00")
    date = datetime.date(2025, 6, 1)
    evidence = "Line-trial report"
    customer_confirmed = False
