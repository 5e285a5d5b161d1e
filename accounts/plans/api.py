"""`plans/`: account plans with nested objectives and actions, the workflow actions
(`submit/`, `approve/`, `return/`), `history/`, and the optimistic lock on PUT/PATCH.

A PUT/PATCH must name the version it edits, as `version` in the body or as `If-Match`
with the ETag a GET returned (`"<version>"`). A stale body version answers 409, a stale
If-Match 412; both carry the current plan and what changed since, and write nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import selectors as plan_selectors
from accounts.plans import services as plan_services
from accounts.plans.rules import PLAN_EDIT_REFUSED, can_edit_plan
from accounts.plans.serializers import (
    AccountPlanCreateSerializer,
    AccountPlanSerializer,
    HistoryEntrySerializer,
    PlanApproveSerializer,
    PlanReturnSerializer,
    PlanWorkflowSerializer,
)
from accounts.plans.services import PlanVersionConflictError
from accounts.selectors import account_get_for_user
from kam.api import FilterSet, state_conflicts_as_409
from kam.rules import require
from kam.types import request_user


class PlanFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices)
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Plans whose period ends on or after this date"
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Plans whose period starts on or before this date"
    )

    class Meta:
        model = AccountPlan
        fields = ["account", "status", "period"]

    def filter_date_from(self, queryset: QuerySet[AccountPlan], name: str, value: date) -> Any:
        return queryset.filter(period_end__gte=value)

    def filter_date_to(self, queryset: QuerySet[AccountPlan], name: str, value: date) -> Any:
        return queryset.filter(period_start__lte=value)


def _etag(plan: AccountPlan) -> str:
    return f'"{plan.version}"'


def _conflict_response(conflict: PlanVersionConflictError, status_code: int) -> Response:
    return Response(
        {
            "detail": conflict.message,
            "version": [conflict.message],
            "current_version": conflict.plan.version,
            "changes": HistoryEntrySerializer(conflict.changes, many=True).data,
            "current": AccountPlanSerializer(
                plan_selectors.account_plan_reload(plan_id=conflict.plan.pk)
            ).data,
        },
        status=status_code,
        headers={"ETag": _etag(conflict.plan)},
    )


class AccountPlanEditSerializer(AccountPlanSerializer):
    """The body of a PUT/PATCH as the schema states it: `version` is required there (the
    If-Match header with the plan's ETag may stand in for it)."""

    version = serializers.IntegerField(
        help_text="The version you edited (or send If-Match with the plan's ETag instead)."
    )
    # kam/schema.py keeps it required in the PATCH body too.
    schema_patch_required = ("version",)


@extend_schema_view(
    update=extend_schema(request=AccountPlanEditSerializer),
    partial_update=extend_schema(request=AccountPlanEditSerializer),
)
class AccountPlanViewSet(viewsets.ModelViewSet[AccountPlan]):
    """Everyone who can read the account reads its plans; its owner writes them."""

    serializer_class = AccountPlanSerializer
    filterset_class = PlanFilter
    # The answers to a stale version (kam/schema.py documents them).
    schema_conflicts = {
        "update": ["409", "412"],
        "partial_update": ["409", "412"],
        "submit": ["409"],
        "approve": ["409"],
        "return_": ["409"],
    }
    search_fields = ["account__name", "period"]
    ordering_fields = ["period_start", "account__name", "status", "updated_at"]
    ordering = ["-period_start", "account__name", "id"]

    def get_queryset(self) -> QuerySet[AccountPlan]:
        return plan_selectors.plans_visible_to(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return AccountPlanCreateSerializer
        return AccountPlanSerializer

    def _nested(self, data: dict[str, Any]) -> dict[str, Any]:
        for key in ("objectives", "actions"):
            if key in data:
                data[key] = [dict(item) for item in data[key]]
        return data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        return Response(self.get_serializer(plan).data, headers={"ETag": _etag(plan)})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = self._nested(dict(serializer.validated_data))
        data.pop("version", None)
        account = account_get_for_user(user=request.user, account_id=data.pop("account"))
        plan = plan_services.account_plan_create(
            account=account, created_by=request_user(request), **data
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(
            AccountPlanSerializer(plan).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": _etag(plan)},
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        plan = self.get_object()
        # refused before the body is read; the service refuses as well
        require(can_edit_plan(request.user, plan), PLAN_EDIT_REFUSED)
        serializer = self.get_serializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = self._nested(dict(serializer.validated_data))
        if_match = request.headers.get("If-Match", "").strip()
        body_version = data.pop("version", None)
        if body_version is None and not if_match:
            raise ValidationError(
                {
                    "version": [
                        _(
                            "Send the version you edited (the plan's `version`) or an If-Match "
                            "header with its ETag, so nobody's change is overwritten."
                        )
                    ]
                }
            )
        if body_version is not None:
            version, stale_status = body_version, int(status.HTTP_409_CONFLICT)
        else:
            try:
                version = int(if_match.removeprefix("W/").strip('"'))
            except ValueError as error:
                raise ValidationError(
                    {
                        "version": [
                            _("If-Match %(if_match)s is not an ETag of this plan.")
                            % {"if_match": if_match}
                        ]
                    }
                ) from error
            stale_status = status.HTTP_412_PRECONDITION_FAILED
        try:
            with state_conflicts_as_409("status"):
                plan_services.account_plan_update(
                    plan=plan, updated_by=request_user(request), version=version, **data
                )
        except PlanVersionConflictError as conflict:
            return _conflict_response(conflict, stale_status)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(AccountPlanSerializer(plan).data, headers={"ETag": _etag(plan)})

    def perform_destroy(self, instance: AccountPlan) -> None:
        plan_services.account_plan_delete(plan=instance, deleted_by=request_user(self.request))

    def _workflow(self, request: Request, serializer_class: Any, run: Any, *state: str) -> Response:
        """`state`: the fields, besides `status`, whose problems are the stored plan's (a
        submit's: its steps, objectives and actions), answered 409 as a state the request
        conflicts with, not 400 as a body to correct."""
        plan = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with state_conflicts_as_409("status", *state):
                run(plan, dict(serializer.validated_data))
        except PlanVersionConflictError as conflict:
            return _conflict_response(conflict, status.HTTP_409_CONFLICT)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(AccountPlanSerializer(plan).data, headers={"ETag": _etag(plan)})

    @extend_schema(request=PlanWorkflowSerializer, responses=AccountPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Draft → submitted (the account's owner). A plan not ready for the steering
        committee (step 1 or 2 not written, no objective, an open action past its due date)
        answers 409 with the reasons by field."""
        return self._workflow(
            request,
            PlanWorkflowSerializer,
            lambda plan, data: plan_services.account_plan_submit(
                plan=plan, submitted_by=request_user(request), version=data.get("version")
            ),
            *plan_services.SUBMIT_PROBLEM_FIELDS,
        )

    @extend_schema(request=PlanApproveSerializer, responses=AccountPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Submitted → approved, with an optional `comment` (an executive who does not own
        the plan)."""
        return self._workflow(
            request,
            PlanApproveSerializer,
            lambda plan, data: plan_services.account_plan_approve(
                plan=plan,
                approved_by=request_user(request),
                comment=data.get("comment", ""),
                version=data.get("version"),
            ),
        )

    @extend_schema(request=PlanReturnSerializer, responses=AccountPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """Submitted → draft with a `comment` (an executive)."""
        return self._workflow(
            request,
            PlanReturnSerializer,
            lambda plan, data: plan_services.account_plan_return(
                plan=plan,
                returned_by=request_user(request),
                comment=data.get("comment", ""),
                version=data.get("version"),
            ),
        )

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change to the plan, its objectives and actions, newest first."""
        plan = self.get_object()
        entries = plan_selectors.account_plan_history(plan=plan)
        return Response(HistoryEntrySerializer(entries, many=True).data)
