"""`assessments/`, `complaints/`, `events/`: reads follow the account gatekeeper; writes go
through accounts.voice.services (which decides who may write: 403 for a visible account)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.api import instance_of
from accounts.models import (
    AccountEvent,
    Assessment,
    AssessmentKind,
    Complaint,
    EventKind,
    Severity,
)
from accounts.record_api import AccountRecordViewSet
from accounts.voice import selectors as voice_selectors
from accounts.voice import services as voice_services
from accounts.voice.serializers import (
    AccountEventSerializer,
    AssessmentSerializer,
    ComplaintSerializer,
)
from kam.api import FilterSet
from kam.types import request_user
from kam.versioning import VersionedViewMixin, without_version


class AssessmentFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=AssessmentKind.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Assessment
        fields = ["account", "kind"]


class ComplaintFilter(FilterSet):
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    date_from = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte")
    is_open = django_filters.BooleanFilter(field_name="resolved_on", lookup_expr="isnull")

    class Meta:
        model = Complaint
        fields = ["account", "severity", "category"]


class EventFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = AccountEvent
        fields = ["account", "kind"]


class _AccountRecordViewSet(VersionedViewMixin, AccountRecordViewSet[Any]):
    """The account-record base (accounts/record_api.py); PUT/PATCH take the version edited
    (If-Match or `version`, kam/versioning.py)."""

    # A PUT/PATCH naming another account, or a stale version (409), a stale If-Match (412)
    # (kam/schema.py documents them).
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}


class AssessmentViewSet(_AccountRecordViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["date", "score"]
    ordering = ["-date", "-id"]

    def get_queryset(self) -> QuerySet[Assessment]:
        return voice_selectors.assessments_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = without_version(serializer.validated_data)  # a new record has none to compare
        account = self._account_for_create(data)
        data["dimensions"] = [dict(item) for item in data.get("dimensions", [])]
        assessment = voice_services.assessment_create(
            account=account, created_by=request_user(request), **data
        )
        return self._created(assessment)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data = self._fields_for_update(serializer)
        if "dimensions" in data:
            data["dimensions"] = [dict(item) for item in data["dimensions"]]
        assessment = instance_of(serializer, Assessment)
        serializer.instance = voice_services.assessment_update(
            assessment=assessment,
            updated_by=request_user(self.request),
            version=self.edited_version(assessment),
            **data,
        )

    def perform_destroy(self, instance: Assessment) -> None:
        voice_services.assessment_delete(assessment=instance, deleted_by=request_user(self.request))


class ComplaintViewSet(_AccountRecordViewSet):
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    search_fields = ["category", "description"]
    ordering_fields = ["opened_on", "severity", "category"]
    ordering = ["-opened_on", "-id"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return voice_selectors.complaints_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = without_version(serializer.validated_data)  # a new record has none to compare
        account = self._account_for_create(data)
        complaint = voice_services.complaint_create(
            account=account, created_by=request_user(request), **data
        )
        return self._created(complaint)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        complaint = instance_of(serializer, Complaint)
        serializer.instance = voice_services.complaint_update(
            complaint=complaint,
            updated_by=request_user(self.request),
            version=self.edited_version(complaint),
            **self._fields_for_update(serializer),
        )

    def perform_destroy(self, instance: Complaint) -> None:
        voice_services.complaint_delete(complaint=instance, deleted_by=request_user(self.request))


class AccountEventViewSet(_AccountRecordViewSet):
    serializer_class = AccountEventSerializer
    filterset_class = EventFilter
    search_fields = ["notes"]
    ordering_fields = ["date", "kind"]
    ordering = ["-date", "-id"]

    def get_queryset(self) -> QuerySet[AccountEvent]:
        return voice_selectors.events_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = without_version(serializer.validated_data)  # a new record has none to compare
        account = self._account_for_create(data)
        event = voice_services.account_event_create(
            account=account, created_by=request_user(request), **data
        )
        return self._created(event)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        event = instance_of(serializer, AccountEvent)
        serializer.instance = voice_services.account_event_update(
            event=event,
            updated_by=request_user(self.request),
            version=self.edited_version(event),
            **self._fields_for_update(serializer),
        )

    def perform_destroy(self, instance: AccountEvent) -> None:
        voice_services.account_event_delete(event=instance, deleted_by=request_user(self.request))
