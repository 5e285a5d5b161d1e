"""Selection governance endpoints: `criteria/`, `criterion-scores/`,
`designation-requests/` (with `approve/` and `decline/`) and `review-meetings/`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.api import instance_of
from accounts.governance import rules as governance_rules
from accounts.governance import selectors as governance_selectors
from accounts.governance import services as governance_services
from accounts.governance.serializers import (
    CriterionScoreSerializer,
    DesignationDecisionSerializer,
    DesignationDeclineSerializer,
    DesignationRequestSerializer,
    QualifyingAnswersSerializer,
    ReviewMeetingSerializer,
    SelectionCriterionSerializer,
    SelectionSerializer,
)
from accounts.models import (
    CriterionScore,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from accounts.selectors import account_get_for_user, accounts_visible_to
from kam.api import FilterSet, state_conflicts_as_409
from kam.permissions import writes_allowed_by
from kam.types import request_user
from kam.versioning import VersionedViewMixin, without_version

COMMITTEE_ONLY = _("Only the executive steering committee may change this.")
SetsCriteria = writes_allowed_by(governance_rules.can_set_criteria, COMMITTEE_ONLY)
LogsReviewMeetings = writes_allowed_by(governance_rules.can_log_review_meeting, COMMITTEE_ONLY)


class SelectionCriterionViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[SelectionCriterion],
):
    """Everyone reads the criteria; executives set them (retire one with is_active=false)."""

    serializer_class = SelectionCriterionSerializer
    permission_classes = [SetsCriteria]
    filterset_fields = ["is_active"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[SelectionCriterion]:
        return governance_selectors.selection_criteria(include_inactive=True)

    def perform_create(self, serializer: BaseSerializer[SelectionCriterion]) -> None:
        # A version names one the client edited: a new criterion has none to compare.
        serializer.instance = governance_services.selection_criterion_create(
            created_by=request_user(self.request), **without_version(serializer.validated_data)
        )

    def perform_update(self, serializer: BaseSerializer[SelectionCriterion]) -> None:
        criterion = instance_of(serializer, SelectionCriterion)
        serializer.instance = governance_services.selection_criterion_update(
            criterion=criterion,
            updated_by=request_user(self.request),
            version=self.edited_version(criterion),
            **without_version(serializer.validated_data),
        )


class CriterionScoreViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[CriterionScore],
):
    """Scores of the visible accounts; POST sets (creates or replaces) one account's score
    (with `version`, only the version replaced: a stale one answers 409, kam/versioning.py)."""

    schema_conflicts = {"create": ["409"]}

    serializer_class = CriterionScoreSerializer
    filterset_fields = ["account", "criterion"]
    ordering = ["account_id", "criterion__name"]

    def get_queryset(self) -> QuerySet[CriterionScore]:
        return CriterionScore.objects.filter(
            account__in=accounts_visible_to(self.request.user).values("pk")
        ).select_related("criterion", "scored_by")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = account_get_for_user(user=request.user, account_id=data["account_id"])
        criterion = governance_selectors.selection_criterion_get(criterion_id=data["criterion_id"])
        score = governance_services.criterion_score_set(
            account=account,
            criterion=criterion,
            score=data["score"],
            rationale=data.get("rationale", ""),
            scored_by=request_user(request),
            version=data.get("version"),
        )
        score = self.get_queryset().get(pk=score.pk)
        return Response(self.get_serializer(score).data, status=status.HTTP_201_CREATED)


class DesignationRequestFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = DesignationRequest
        fields = ["account", "status"]


class DesignationRequestViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[DesignationRequest],
):
    """The owner requests; an executive approves (the designation changes) or declines."""

    serializer_class = DesignationRequestSerializer
    filterset_class = DesignationRequestFilter
    ordering = ["-requested_at", "-id"]
    # A request decided already, or whose account's designation moved on (kam/schema.py).
    schema_conflicts = {"approve": ["409"], "decline": ["409"]}

    def get_queryset(self) -> QuerySet[DesignationRequest]:
        return governance_selectors.designation_requests_visible_to(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["pilot_count"] = governance_selectors.pilot_count()
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = account_get_for_user(user=request.user, account_id=data["account_id"])
        created = governance_services.designation_request_create(
            account=account,
            requested_by=request_user(request),
            to_designation=data["to_designation"],
            reason=data.get("reason", ""),
            exit_loss=data.get("exit_loss", ""),
        )
        created = self.get_queryset().get(pk=created.pk)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, approve: bool) -> Response:
        designation_request = self.get_object()
        serializer_class = (
            DesignationDecisionSerializer if approve else DesignationDeclineSerializer
        )
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Decided already, or the account's designation moved on since the request: the
        # request's state does not allow it (409).
        with state_conflicts_as_409("status", "designation"):
            governance_services.designation_request_decide(
                request=designation_request,
                decided_by=request_user(request),
                approve=approve,
                comment=serializer.validated_data["comment"],
            )
        decided = self.get_queryset().get(pk=designation_request.pk)
        return Response(self.get_serializer(decided).data)

    @extend_schema(request=DesignationDecisionSerializer, responses=DesignationRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(request=DesignationDeclineSerializer, responses=DesignationRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approve=False)


class ReviewMeetingViewSet(viewsets.ModelViewSet[ReviewMeeting]):
    """Executives log meetings; anyone reads those about accounts they can see."""

    serializer_class = ReviewMeetingSerializer
    permission_classes = [LogsReviewMeetings]
    filterset_fields = ["date"]
    ordering = ["-date", "-id"]

    def get_queryset(self) -> QuerySet[ReviewMeeting]:
        return governance_selectors.review_meetings_visible_to(self.request.user)

    def _accounts(self, accounts: list[Any]) -> list[Any]:
        """Re-read each through the gatekeeper: 404 for an account the user cannot see."""
        return [account_get_for_user(user=self.request.user, account_id=a.pk) for a in accounts]

    def perform_create(self, serializer: BaseSerializer[ReviewMeeting]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = governance_services.review_meeting_create(
            created_by=request_user(self.request),
            date=data["date"],
            title=data.get("title", ""),
            decisions=data.get("decisions", ""),
            attendees=data.get("attendees", []),
            accounts=self._accounts(data.get("accounts", [])),
        )

    def perform_update(self, serializer: BaseSerializer[ReviewMeeting]) -> None:
        meeting = instance_of(serializer, ReviewMeeting)
        data = dict(serializer.validated_data)
        serializer.instance = governance_services.review_meeting_update(
            meeting=meeting,
            updated_by=request_user(self.request),
            date=data.get("date", meeting.date),
            title=data.get("title", meeting.title),
            decisions=data.get("decisions", meeting.decisions),
            attendees=data.get("attendees", list(meeting.attendees.all())),
            accounts=self._accounts(data["accounts"])
            if "accounts" in data
            else list(meeting.accounts.all()),
        )

    def perform_destroy(self, instance: ReviewMeeting) -> None:
        governance_services.review_meeting_delete(
            meeting=instance, deleted_by=request_user(self.request)
        )


class AccountSelectionView(APIView):
    """`accounts/{id}/selection/`: the live attractiveness and the account's criteria scores."""

    @extend_schema(responses=SelectionSerializer)
    def get(self, request: Request, account_pk: int) -> Response:
        account = account_get_for_user(user=request.user, account_id=account_pk)
        return Response(
            SelectionSerializer(governance_selectors.account_selection(account=account)).data
        )


class QualifyingAnswersView(APIView):
    """`accounts/{id}/qualifying/`: the qualifying questions; the owner answers (PUT)."""

    @extend_schema(responses=QualifyingAnswersSerializer)
    def get(self, request: Request, account_pk: int) -> Response:
        account = account_get_for_user(user=request.user, account_id=account_pk)
        answers = governance_selectors.qualifying_answers_for(account=account)
        return Response(QualifyingAnswersSerializer(answers or QualifyingAnswers()).data)

    @extend_schema(request=QualifyingAnswersSerializer, responses=QualifyingAnswersSerializer)
    def put(self, request: Request, account_pk: int) -> Response:
        account = account_get_for_user(user=request.user, account_id=account_pk)
        serializer = QualifyingAnswersSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        answers = governance_services.qualifying_answers_set(
            account=account, updated_by=request_user(request), **serializer.validated_data
        )
        return Response(QualifyingAnswersSerializer(answers).data)
