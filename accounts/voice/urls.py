"""The voice-of-the-customer pages (key 2), in the `accounts` namespace (accounts/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.voice import views

urlpatterns: list[URLPattern] = [
    path("<int:account_id>/voice/", views.account_voice, name="voice"),
    path("<int:account_id>/voice/assessments/", views.assessment_add, name="assessment-add"),
    path("<int:account_id>/voice/complaints/", views.complaint_add, name="complaint-add"),
    path(
        "<int:account_id>/voice/complaints/<int:complaint_id>/resolve/",
        views.complaint_resolve,
        name="complaint-resolve",
    ),
    path("<int:account_id>/voice/events/", views.event_add, name="event-add"),
]
