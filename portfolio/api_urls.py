from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from portfolio.api import (
    AccountSnapshotView,
    AnalysisParametersView,
    AnalysisRunViewSet,
    AnalysisScheduleView,
    RunSnapshotViewSet,
)
from portfolio.dashboard.api import DashboardView

router = SimpleRouter()
router.register("analysis-runs", AnalysisRunViewSet, basename="analysis-run")

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path(
        "analysis-runs/<int:run_pk>/snapshots/",
        RunSnapshotViewSet.as_view({"get": "list"}),
        name="analysis-run-snapshots",
    ),
    path(
        "accounts/<int:account_pk>/snapshot/",
        AccountSnapshotView.as_view(),
        name="account-snapshot",
    ),
    path("analysis-parameters/", AnalysisParametersView.as_view(), name="analysis-parameters"),
    path("analysis-schedule/", AnalysisScheduleView.as_view(), name="analysis-schedule"),
    *router.urls,
]
