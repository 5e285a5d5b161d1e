"""REST endpoints of analysis runs, snapshots and parameters (thin)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import account_get_for_user
from kam.api import StrictSerializer
from kam.permissions import writes_allowed_by
from kam.types import request_user
from kam.versioning import VersionedViewMixin, without_version
from portfolio import rules, schedules, selectors, services
from portfolio.backtest.params import horizon_days_parse
from portfolio.backtest.rules import BACKTEST_REFUSED, can_read_backtest
from portfolio.backtest.selectors import run_backtest
from portfolio.churn.backtest import MAX_HORIZON_DAYS
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.serializers import (
    AccountSnapshotSerializer,
    AnalysisParametersSerializer,
    AnalysisRunSerializer,
    BacktestSerializer,
    backtest_payload,
)

# Lazy: DRF reads a permission's message when it refuses, in the request's language (the
# permission class wants a str; the lazy text is one when it is read).
OPS_ONLY = cast(str, gettext_lazy("Only operations staff may change this."))
RunsAnalysis = writes_allowed_by(rules.can_run_analysis, OPS_ONLY)
EditsParameters = writes_allowed_by(rules.can_edit_parameters, OPS_ONLY)
EditsSchedule = writes_allowed_by(rules.can_edit_schedule, OPS_ONLY)


class AnalysisRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[AnalysisRun],
):
    serializer_class = AnalysisRunSerializer
    permission_classes = [RunsAnalysis]
    filterset_fields = ["status", "as_of", "trigger"]
    ordering_fields = ["queued_at", "as_of"]

    def get_queryset(self) -> QuerySet[AnalysisRun]:
        return selectors.analysis_run_list()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "horizon_days",
                {"type": "integer", "minimum": 1, "maximum": MAX_HORIZON_DAYS},
                description="Days after the run's as-of date within which an account_lost "
                "event counts (default 365).",
            )
        ],
        responses={200: BacktestSerializer},
        description="The run's churn backtest (DOMAIN.md): executives and ops only (403 "
        "otherwise), 400 for a bad horizon.",
    )
    @action(detail=True, methods=["get"], serializer_class=BacktestSerializer)
    def backtest(self, request: Request, pk: str | None = None) -> Response:
        user = request_user(request)
        if not can_read_backtest(user):
            raise PermissionDenied(_(BACKTEST_REFUSED))
        run = self.get_object()
        horizon, error = horizon_days_parse(request.query_params.getlist("horizon_days"))
        if error:
            raise serializers.ValidationError({"horizon_days": [error]})
        if run.status != AnalysisRun.Status.SUCCEEDED:
            raise serializers.ValidationError(
                {
                    "run": [
                        _("Run %(run)s is %(status)s: only a succeeded run has scores to test.")
                        % {"run": run.pk, "status": str(run.get_status_display()).lower()}
                    ]
                }
            )
        found = run_backtest(run=run, horizon_days=horizon, today=timezone.localdate())
        return Response(BacktestSerializer(backtest_payload(found)).data)

    def perform_create(self, serializer: AnalysisRunSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.analysis_run_queue(
            as_of=serializer.validated_data["as_of"],
            requested_by=request_user(self.request),
            trigger=AnalysisRun.Trigger.API,
        )


class RunSnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[AccountSnapshot]):
    """`analysis-runs/{id}/snapshots/`: the run's snapshots of the accounts you may see."""

    serializer_class = AccountSnapshotSerializer
    filterset_fields = ["segment", "churn_stage", "account"]
    ordering_fields = ["net_profit_ttm", "revenue_ttm", "churn_score", "ltv"]

    def get_queryset(self) -> QuerySet[AccountSnapshot]:
        if getattr(self, "swagger_fake_view", False):
            return AccountSnapshot.objects.none()
        run = selectors.analysis_run_list().filter(pk=self.kwargs["run_pk"]).first()
        if run is None:
            raise Http404(_("No such analysis run."))
        user = request_user(self.request)
        return selectors.snapshots_for_run(user=user, run=run).select_related("run")


