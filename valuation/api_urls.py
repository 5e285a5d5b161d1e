from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from valuation.api import (
    ActivityRateViewSet,
    ActivityTypeViewSet,
    ForecastViewSet,
    RevenueRecordViewSet,
    ServiceActivityViewSet,
    ValueEntryViewSet,
)

router = SimpleRouter()
router.register("revenue", RevenueRecordViewSet, basename="revenue")
router.register("forecasts", ForecastViewSet, basename="forecast")
router.register("activity-types", ActivityTypeViewSet, basename="activity-type")
router.register("activity-rates", ActivityRateViewSet, basename="activity-rate")
router.register("activities", ServiceActivityViewSet, basename="activity")
router.register("value-entries", ValueEntryViewSet, basename="value-entry")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
