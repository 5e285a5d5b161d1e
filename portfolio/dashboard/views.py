"""The portfolio dashboard page, its per-chart tables and downloads, and the full churn list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kam.types import AuthenticatedHttpRequest
from portfolio import charts
from portfolio.dashboard.exports import (
    TABLES,
    churn_table,
    dashboard_table,
    table_html,
    table_response,
)
from portfolio.dashboard.filters import dashboard_filters_parse
from portfolio.dashboard.selectors import (
    DASHBOARD_CACHE_SECONDS,
    Dashboard,
    dashboard_churn_risk_page,
    dashboard_get,
    dashboard_source,
)

FORMATS = ("csv", "xlsx")
INLINE_TABLES = ("pareto", "creators", "ltv", "value", "trend")


def _creators_note(dashboard: Dashboard) -> str:
    totals = dashboard.totals
    counts = {
        "creators_shown": len(dashboard.creators),
        "creators": totals.creators,
        "drainers_shown": len(dashboard.drainers),
        "drainers": totals.drainers,
    }
    if not totals.drainers:
        return (
            _(
                "Net profit TTM of the largest value creators (%(creators_shown)s of "
                "%(creators)s). No account drains value: none has a net profit below 0."
            )
            % counts
        )
    return (
        _(
            "Net profit TTM of the largest value creators (%(creators_shown)s of %(creators)s) "
            "and of the value drainers, whose net profit is below 0 (%(drainers_shown)s of "
            "%(drainers)s)."
        )
        % counts
    )


def dashboard_figures(dashboard: Dashboard) -> dict[str, Any]:
    """Each chart's figure as plain JSON-ready data, keyed like the tables."""
    run_parameters = dashboard.run.parameters or {}
    figures = {
        "matrix": charts.portfolio_matrix_figure(
            points=[
                charts.MatrixPoint(
                    name=row.label,
                    attractiveness=float(row.attractiveness),
                    margin=float(row.margin),
                    revenue=float(row.revenue_ttm),
                    segment=row.segment,
                    churn_stage=row.churn_stage,
                    churn_score=row.churn_score,
                    at_risk=row.at_risk,
                )
                for row in dashboard.matrix
            ],
            attractiveness_threshold=float(run_parameters.get("attractiveness_threshold", 60)),
            margin_target=float(run_parameters.get("margin_target", 0.1)),
        ),
        "concentration": charts.lorenz_figure(
            account_shares=[point.account_share for point in dashboard.concentration.points],
            revenue_shares=[point.revenue_share for point in dashboard.concentration.points],
            top_share=dashboard.concentration.top_share,
            rest_account_share=_rest_share(dashboard),
        ),
        "pareto": charts.cost_pareto_figure(
            bars=[
                charts.ParetoBar(
                    label=row.name,
                    cost=row.cost,
                    cumulative_share=row.cumulative_share,
                    is_vital_few=row.is_vital_few,
                )
                for row in dashboard.pareto
            ]
        ),
        "creators": charts.creators_drainers_figure(
            creators=[
                charts.AccountAmount(row.label, float(row.net_profit_ttm))
                for row in dashboard.creators
            ],
            drainers=[
                charts.AccountAmount(row.label, float(row.net_profit_ttm))
                for row in dashboard.drainers
            ],
        ),
        "ltv": charts.ltv_replacement_figure(
            rows=[
                charts.AccountPair(row.label, float(row.ltv), float(row.replacement_cost))
                for row in dashboard.top_accounts
            ]
        ),
        "value": charts.value_exchange_figure(
            rows=[
                charts.AccountPair(
                    row.label, float(row.value_delivered_ttm), float(row.value_received_ttm)
                )
                for row in dashboard.value_exchange
            ]
        ),
        "trend": charts.portfolio_trend_figure(
            points=[
                charts.TrendPoint(
                    label=row.as_of.isoformat(),
                    totals={name: float(value) for name, value in row.totals.items()},
                )
                for row in dashboard.trend
            ]
        ),
    }
    return {key: charts.figure_json(figure) for key, figure in figures.items()}


