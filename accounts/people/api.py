"""Key 4's endpoints: `manager-load/` (executives and ops: every manager; a manager: their
own row), `competency-assessments/` (executives read all and record; a manager reads their
own) and `pay-mix/` (executives only, reading and writing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.models import CompetencyAssessment, PayMix
from accounts.people import selectors as people_selectors
from accounts.people import services as people_services
from accounts.people.rules import can_record_competency, can_view_load, can_view_pay
from accounts.people.serializers import (
    CompetencyAssessmentSerializer,
    ManagerLoadSerializer,
    PayMixSerializer,
)
from kam.permissions import writes_allowed_by
from kam.types import request_user

RecordsCompetency = writes_allowed_by(
    can_record_competency, _("Only the executive steering committee may change this.")
)


class CanViewManagerLoad(BasePermission):
    message = _("The load of account managers is for account managers, executives and ops.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_view_load(request.user)


class ExecutivesOnly(BasePermission):
    message = _("Pay is confidential: only executives see the pay mix.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_view_pay(request.user)


class ManagerLoadView(APIView):
    """Strategic and pilot accounts and relationships per account manager, with warnings."""

    permission_classes = [IsAuthenticated, CanViewManagerLoad]

    @extend_schema(responses=ManagerLoadSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = people_selectors.manager_load_rows(user=request.user)
        return Response(ManagerLoadSerializer(rows, many=True).data)


class CompetencyAssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[CompetencyAssessment],
):
    """Assessments visible to the caller (all for executives, their own for a manager);
    POST records a new assessment (executives)."""

    serializer_class = CompetencyAssessmentSerializer
    permission_classes = [RecordsCompetency]
    filterset_fields = ["manager", "assessed_on"]
    ordering = ["manager__username", "-assessed_on", "-id"]

    def get_queryset(self) -> QuerySet[CompetencyAssessment]:
        return people_selectors.competency_assessments_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[CompetencyAssessment]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = people_services.competency_assessment_record(
            manager=data.pop("manager"),
            assessed_by=request_user(self.request),
            assessed_on=data.pop("assessed_on"),
            notes=data.pop("notes", ""),
            scores=data,
        )


class PayMixViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[PayMix],
):
    """Pay-mix history of every account manager (executives only), with the check of each
    row; POST records a new effective-dated row."""

    serializer_class = PayMixSerializer
    permission_classes = [IsAuthenticated, ExecutivesOnly]
    filterset_fields = ["manager"]
    ordering = ["manager__username", "-effective_from"]

    def get_queryset(self) -> QuerySet[PayMix]:
        return people_selectors.pay_mixes_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[PayMix]) -> None:
        serializer.instance = people_services.pay_mix_record(
            recorded_by=request_user(self.request), **serializer.validated_data
        )
