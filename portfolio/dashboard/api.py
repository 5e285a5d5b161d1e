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
from portfolio.dashboard.selectors import (
    AccountRow,
    Dashboard,
    dashboard_get,
    dashboard_payload,
    dashboard_source,
)
from portfolio.models import Segment

# What each chart of accounts draws, beside the account's id and name (`?rows=full`: every
# figure of each account, as the dashboard's tables show them).
CHART_FIELDS: dict[str, tuple[str, ...]] = {
    "matrix": ("attractiveness", "margin", "revenue_ttm", "segment"),
    "value_creators": ("net_profit_ttm",),
    "value_drainers": ("net_profit_ttm",),
    "lifetime_value_vs_replacement": ("ltv", "replacement_cost"),
    "churn_risk": ("churn_score", "churn_stage", "at_risk", "signals"),
    "value_exchange": ("value_delivered_ttm", "value_received_ttm"),
}
ROWS = ("chart", "full")


def _rows(rows: list[AccountRow], chart: str, *, full: bool) -> list[dict[str, Any]]:
    if full:
        return [asdict(row) for row in rows]
    names = ("account_id", "name", *CHART_FIELDS[chart])
    return [{name: getattr(row, name) for name in names} for row in rows]


def _payload(dashboard: Dashboard, *, full: bool) -> dict[str, Any]:
    totals = asdict(dashboard.totals)
    totals["net_margin"] = dashboard.totals.net_margin
    charts = {
        "matrix": dashboard.matrix,
        "value_creators": dashboard.creators,
        "value_drainers": dashboard.drainers,
        "lifetime_value_vs_replacement": dashboard.top_accounts,
        "churn_risk": dashboard.churn,
        "value_exchange": dashboard.value_exchange,
    }
    rows = {chart: _rows(list(accounts), chart, full=full) for chart, accounts in charts.items()}
    return {
        "run": {"id": dashboard.run.pk, "as_of": dashboard.run.as_of},
        "filters": dashboard.filters.as_query(),
        "totals": totals,
        "matrix": rows["matrix"],
        "concentration": asdict(dashboard.concentration),
        "cost_pareto": [asdict(row) for row in dashboard.pareto],
        "value_creators": rows["value_creators"],
        "value_drainers": rows["value_drainers"],
        "lifetime_value_vs_replacement": rows["lifetime_value_vs_replacement"],
        "churn_risk": rows["churn_risk"],
        "value_exchange": rows["value_exchange"],
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
    OpenApiParameter(
        "rows",
        {"type": "string", "enum": list(ROWS)},
        description="chart (default): each chart's accounts with the figures it draws; "
        "full: every figure of each account.",
    ),
]


class DashboardView(APIView):
    """The latest successful run's dashboard over the accounts you may see. Filters:
    `segment`, `designation`, `owner` (username), `region`. An unknown segment or
    designation answers 400 with a message per filter; before any run, 404. Each chart's
    accounts carry the figures it draws (`rows=full`: all of them)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        parsed = dashboard_filters_parse(params=request.query_params)
        rows = request.query_params.getlist("rows") or ["chart"]
        if len(rows) > 1 or rows[0] not in ROWS:
            return Response({**parsed.errors, "rows": [_("Give chart or full, once.")]}, status=400)
        if parsed.errors:
            return Response(parsed.errors, status=400)
        user, full = request_user(request), rows[0] == "full"
        source = dashboard_source(user=user, filters=parsed.filters)

        def build() -> dict[str, Any] | None:
            dashboard = dashboard_get(user=user, filters=parsed.filters, source=source)
            return None if dashboard is None else _payload(dashboard, full=full)

        payload = dashboard_payload(source=source, variant=rows[0], build=build)
        if payload is None:
            return Response({"detail": _("There is no successful analysis run yet.")}, status=404)
        return Response(payload)
