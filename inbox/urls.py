from __future__ import annotations

from django.urls import URLPattern, path

from inbox import views

app_name = "inbox"

urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("plans/<int:plan_id>/decide/", views.plan_decide, name="plan-decide"),
    path(
        "designation-requests/<int:request_id>/decide/",
        views.designation_decide,
        name="designation-decide",
    ),
]
