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

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Account
from accounts.rules import can_contribute_to_account
from accounts.selectors import account_get_for_user
from kam.api import Conflict, FilterSet, IdFilter
from kam.permissions import OpsCanWriteOthersRead
from kam.roles import Role, user_has_role
from kam.versioning import VersionedViewMixin, without_version
from valuation import selectors, services
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
    def export(self, request: Request) -> HttpResponseBase:
        """Download the filtered list as CSV (default) or XLSX: `?file_format=xlsx`."""
        file_format = request.query_params.get("file_format", "csv")
        if file_format not in EXPORT_FORMATS:
            raise ValidationError({"file_format": ["Use csv or xlsx."]})
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return export_response(
            kind=self.export_kind, user=request.user, file_format=file_format, queryset=queryset
        )


class _AccountRecordViewSet(_ExportMixin, viewsets.ModelViewSet):
    """Create resolves the account through the gatekeeper (404 when invisible) and then asks
    `may_write`; a record's account cannot change."""

    # A PUT/PATCH naming another account (kam/schema.py documents it).
    schema_conflicts = {"update": ["409"], "partial_update": ["409"]}

    permission_classes = [IsAuthenticated]

    def may_write(self, account: Account) -> bool:
        raise NotImplementedError

    write_refusal = "You may not change this account's records."

    def _writable_account(self, account_id: Any) -> Account:
        account = account_get_for_user(user=self.request.user, account_id=account_id)
        if not self.may_write(account):
            raise PermissionDenied(self.write_refusal)
        return account

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS and not self.may_write(obj.account):
            raise PermissionDenied(self.write_refusal)

    def _fields_for_update(self, serializer: Any) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        account_id = data.pop("account_id", None)
        if account_id is not None and account_id != serializer.instance.account_id:
            raise Conflict({"account": ["A record cannot move to another account."]})
        return data

    def _created(self, instance: Any) -> Response:
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


def _is_ops(user: Any) -> bool:
    return user_has_role(user, Role.OPS)


# --- revenue and forecasts (ops write) ----------------------------------------------------


class RevenueRecordViewSet(_AccountRecordViewSet):
    serializer_class = RevenueRecordSerializer
    filterset_class = RevenueFilter
    ordering_fields = ["period_start", "revenue"]
    export_kind = ImportKind.REVENUE
    write_refusal = "Only operations staff may change revenue records."

    def may_write(self, account: Account) -> bool:
        return _is_ops(self.request.user)

    def get_queryset(self) -> QuerySet[RevenueRecord]:
        return selectors.revenue_records_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._writable_account(data.pop("account_id"))
        record = services.revenue_record_save(
            account=account, location=data.pop("location")["name"], **data
        )
        return self._created(record)

    def perform_update(self, serializer: RevenueRecordSerializer) -> None:  # type: ignore[override]
        record = serializer.instance
        data = self._fields_for_update(serializer)
        location = data.pop("location", {}).get("name", record.location.name)
        serializer.instance = services.revenue_record_save(
            record=record,
            account=record.account,
            location=location,
            period_start=data.get("period_start", record.period_start),
            revenue=data.get("revenue", record.revenue),
            cost_of_goods=data.get("cost_of_goods", record.cost_of_goods),
        )

    def perform_destroy(self, instance: RevenueRecord) -> None:
        instance.delete()


class ForecastViewSet(_AccountRecordViewSet):
    serializer_class = ForecastSerializer
    filterset_class = ForecastFilter
    ordering_fields = ["period_start", "revenue"]
    export_kind = ImportKind.FORECASTS
    write_refusal = "Only operations staff may change forecasts."

    def may_write(self, account: Account) -> bool:
        return _is_ops(self.request.user)

    def get_queryset(self) -> QuerySet[Forecast]:
        return selectors.forecasts_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._writable_account(data.pop("account_id"))
        return self._created(services.forecast_save(account=account, **data))

    def perform_update(self, serializer: ForecastSerializer) -> None:  # type: ignore[override]
        forecast = serializer.instance
        data = self._fields_for_update(serializer)
        serializer.instance = services.forecast_save(
            forecast=forecast,
            account=forecast.account,
            period_start=data.get("period_start", forecast.period_start),
            revenue=data.get("revenue", forecast.revenue),
        )

    def perform_destroy(self, instance: Forecast) -> None:
        instance.delete()


