"""`GET /api/v1/dashboard/`: the portfolio dashboard's data as JSON (thin; same selector)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.types import request_user
from portfolio.dashboard.filters import dashboard_filters_parse
from portfolio.dashboard.selectors import Dashboard, dashboard_get


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


class DashboardView(APIView):
    """The latest successful run's dashboard over the accounts you may see. Filters:
    `segment`, `designation`, `owner` (username), `region`. An unknown segment or
    designation answers 400 with a message per filter; before any run, 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=f"Only accounts with this {name}.")
            for name in ("segment", "designation", "owner", "region")
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        parsed = dashboard_filters_parse(params=request.query_params)
        if parsed.errors:
            return Response(parsed.errors, status=400)
        dashboard = dashboard_get(user=request_user(request), filters=parsed.filters)
        if dashboard is None:
            return Response({"detail": "There is no successful analysis run yet."}, status=404)
        return Response(_payload(dashboard))
