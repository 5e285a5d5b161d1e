"""The account plan pages (key 4), in the `accounts` namespace (accounts/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.plans import views

urlpatterns: list[URLPattern] = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/overdue/", views.overdue_actions, name="overdue-actions"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/approve/", views.plan_approve, name="plan-approve"),
    path("plans/<int:plan_id>/return/", views.plan_return, name="plan-return"),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/status/",
        views.plan_action_status,
        name="plan-action-status",
    ),
    path("<int:account_id>/plans/", views.account_plans, name="plans"),
    path("<int:account_id>/plans/new/", views.plan_create, name="plan-create"),
]