def dashboard_notes(dashboard: Dashboard) -> dict[str, str]:
    """What each chart shows, in words, including how much of the portfolio it holds."""
    totals = dashboard.totals
    shown = len(dashboard.matrix)
    concentration = dashboard.concentration
    churn = {
        "count": totals.at_risk,
        "accounts": totals.accounts,
        "score": dashboard.run.at_risk_score_used,
        "shown": len(dashboard.churn),
    }
    return {
        "matrix": _(
            "%(shown)s of %(accounts)s accounts shown (largest revenue first). "
            "Bubble size is revenue TTM, colour the segment; ringed accounts are at churn "
            "risk (stage and score in the hover). The five largest and the three riskiest "
            "are named; hover any bubble for its name. Dashed lines: the attractiveness "
            "threshold and the margin target."
        )
        % {"shown": shown, "accounts": totals.accounts},
        "concentration": (
            _(
                "The top 20 %% of accounts (%(top)s of %(accounts)s) bring %(share)s %% of "
                "revenue TTM."
            )
            % {
                "top": concentration.top_accounts,
                "accounts": totals.accounts,
                "share": f"{concentration.top_share * 100:.0f}",
            }
            if concentration.top_share is not None
            else _(
                "The top 20 %% of accounts (%(top)s of %(accounts)s) bring no revenue: "
                "revenue TTM totals 0."
            )
            % {"top": concentration.top_accounts, "accounts": totals.accounts}
        ),
        "pareto": _(
            "%(vital)s of %(types)s activity types (darker bars), the vital few, reach 80 %% "
            "of the cost to serve."
        )
        % {
            "vital": sum(row.is_vital_few for row in dashboard.pareto),
            "types": len(dashboard.pareto),
        },
        "creators": _creators_note(dashboard),
        "ltv": ngettext(
            "The %(count)s largest account by revenue TTM: what each is worth over the "
            "horizon against the cost of winning enough small accounts to replace it.",
            "The %(count)s largest accounts by revenue TTM: what each is worth over the "
            "horizon against the cost of winning enough small accounts to replace it.",
            len(dashboard.top_accounts),
        )
        % {"count": len(dashboard.top_accounts)},
        "value": ngettext(
            "The %(count)s account with the most value exchanged in the trailing twelve "
            "months, from the value ledger.",
            "The %(count)s accounts with the most value exchanged in the trailing twelve "
            "months, from the value ledger.",
            len(dashboard.value_exchange),
        )
        % {"count": len(dashboard.value_exchange)},
        "churn": (
            ngettext(
                "%(count)s account of %(accounts)s at churn risk (score %(score)s or more), "
                "largest revenue at risk first; the first %(shown)s shown.",
                "%(count)s accounts of %(accounts)s at churn risk (score %(score)s or more), "
                "largest revenue at risk first; the first %(shown)s shown.",
                totals.at_risk,
            )
            if len(dashboard.churn) < totals.at_risk
            else ngettext(
                "%(count)s account of %(accounts)s at churn risk (score %(score)s or more), "
                "largest revenue at risk first.",
                "%(count)s accounts of %(accounts)s at churn risk (score %(score)s or more), "
                "largest revenue at risk first.",
                totals.at_risk,
            )
        )
        % churn,
        "trend": ngettext(
            "The last %(count)s successful run over the same accounts and filters (segment "
            "as each run assessed it).",
            "The last %(count)s successful runs over the same accounts and filters (segment "
            "as each run assessed it).",
            len(dashboard.trend),
        )
        % {"count": len(dashboard.trend)},
    }


def _rest_share(dashboard: Dashboard) -> float:
    """Where the top 20 % of accounts begin on the Lorenz curve's x axis."""
    count = dashboard.totals.accounts
    return (count - dashboard.concentration.top_accounts) / count if count else 0.8


