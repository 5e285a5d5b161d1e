"""API shapes of the valuation resources (CONTRACT.md names). `account` is the account id;
activity types are referred to by their code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kam.api import StrictModelSerializer
from kam.types import User
from kam.versioning import VersionField
from valuation.models import (
    ActivityRate,
    ActivityType,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)


def money_field(*, default: Decimal | None = None) -> serializers.DecimalField:
    """A money amount, Decimal(14, 2), not negative (`default`: when the body leaves it out)."""
    if default is None:
        return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=default)


class ActivityTypeCodeField(serializers.SlugRelatedField[ActivityType]):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", ActivityType.objects.all())
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": _("No activity type has the code {value}.")},
        )
        super().__init__(slug_field="code", **kwargs)


class RevenueRecordSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    account_external_id = serializers.CharField(
        source="account.external_id", read_only=True, allow_null=True
    )
    location = serializers.CharField(source="location.name", max_length=120)
    revenue = money_field()
    cost_of_goods = money_field(default=Decimal(0))

    class Meta:
        model = RevenueRecord
        fields = [
            "id",
            "account",
            "account_external_id",
            "location",
            "period_start",
            "revenue",
            "cost_of_goods",
        ]
        read_only_fields = ["id"]
        validators: list[Any] = []  # the natural key is checked by the model, per field


class ForecastSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    revenue = money_field()

    class Meta:
        model = Forecast
        fields = ["id", "account", "period_start", "revenue"]
        read_only_fields = ["id"]
        validators: list[Any] = []


class ActivityTypeSerializer(StrictModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["code", "name", "unit", "is_investment"]
        # The model's default, applied here since the service takes every field.
        extra_kwargs = {"is_investment": {"default": False}}


class ActivityRateSerializer(StrictModelSerializer):
    activity_type = ActivityTypeCodeField()
    unit_cost = money_field()

    class Meta:
        model = ActivityRate
        fields = ["id", "activity_type", "effective_from", "unit_cost"]
        read_only_fields = ["id"]
        validators: list[Any] = []


class ServiceActivitySerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    activity_type = ActivityTypeCodeField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = ServiceActivity
        fields = ["id", "account", "activity_type", "date", "quantity"]
        read_only_fields = ["id"]


class ValueEntrySerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    # More than zero (the service checks it again): the field's minimum, so the schema
    # states it (kam/schema.py).
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The amount must be more than zero.")},
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = VersionField()

    class Meta:
        model = ValueEntry
        fields = [
            "id",
            "account",
            "direction",
            "category",
            "amount",
            "date",
            "evidence",
            "customer_confirmed",
            "confirmed_by",
            "confirmed_on",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = ["id", "created_by", "created_at"]
        validators: list[Any] = []