# --- activity types and rates (ops write, everyone reads) --------------------------------


class ActivityTypeViewSet(_ExportMixin, viewsets.ModelViewSet):
    serializer_class = ActivityTypeSerializer
    permission_classes = [IsAuthenticated, OpsCanWriteOthersRead]
    lookup_field = "code"
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    export_kind = ImportKind.ACTIVITY_TYPES

    def get_queryset(self) -> QuerySet[ActivityType]:
        return selectors.activity_types_list()

    def perform_create(self, serializer: ActivityTypeSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.activity_type_create(**serializer.validated_data)

    def perform_update(self, serializer: ActivityTypeSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.activity_type_update(
            activity_type=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: ActivityType) -> None:
        services.activity_type_delete(activity_type=instance)


class ActivityRateViewSet(_ExportMixin, viewsets.ModelViewSet):
    serializer_class = ActivityRateSerializer
    permission_classes = [IsAuthenticated, OpsCanWriteOthersRead]
    filterset_class = ActivityRateFilter
    ordering_fields = ["effective_from"]
    export_kind = ImportKind.ACTIVITY_RATES

    def get_queryset(self) -> QuerySet[ActivityRate]:
        return selectors.activity_rates_list()

    def perform_create(self, serializer: ActivityRateSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.activity_rate_create(**serializer.validated_data)

    def perform_update(self, serializer: ActivityRateSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.activity_rate_update(
            rate=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: ActivityRate) -> None:
        instance.delete()


# --- service activities and the value ledger (account teams write) ----------------------


class ServiceActivityViewSet(_AccountRecordViewSet):
    serializer_class = ServiceActivitySerializer
    filterset_class = ServiceActivityFilter
    ordering_fields = ["date", "quantity"]
    export_kind = ImportKind.ACTIVITIES
    write_refusal = (
        "Only the account's owner, its team members and operations staff may record activities."
    )

    def may_write(self, account: Account) -> bool:
        user = self.request.user
        return _is_ops(user) or can_contribute_to_account(user, account)

    def get_queryset(self) -> QuerySet[ServiceActivity]:
        return selectors.service_activities_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._writable_account(data.pop("account_id"))
        activity = services.service_activity_create(
            account=account, created_by=request.user, **data
        )
        return self._created(activity)

    def perform_update(self, serializer: ServiceActivitySerializer) -> None:  # type: ignore[override]
        serializer.instance = services.service_activity_update(
            activity=serializer.instance,
            changed_by=self.request.user,
            **self._fields_for_update(serializer),
        )

    def perform_destroy(self, instance: ServiceActivity) -> None:
        services.service_activity_delete(activity=instance, deleted_by=self.request.user)


class ValueEntryViewSet(VersionedViewMixin, _AccountRecordViewSet):
    """PUT/PATCH take the version edited (If-Match or `version`, kam/versioning.py)."""

    # A record moved to another account or a stale version (409), a stale If-Match (412).
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}
    serializer_class = ValueEntrySerializer
    filterset_class = ValueEntryFilter
    search_fields = ["category", "evidence"]
    ordering_fields = ["date", "amount"]
    export_kind = VALUE_ENTRIES_EXPORT
    write_refusal = "Only the account's owner and its team members may change its value ledger."

    def may_write(self, account: Account) -> bool:
        return can_contribute_to_account(self.request.user, account)

    def get_queryset(self) -> QuerySet[ValueEntry]:
        return selectors.value_entries_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = self._writable_account(data.pop("account_id"))
        entry = services.value_entry_create(account=account, created_by=request.user, **data)
        return self._created(entry)

    def perform_update(self, serializer: ValueEntrySerializer) -> None:  # type: ignore[override]
        serializer.instance = services.value_entry_update(
            entry=serializer.instance,
            changed_by=self.request.user,
            version=self.edited_version(serializer.instance),
            **without_version(self._fields_for_update(serializer)),
        )

    def perform_destroy(self, instance: ValueEntry) -> None:
        services.value_entry_delete(entry=instance, deleted_by=self.request.user)
