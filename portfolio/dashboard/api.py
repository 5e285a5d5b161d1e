"""`GET /api/v1/dashboard/`: the portfolio dashboard's data as JSON (thin; same selector)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Designation
from kam.types import request_user
from portfolio.dashboard.filters import MAX_FILTER_LENGTH, dashboard_filters_parse
from portfolio.dashboard.selectors import Dashboard, dashboard_get
from portfolio.models import Segment


def _payload(dashboard: Dashboard) -> dict[str, Any]:
    totals = asdict(dashboard.totals)
    totals["net_margin"] = dashboard.totals.net_margin
    return {
        "run": {"id": dashboard.run.pk, "as_of": dashboard.run.as_of},
        "filters": dashboard.filters.as_query(),
        "totals": totals,
        "matrix": [asdict(row) for row in dashboard.matrix],
        "concentration": asdict(dashboard.concentration),
        "cost_pareto": [asdict(row) for row in dashboard.pareto],
        "value_creators": [asdict(row) for row in dashboard.creators],
        "value_drainers": [asdict(row) for row in dashboard.drainers],
        "lifetime_value_vs_replacement": [asdict(row) for row in dashboard.top_accounts],
        "churn_risk": [asdict(row) for row in dashboard.churn],
        "value_exchange": [asdict(row) for row in dashboard.value_exchange],
        "trend": [asdict(row) for row in dashboard.trend],
    }


def _filter_parameter(name: str, choices: list[str] | None = None) -> OpenApiParameter:
    """A filter as dashboard_filters_parse reads it: one of the choices (empty: no filter), or
    a text of at most MAX_FILTER_LENGTH characters; anything else answers 400."""
    schema: dict[str, Any] = (
        {"type": "string", "enum": ["", *choices]}
        if choices
        else {"type": "string", "maxLength": MAX_FILTER_LENGTH}
    )
    return OpenApiParameter(name, schema, description=f"Only accounts with this {name}.")


FILTER_PARAMETERS = [
    _filter_parameter("segment", list(Segment.values)),
    _filter_parameter("designation", list(Designation.values)),
    _filter_parameter("owner"),
    _filter_parameter("region"),
]


class DashboardView(APIView):
    """The latest successful run's dashboard over the accounts you may see. Filters:
    `segment`, `designation`, `owner` (username), `region`. An unknown segment or
    designation answers 400 with a message per filter; before any run, 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        parsed = dashboard_filters_parse(params=request.query_params)
        if parsed.errors:
            return Response(parsed.errors, status=400)
        dashboard = dashboard_get(user=request_user(request), filters=parsed.filters)
        if dashboard is None:
            return Response({"detail": _("There is no successful analysis run yet.")}, status=404)
        return Response(_payload(dashboard))
