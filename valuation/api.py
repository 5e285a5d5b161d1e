"""REST endpoints of the valuation app (thin: gatekeeper, serializer, service).

Who may write:
- `revenue/`, `forecasts/`, `activity-types/`, `activity-rates/`: ops (and superusers); they
  are loaded from the ERP and planning systems, not typed in by account teams.
- `activities/`: the account's owner and team members, and ops (who load them in bulk).
- `value-entries/`: the account's owner and team members.
Everyone signed in reads what the accounts gatekeeper lets them see; an invisible account's
records answer 404, a visible one the user may not change answers 403.
Every list has an `export/` action (`?file_format=csv|xlsx`, same columns as the import,
same filters as the list).
"""

from __future__ import annotations

from typing import Any, Protocol

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import Account
from accounts.record_api import AccountRecordViewSet, RecordT
from kam.api import FilterSet, IdFilter
from kam.permissions import writes_allowed_by
from kam.types import User, request_user
from kam.versioning import VersionedViewMixin, without_version
from valuation import rules, selectors, services
from valuation.exports import EXPORT_FORMATS, VALUE_ENTRIES_EXPORT, export_response
from valuation.models import (
    ActivityRate,
    ActivityType,
    Direction,
    Forecast,
    ImportKind,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)
from valuation.serializers import (
    ActivityRateSerializer,
    ActivityTypeSerializer,
    ForecastSerializer,
    RevenueRecordSerializer,
    ServiceActivitySerializer,
    ValueEntrySerializer,
)

# --- filters ----------------------------------------------------------------------------


PricesActivities = writes_allowed_by(rules.can_price_activities, rules.PRICING_REFUSED)


class _AccountDateFilter(FilterSet):
    account = IdFilter(field_name="account")
    account_external_id = django_filters.CharFilter(field_name="account__external_id")


class RevenueFilter(_AccountDateFilter):
    date_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")
    location = django_filters.CharFilter(field_name="location__name", lookup_expr="iexact")

    class Meta:
        model = RevenueRecord
        fields = ["account", "account_external_id", "location", "date_from", "date_to"]


class ForecastFilter(_AccountDateFilter):
    date_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Forecast
        fields = ["account", "account_external_id", "date_from", "date_to"]


class ActivityRateFilter(FilterSet):
    activity_type = django_filters.CharFilter(field_name="activity_type__code")
    date_from = django_filters.DateFilter(field_name="effective_from", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="effective_from", lookup_expr="lte")

    class Meta:
        model = ActivityRate
        fields = ["activity_type", "date_from", "date_to"]


class ServiceActivityFilter(_AccountDateFilter):
    activity_type = django_filters.CharFilter(field_name="activity_type__code")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ServiceActivity
        fields = ["account", "account_external_id", "activity_type", "date_from", "date_to"]


class ValueEntryFilter(_AccountDateFilter):
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    customer_confirmed = django_filters.BooleanFilter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ValueEntry
        fields = [
            "account",
            "account_external_id",
            "direction",
            "customer_confirmed",
            "date_from",
            "date_to",
        ]


# --- shared behaviour ---------------------------------------------------------------------


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Exportable(Protocol):
    export_kind: str

    def get_queryset(self) -> QuerySet[Any]: ...

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]: ...