class AccountSnapshotView(RetrieveAPIView[AccountSnapshot]):
    """`accounts/{id}/snapshot/`: the account's figures in the latest successful run."""

    serializer_class = AccountSnapshotSerializer

    def get_object(self) -> AccountSnapshot:
        account = account_get_for_user(
            user=request_user(self.request), account_id=self.kwargs["account_pk"]
        )
        snapshot = selectors.snapshot_latest_for_account(account=account)
        if snapshot is None:
            raise Http404(_("This account has not been analysed yet."))
        return snapshot


class AnalysisParametersView(VersionedViewMixin, APIView):
    """`analysis-parameters/`: everyone reads; ops change them (each change is recorded).
    PUT/PATCH take the version edited (If-Match or `version`, kam/versioning.py)."""

    schema_conflicts = {"PATCH": ["409", "412"], "PUT": ["409", "412"]}

    permission_classes = [EditsParameters]
    serializer_class = AnalysisParametersSerializer

    def get(self, request: Request) -> Response:
        return Response(AnalysisParametersSerializer(services.analysis_parameters_get()).data)

    def patch(self, request: Request) -> Response:
        current = services.analysis_parameters_get()
        serializer = AnalysisParametersSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        parameters = services.analysis_parameters_update(
            changed_by=request_user(request),
            version=self.edited_version(current),
            **without_version(serializer.validated_data),
        )
        return Response(AnalysisParametersSerializer(parameters).data)

    def conflict_current(self, conflict: Any) -> dict[str, Any]:
        return dict(AnalysisParametersSerializer(services.analysis_parameters_get()).data)

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.patch(request)


def _cron_field(item: str, step: str) -> str:
    """A cron field's grammar (an item or a list of them, `*` or `*/step`): the schema states
    it, so a client sees what the field takes, and the API checks the same."""
    return rf"^(\*|\*/({step})|({item})(,({item}))*)$"


MINUTE_PATTERN = _cron_field("[1-5]?[0-9]", "[1-9]|[1-5][0-9]")
HOUR_PATTERN = _cron_field("1?[0-9]|2[0-3]", "[1-9]|1[0-9]|2[0-3]")
# a day, or a range from an earlier day to a later one (0 = Sunday … 6)
DAY_RANGES = "0-[1-6]|1-[2-6]|2-[3-6]|3-[4-6]|4-[56]|5-6"
DAY_OF_WEEK_PATTERN = _cron_field(f"{DAY_RANGES}|[0-6]", "[1-6]")


class NightlyScheduleSerializer(StrictSerializer):
    minute = serializers.RegexField(
        MINUTE_PATTERN,
        max_length=60,
        help_text="Cron minute field, 0-59: a value, a list, * or */step.",
        error_messages={
            "invalid": gettext_lazy("Not a cron minute (0-59, a list a,b, * or */step).")
        },
    )
    hour = serializers.RegexField(
        HOUR_PATTERN,
        max_length=60,
        help_text="Cron hour field, 0-23, UTC.",
        error_messages={
            "invalid": gettext_lazy("Not a cron hour (0-23, a list a,b, * or */step).")
        },
    )
    day_of_week = serializers.RegexField(
        DAY_OF_WEEK_PATTERN,
        max_length=60,
        help_text="Cron day-of-week field, 0 (Sunday) to 6: a day, a range a-b (a < b), a list.",
        error_messages={
            "invalid": gettext_lazy(
                "Not a cron day of week (0-6 from Sunday, a range a-b with a < b, a list)."
            )
        },
    )
    enabled = serializers.BooleanField()


class AnalysisScheduleView(APIView):
    """`analysis-schedule/`: the nightly run's cron fields (UTC); ops change them."""

    permission_classes = [EditsSchedule]
    serializer_class = NightlyScheduleSerializer

    def get(self, request: Request) -> Response:
        return Response(NightlyScheduleSerializer(asdict(schedules.nightly_schedule_get())).data)

    def put(self, request: Request) -> Response:
        serializer = NightlyScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        schedule = schedules.nightly_schedule_update(
            changed_by=request_user(request), **serializer.validated_data
        )
        return Response(NightlyScheduleSerializer(asdict(schedule)).data)
