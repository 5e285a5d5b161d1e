"""The account pages, and each feature's pages under the same `accounts` namespace (every
URL name and path as before: `accounts:plan-detail`, `/accounts/plans/<id>/`…)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts import views
from accounts.governance import urls as governance_urls
from accounts.people import urls as people_urls
from accounts.plans import urls as plan_urls
from accounts.voice import urls as voice_urls

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("new/", views.account_create, name="create"),
    path("<int:account_id>/", views.account_detail, name="detail"),
    path("<int:account_id>/edit/", views.account_edit, name="edit"),
    path("<int:account_id>/team/", views.account_team, name="team"),
    path(
        "<int:account_id>/team/<str:username>/remove/",
        views.account_team_remove,
        name="team-remove",
    ),
    path("<int:account_id>/knowledge/", views.knowledge_add, name="knowledge-add"),
    path(
        "<int:account_id>/knowledge/<int:entry_id>/remove/",
        views.knowledge_remove,
        name="knowledge-remove",
    ),
    path("<int:account_id>/locations/", views.location_add, name="location-add"),
    path(
        "<int:account_id>/locations/<int:location_id>/remove/",
        views.location_remove,
        name="location-remove",
    ),
    *plan_urls.urlpatterns,
    *voice_urls.urlpatterns,
    *governance_urls.urlpatterns,
    *people_urls.urlpatterns,
]
