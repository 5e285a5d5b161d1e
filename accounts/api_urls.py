from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import TeamMemberViewSet
from accounts.governance.api import (
    AccountSelectionView,
    CriterionScoreViewSet,
    DesignationRequestViewSet,
    QualifyingAnswersView,
    ReviewMeetingViewSet,
    SelectionCriterionViewSet,
)
from accounts.people.api import CompetencyAssessmentViewSet, ManagerLoadView, PayMixViewSet
from accounts.plans.api import AccountPlanViewSet
from accounts.voice.api import AccountEventViewSet, AssessmentViewSet, ComplaintViewSet

router = DefaultRouter()
router.register("plans", AccountPlanViewSet, basename="plan")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("events", AccountEventViewSet, basename="event")
router.register("criteria", SelectionCriterionViewSet, basename="criterion")
router.register("criterion-scores", CriterionScoreViewSet, basename="criterion-score")
router.register("designation-requests", DesignationRequestViewSet, basename="designation-request")
router.register("review-meetings", ReviewMeetingViewSet, basename="review-meeting")
router.register(
    "competency-assessments", CompetencyAssessmentViewSet, basename="competency-assessment"
)
router.register("pay-mix", PayMixViewSet, basename="pay-mix")

team_list = TeamMemberViewSet.as_view({"get": "list", "post": "create"})
team_detail = TeamMemberViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("manager-load/", ManagerLoadView.as_view(), name="manager-load"),
    path(
        "accounts/<int:account_pk>/selection/",
        AccountSelectionView.as_view(),
        name="account-selection",
    ),
    path(
        "accounts/<int:account_pk>/qualifying/",
        QualifyingAnswersView.as_view(),
        name="account-qualifying",
    ),
    path("accounts/<int:account_pk>/team/", team_list, name="account-team-list"),
    path(
        "accounts/<int:account_pk>/team/<str:username>/",
        team_detail,
        name="account-team-detail",
    ),
    *router.urls,
]