class _ExportMixin:
    export_kind: str

    @extend_schema(
        filters=True,
        parameters=[
            OpenApiParameter(
                "file_format",
                str,
                enum=list(EXPORT_FORMATS),
                default="csv",
                description="csv (the default) or xlsx",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self: _Exportable, request: Request) -> HttpResponseBase:
        """Download the filtered list as CSV (default) or XLSX: `?file_format=xlsx`."""
        file_format = request.query_params.get("file_format", "csv")
        if file_format not in EXPORT_FORMATS:
            raise ValidationError({"file_format": [_("Use csv or xlsx.")]})
        queryset = self.filter_queryset(self.get_queryset())
        return export_response(
            kind=self.export_kind,
            user=request_user(request),
            file_format=file_format,
            queryset=queryset,
        )


# --- revenue and forecasts (ops write) ----------------------------------------------------


class RevenueRecordViewSet(_ExportMixin, AccountRecordViewSet[RevenueRecord]):
    serializer_class = RevenueRecordSerializer
    filterset_class = RevenueFilter
    ordering_fields = ["period_start", "revenue"]
    export_kind = ImportKind.REVENUE
    write_refusal = rules.REVENUE_REFUSED

    def create_allowed(self, user: User, account: Account) -> bool:
        return rules.can_load_revenue(user)

    def change_allowed(self, user: User, record: RevenueRecord) -> bool:
        return rules.can_load_revenue(user)

    def get_queryset(self) -> QuerySet[RevenueRecord]:
        return selectors.revenue_records_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._account_for_create(data)
        record = services.revenue_record_save(
            account=account,
            location=data["location"]["name"],
            period_start=data["period_start"],
            revenue=data["revenue"],
            cost_of_goods=data["cost_of_goods"],
            saved_by=self.acting_user,
        )
        return self._created(record)

    def perform_update(self, serializer: BaseSerializer[RevenueRecord]) -> None:
        record = _instance(serializer)
        data = self._fields_for_update(serializer)
        location = data.pop("location", {}).get("name", record.location.name)
        serializer.instance = services.revenue_record_save(
            record=record,
            account=record.account,
            location=location,
            period_start=data.get("period_start", record.period_start),
            revenue=data.get("revenue", record.revenue),
            cost_of_goods=data.get("cost_of_goods", record.cost_of_goods),
            saved_by=self.acting_user,
        )

    def perform_destroy(self, instance: RevenueRecord) -> None:
        services.revenue_record_delete(record=instance, deleted_by=self.acting_user)


class ForecastViewSet(_ExportMixin, AccountRecordViewSet[Forecast]):
    serializer_class = ForecastSerializer
    filterset_class = ForecastFilter
    ordering_fields = ["period_start", "revenue"]
    export_kind = ImportKind.FORECASTS
    write_refusal = rules.FORECAST_REFUSED

    def create_allowed(self, user: User, account: Account) -> bool:
        return rules.can_load_revenue(user)

    def change_allowed(self, user: User, record: Forecast) -> bool:
        return rules.can_load_revenue(user)

    def get_queryset(self) -> QuerySet[Forecast]:
        return selectors.forecasts_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._account_for_create(data)
        forecast = services.forecast_save(
            account=account,
            period_start=data["period_start"],
            revenue=data["revenue"],
            saved_by=self.acting_user,
        )
        return self._created(forecast)

    def perform_update(self, serializer: BaseSerializer[Forecast]) -> None:
        forecast = _instance(serializer)
        data = self._fields_for_update(serializer)
        serializer.instance = services.forecast_save(
            forecast=forecast,
            account=forecast.account,
            period_start=data.get("period_start", forecast.period_start),
            revenue=data.get("revenue", forecast.revenue),
            saved_by=self.acting_user,
        )

    def perform_destroy(self, instance: Forecast) -> None:
        services.forecast_delete(forecast=instance, deleted_by=self.acting_user)


# --- activity types and rates (ops write, everyone reads) --------------------------------


class ActivityTypeViewSet(_ExportMixin, viewsets.ModelViewSet[ActivityType]):
    serializer_class = ActivityTypeSerializer
    permission_classes = [PricesActivities]
    lookup_field = "code"
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    export_kind = ImportKind.ACTIVITY_TYPES

    def get_queryset(self) -> QuerySet[ActivityType]:
        return selectors.activity_types_list()

    def perform_create(self, serializer: BaseSerializer[ActivityType]) -> None:
        serializer.instance = services.activity_type_create(
            **serializer.validated_data, created_by=request_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[ActivityType]) -> None:
        serializer.instance = services.activity_type_update(
            activity_type=_instance(serializer),
            updated_by=request_user(self.request),
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: ActivityType) -> None:
        services.activity_type_delete(activity_type=instance, deleted_by=request_user(self.request))


class ActivityRateViewSet(_ExportMixin, viewsets.ModelViewSet[ActivityRate]):
    serializer_class = ActivityRateSerializer
    permission_classes = [PricesActivities]
    filterset_class = ActivityRateFilter
    ordering_fields = ["effective_from"]
    export_kind = ImportKind.ACTIVITY_RATES

    def get_queryset(self) -> QuerySet[ActivityRate]:
        return selectors.activity_rates_list()

    def perform_create(self, serializer: BaseSerializer[ActivityRate]) -> None:
        serializer.instance = services.activity_rate_create(
            **serializer.validated_data, created_by=request_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[ActivityRate]) -> None:
        serializer.instance = services.activity_rate_update(
            rate=_instance(serializer),
            updated_by=request_user(self.request),
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: ActivityRate) -> None:
        services.activity_rate_delete(rate=instance, deleted_by=request_user(self.request))


# --- service activities and the value ledger (account teams write) ----------------------


class ServiceActivityViewSet(_ExportMixin, AccountRecordViewSet[ServiceActivity]):
    serializer_class = ServiceActivitySerializer
    filterset_class = ServiceActivityFilter
    ordering_fields = ["date", "quantity"]
    export_kind = ImportKind.ACTIVITIES
    write_refusal = rules.ACTIVITY_RECORD_REFUSED

    def create_allowed(self, user: User, account: Account) -> bool:
        return rules.can_record_activity(user, account)

    def change_allowed(self, user: User, record: ServiceActivity) -> bool:
        # the team's answer first (403 before the body's errors); the service decides
        # between the owner, the member who recorded it and ops
        return rules.can_record_activity(user, record.account)

    def get_queryset(self) -> QuerySet[ServiceActivity]:
        return selectors.service_activities_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._account_for_create(data)
        activity = services.service_activity_create(
            account=account, created_by=self.acting_user, **data
        )
        return self._created(activity)

    def perform_update(self, serializer: BaseSerializer[ServiceActivity]) -> None:
        serializer.instance = services.service_activity_update(
            activity=_instance(serializer),
            changed_by=self.acting_user,
            **self._fields_for_update(serializer),
        )

    def perform_destroy(self, instance: ServiceActivity) -> None:
        services.service_activity_delete(activity=instance, deleted_by=self.acting_user)


class ValueEntryViewSet(VersionedViewMixin, _ExportMixin, AccountRecordViewSet[ValueEntry]):
    """PUT/PATCH take the version edited (If-Match or `version`, kam/versioning.py)."""

    # A record moved to another account or a stale version (409), a stale If-Match (412).
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}
    serializer_class = ValueEntrySerializer
    filterset_class = ValueEntryFilter
    search_fields = ["category", "evidence"]
    ordering_fields = ["date", "amount"]
    export_kind = VALUE_ENTRIES_EXPORT
    write_refusal = rules.VALUE_RECORD_REFUSED

    def create_allowed(self, user: User, account: Account) -> bool:
        return rules.can_record_value(user, account)

    def change_allowed(self, user: User, record: ValueEntry) -> bool:
        # the team's answer first (403 before the body's errors); the service decides
        # between the owner and the member who recorded it
        return rules.can_record_value(user, record.account)

    def get_queryset(self) -> QuerySet[ValueEntry]:
        return selectors.value_entries_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = without_version(serializer.validated_data)
        account = self._account_for_create(data)
        entry = services.value_entry_create(account=account, created_by=self.acting_user, **data)
        return self._created(entry)

    def perform_update(self, serializer: BaseSerializer[ValueEntry]) -> None:
        entry = _instance(serializer)
        serializer.instance = services.value_entry_update(
            entry=entry,
            changed_by=self.acting_user,
            version=self.edited_version(entry),
            **self._fields_for_update(serializer),
        )

    def perform_destroy(self, instance: ValueEntry) -> None:
        services.value_entry_delete(entry=instance, deleted_by=self.acting_user)


def _instance(serializer: BaseSerializer[RecordT]) -> RecordT:
    """The object an update's serializer was bound to (always set on an update)."""
    instance = serializer.instance
    if instance is None:  # pragma: no cover - DRF binds the object before perform_update
        raise ValidationError(_("Nothing to update."))
    return instance