def _page_parts(dashboard: Dashboard) -> dict[str, Any]:
    """Figures, tables and notes of the page: a function of the dashboard alone."""
    return {
        "figures": dashboard_figures(dashboard),
        "tables": {
            name: table_html(
                table=dashboard_table(dashboard=dashboard, key=name), table_id=f"{name}-table"
            )
            for name in (*INLINE_TABLES, "churn")
        },
        "notes": dashboard_notes(dashboard),
    }


@login_required
def dashboard_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard. For readers of every account (executives, ops) the page body depends
    only on the run, the filters and the accounts, so it is kept in the cache with the
    dashboard it was drawn from (same key): a repeat visit is the source's queries and one
    cache read. An account manager's page is drawn afresh each time."""
    parsed = dashboard_filters_parse(params=request.GET)
    source = dashboard_source(user=request.user, filters=parsed.filters)
    # Pages with a filter message are drawn afresh: the message belongs to the request.
    # The body is in the reader's language: one cached body per language.
    body_key = (
        f"{source.cache_key}:body:{get_language()}"
        if source.cache_key and not parsed.errors
        else None
    )
    body: str | None = cache.get(body_key) if body_key else None
    context: dict[str, Any] = {}
    if body is None:
        dashboard = dashboard_get(user=request.user, filters=parsed.filters, source=source)
        context = {
            "dashboard": dashboard,
            "filters": parsed.filters,
            "filter_errors": parsed.errors,
            "query": _query(parsed.filters.as_query()),
        }
        if dashboard is not None:
            context.update(_page_parts(dashboard))
        body = render_to_string("portfolio/dashboard/body.html", context, request=request)
        if body_key:
            cache.set(body_key, body, timeout=DASHBOARD_CACHE_SECONDS)
    context["body"] = body
    return render(request, "portfolio/dashboard.html", context)


def _query(values: dict[str, str]) -> str:
    return urlencode(values)


@login_required
def dashboard_table_page(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """One chart's table as its own page (the matrix and the Lorenz curve are too long to
    sit on the dashboard)."""
    if key not in TABLES:
        raise Http404(_("No such chart."))
    parsed = dashboard_filters_parse(params=request.GET)
    dashboard = dashboard_get(user=request.user, filters=parsed.filters)
    table = dashboard_table(dashboard=dashboard, key=key) if dashboard is not None else None
    html = table_html(table=table, table_id=f"{key}-table") if table is not None else ""
    return render(
        request,
        "portfolio/dashboard/table.html",
        {
            "dashboard": dashboard,
            "table": table,
            "table_html": html,
            "key": key,
            "filter_errors": parsed.errors,
            "query": _query(parsed.filters.as_query()),
        },
    )


@login_required
def dashboard_export(
    request: AuthenticatedHttpRequest, key: str, file_format: str
) -> HttpResponseBase:
    if key not in TABLES or file_format not in FORMATS:
        raise Http404(_("No such download."))
    parsed = dashboard_filters_parse(params=request.GET)
    dashboard = dashboard_get(user=request.user, filters=parsed.filters)
    if dashboard is None:
        raise Http404(_("There is no successful analysis run yet."))
    table = dashboard_table(dashboard=dashboard, key=key)
    stamp = dashboard.run.as_of.isoformat()
    return table_response(table=table, file_format=file_format, stamp=stamp)


@login_required
def dashboard_churn_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every visible account at churn risk, largest revenue at risk first, 50 a page."""
    parsed = dashboard_filters_parse(params=request.GET)
    churn = dashboard_churn_risk_page(
        user=request.user, filters=parsed.filters, page_number=request.GET.get("page")
    )
    return render(
        request,
        "portfolio/dashboard/churn.html",
        {
            "run": churn.run,
            "at_risk_score": churn.run.at_risk_score_used if churn.run else "",
            "page": churn.page,
            "table_html": table_html(table=churn_table(churn.rows), table_id="churn-table"),
            "filter_errors": parsed.errors,
            "query": _query(parsed.filters.as_query()),
        },
    )
