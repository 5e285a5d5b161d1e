from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import AccountViewSet, TeamMemberViewSet

router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")

team_list = TeamMemberViewSet.as_view({"get": "list", "post": "create"})
team_detail = TeamMemberViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("accounts/<int:account_pk>/team/", team_list, name="account-team-list"),
    path(
        "accounts/<int:account_pk>/team/<str:username>/",
        team_detail,
        name="account-team-detail",
    ),
    *router.urls,
]
