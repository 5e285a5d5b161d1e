"""The selection-governance and steering-committee pages (key 3), in the `accounts`
namespace (accounts/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.governance import views

urlpatterns: list[URLPattern] = [
    path("<int:account_id>/selection/", views.account_selection, name="selection"),
    path(
        "<int:account_id>/selection/criteria/<int:criterion_id>/",
        views.criterion_score,
        name="criterion-score",
    ),
    path(
        "<int:account_id>/selection/qualifying/",
        views.qualifying_save,
        name="qualifying",
    ),
    path(
        "<int:account_id>/selection/designation/",
        views.designation_request_add,
        name="designation-request",
    ),
    path(
        "designation-requests/<int:request_id>/decide/",
        views.designation_decide,
        name="designation-decide",
    ),
    path("criteria/", views.criteria, name="criteria"),
    path("committee/", views.committee, name="committee"),
    path("committee/meetings/", views.meeting_list, name="meetings"),
    path("committee/meetings/new/", views.meeting_create, name="meeting-create"),
    path(
        "committee/meetings/<int:meeting_id>/",
        views.meeting_detail,
        name="meeting-detail",
    ),
]
