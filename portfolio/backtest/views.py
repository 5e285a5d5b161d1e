"""The page "Is the churn score right?" for executives and ops (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from kam.versioning import VersionConflictError
from portfolio import charts, services
from portfolio.backtest.calibration import calibration_page, proposal_values
from portfolio.backtest.params import horizon_days_parse
from portfolio.backtest.rules import (
    ADOPT_REFUSED,
    BACKTEST_REFUSED,
    can_adopt_calibration,
    can_read_backtest,
)
from portfolio.backtest.selectors import auc_trend, run_backtest, succeeded_runs
from portfolio.charts import figure_json
from portfolio.models import AnalysisParameters
from portfolio.services import PARAMETER_FIELDS


def _run_choice(raw: str | None, runs: list[Any]) -> tuple[Any, str | None]:
    """The run asked for (`run`, an id), the latest by default; an unknown one is a 404."""
    if raw is None or raw == "":
        return runs[0], None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return runs[0], _("“%(run)s” is not a run number.") % {"run": raw[:40]}
    for run in runs:
        if run.pk == int(raw):
            return run, None
    raise Http404(_("No such successful analysis run."))


@login_required
def backtest_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_read_backtest(request.user), _(BACKTEST_REFUSED))
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
        context["errors"].append(_("Choose one run."))
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
        at_risk_score=run.at_risk_score_used,
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


@login_required
def calibration_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The calibration proposed from the runs with a known outcome, beside today's figures;
    ops adopt it (a recorded parameter change), executives read it."""
    require(can_read_backtest(request.user), _(BACKTEST_REFUSED))
    horizon, horizon_error = horizon_days_parse(request.GET.getlist("horizon_days"))
    page = calibration_page(horizon_days=horizon, today=timezone.localdate())
    return render(
        request,
        "portfolio/calibration.html",
        {
            "page": page,
            "calibration": page.calibration,
            "horizon_days": horizon,
            "errors": [horizon_error] if horizon_error else [],
            "proposal": proposal_values(page.calibration),
            "can_adopt": can_adopt_calibration(request.user),
            "labels": {name: name.replace("_", " ") for name in PARAMETER_FIELDS},
        },
        status=400 if horizon_error else 200,
    )


@login_required
@require_POST
def calibration_adopt(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ops adopt the proposal: the parameters posted (those the proposal changes) are saved
    through the parameter service, validated and recorded like any change."""
    require(can_adopt_calibration(request.user), _(ADOPT_REFUSED))
    values: dict[str, Any] = {}
    errors: list[str] = []
    for name in request.POST:
        if name in ("csrfmiddlewaretoken", "version"):
            continue
        if name not in PARAMETER_FIELDS:
            errors.append(_("“%(name)s” is not an analysis parameter.") % {"name": name[:40]})
            continue
        field = AnalysisParameters._meta.get_field(name)
        if not isinstance(field, Field):
            continue
        try:
            values[name] = field.to_python(request.POST[name])
        except ValidationError:
            errors.append(
                _("%(name)s: “%(value)s” is not a number.")
                % {"name": name, "value": request.POST[name][:40]}
            )
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else None
    if version is None:
        errors.append(_("The proposal's parameter version is missing; open the calibration again."))
    if not values and not errors:
        errors.append(_("The proposal changes nothing."))
    if not errors:
        try:
            services.analysis_parameters_update(changed_by=request.user, version=version, **values)
        except VersionConflictError:
            messages.error(
                request,
                _(
                    "The analysis parameters changed since this proposal was computed; "
                    "here it is again, computed on today's parameters."
                ),
            )
            return redirect("portfolio:churn-calibration")
        except ValidationError as error:
            errors += [f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()]
        else:
            messages.success(
                request,
                _(
                    "Calibration adopted: the analysis parameters changed (recorded); the next "
                    "run scores with them."
                ),
            )
            return redirect("portfolio:ops")
    return render(request, "portfolio/calibration_refused.html", {"errors": errors}, status=400)
