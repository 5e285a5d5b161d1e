from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from relationships.api import (
    ContactInfluenceViewSet,
    ContactViewSet,
    CoverageGapsView,
    InteractionViewSet,
)

router = SimpleRouter()
router.register("contacts", ContactViewSet, basename="contact")
router.register("contact-influences", ContactInfluenceViewSet, basename="contact-influence")
router.register("interactions", InteractionViewSet, basename="interaction")

urlpatterns = [
    path(
        "accounts/<int:account_pk>/coverage-gaps/",
        CoverageGapsView.as_view(),
        name="account-coverage-gaps",
    ),
    *router.urls,
]
