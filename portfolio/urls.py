from __future__ import annotations

from django.urls import path

from portfolio import account360_views, views

app_name = "portfolio"

urlpatterns = [
    path("ops/analysis/", views.ops_analysis, name="ops"),
    path("ops/analysis/run/", views.ops_run_now, name="ops-run"),
    path("ops/analysis/schedule/", views.ops_schedule, name="ops-schedule"),
    path("ops/analysis/parameters/", views.ops_parameters, name="ops-parameters"),
    path("accounts/<int:account_id>/analysis/", views.account_analysis, name="account-analysis"),
    path("accounts/<int:account_id>/360/", account360_views.account_360_page, name="account-360"),
]
