"""The page "Is the churn score right?" for executives and ops (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from portfolio import charts
from portfolio.backtest.params import horizon_days_parse
from portfolio.backtest.rules import BACKTEST_REFUSED, can_read_backtest
from portfolio.backtest.selectors import auc_trend, run_backtest, succeeded_runs
from portfolio.charts import figure_json


def _run_choice(raw: str | None, runs: list[Any]) -> tuple[Any, str | None]:
    """The run asked for (`run`, an id), the latest by default; an unknown one is a 404."""
    if raw is None or raw == "":
        return runs[0], None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return runs[0], f"“{raw[:40]}” is not a run number."
    for run in runs:
        if run.pk == int(raw):
            return run, None
    raise Http404("No such successful analysis run.")


@login_required
def backtest_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_read_backtest(request.user), BACKTEST_REFUSED)
    runs = succeeded_runs()
    horizon, horizon_error = horizon_days_parse(request.GET.getlist("horizon_days"))
    context: dict[str, Any] = {"runs": runs, "horizon_days": horizon, "errors": []}
    if horizon_error:
        context["errors"].append(horizon_error)
    if not runs:
        return render(
            request, "portfolio/backtest.html", context, status=400 if context["errors"] else 200
        )
    if len(request.GET.getlist("run")) > 1:
        context["errors"].append("Choose one run.")
    run, run_error = _run_choice(request.GET.get("run"), runs)
    if run_error:
        context["errors"].append(run_error)
    today = timezone.localdate()
    found = run_backtest(run=run, horizon_days=horizon, today=today)
    trend = auc_trend(runs=runs, horizon_days=horizon, today=today)
    result = found.result
    context.update(
        run=run,
        found=found,
        result=result,
        trend=trend,
        stages=[row for row in result.by_stage if row.accounts],
        at_risk_score=f"{float(run.parameters.get('at_risk_score', 25)):g}",
    )
    if result.roc and result.auc is not None:
        context["roc_chart"] = figure_json(
            charts.churn_roc_figure(
                false_positive_rates=[p.false_positive_rate for p in result.roc],
                true_positive_rates=[p.true_positive_rate for p in result.roc],
                auc=result.auc,
            )
        )
    if len(trend) > 1:
        context["trend_chart"] = figure_json(
            charts.churn_auc_trend_figure(
                run_dates=[f"{point.as_of:%Y-%m-%d}" for point in trend],
                aucs=[point.auc for point in trend],
            )
        )
    return render(
        request, "portfolio/backtest.html", context, status=400 if context["errors"] else 200
    )
