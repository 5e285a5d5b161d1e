from __future__ import annotations

from django.urls import path

from portfolio import views
from portfolio.account360 import views as account360_views
from portfolio.backtest import views as backtest_views
from portfolio.dashboard import views as dashboard_views
from portfolio.history import views as history_views

app_name = "portfolio"

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/churn-risk/", dashboard_views.dashboard_churn_page, name="dashboard-churn"),
    path("dashboard/churn-backtest/", backtest_views.backtest_page, name="churn-backtest"),
    path(
        "dashboard/churn-backtest/calibration/",
        backtest_views.calibration_view,
        name="churn-calibration",
    ),
    path(
        "dashboard/churn-backtest/calibration/adopt/",
        backtest_views.calibration_adopt,
        name="churn-calibration-adopt",
    ),
    path(
        "dashboard/<slug:key>/table/", dashboard_views.dashboard_table_page, name="dashboard-table"
    ),
    path(
        "dashboard/<slug:key>.<str:file_format>",
        dashboard_views.dashboard_export,
        name="dashboard-export",
    ),
    path("ops/analysis/", views.ops_analysis, name="ops"),
    path("ops/analysis/run/", views.ops_run_now, name="ops-run"),
    path("ops/analysis/schedule/", views.ops_schedule, name="ops-schedule"),
    path("ops/analysis/parameters/", views.ops_parameters, name="ops-parameters"),
    path("accounts/<int:account_id>/analysis/", views.account_analysis, name="account-analysis"),
    path("accounts/<int:account_id>/360/", account360_views.account_360_page, name="account-360"),
    path("accounts/<int:account_id>/history/", history_views.account_history, name="history"),
]
