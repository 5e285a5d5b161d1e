"""The ops page (runs, run now, schedule, parameters) and an account's analysis tab."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import account_get_for_user
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from kam.versioning import (
    PageConflict,
    VersionConflictError,
    page_conflict,
    page_conflict_errors,
    version_snapshot,
)
from portfolio import rules, schedule_words, schedules, selectors, services
from portfolio.account360.selectors import signal_lines
from portfolio.forms import ParametersForm, RunNowForm, ScheduleForm
from portfolio.models import AnalysisParameters, AnalysisRun


def _ops_page_allowed(request: AuthenticatedHttpRequest) -> None:
    """The ops page is shown to those portfolio.rules lets use it (403 for anybody else,
    before any form is read); each service enforces its own rule again."""
    require(rules.can_use_ops_page(request.user), _(rules.OPS_PAGE_REFUSED))


def _ops_context(request: AuthenticatedHttpRequest, **forms: object) -> dict[str, Any]:
    schedule = schedules.nightly_schedule_get()
    simple = schedule_words.simple_schedule(schedule.minute, schedule.hour, schedule.day_of_week)
    parameters = services.analysis_parameters_get()
    page = Paginator(selectors.analysis_run_list(), 20).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "run_form": RunNowForm(),
        "schedule_form": ScheduleForm.for_schedule(simple, enabled=schedule.enabled),
        "schedule": schedule,
        "schedule_words": schedule_words.in_words(
            schedule.minute, schedule.hour, schedule.day_of_week, gettext=_
        ),
        "schedule_is_simple": simple is not None,
        "next_run": (
            schedule_words.next_run(simple, timezone.now().astimezone(UTC))
            if simple is not None and schedule.enabled
            else None
        ),
        "parameters_form": ParametersForm(instance=parameters),
        "parameter_history": parameters.history.select_related("history_user")[:10],
        "has_active_run": any(run.status in ("queued", "running") for run in page),
        # Each form is shown to those the service it posts to lets write (portfolio.rules).
        "may_run": rules.can_run_analysis(request.user),
        "may_edit_schedule": rules.can_edit_schedule(request.user),
        "may_edit_parameters": rules.can_edit_parameters(request.user),
    }
    context.update(forms)
    return context


def _tell_run(request: AuthenticatedHttpRequest, run: AnalysisRun) -> None:
    """What became of the run just queued, in a sentence (in-process runs are done already)."""
    named = {"run": run.pk, "as_of": date_format(run.as_of)}
    if run.status == AnalysisRun.Status.SUCCEEDED:
        messages.success(
            request,
            _("Run %(run)s as of %(as_of)s succeeded: %(accounts)s accounts analysed.")
            % {**named, "accounts": run.accounts_analysed},
        )
    elif run.status == AnalysisRun.Status.FAILED:
        messages.error(
            request,
            _("Run %(run)s as of %(as_of)s failed: %(error)s")
            % {**named, "error": run.error_display},
        )
    elif run.status == AnalysisRun.Status.RUNNING:
        messages.success(
            request,
            _("Run %(run)s as of %(as_of)s is running; this page follows its progress.") % named,
        )
    else:
        messages.success(
            request,
            _("Run %(run)s as of %(as_of)s is queued; a worker will start it shortly.") % named,
        )


@login_required
def ops_analysis(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ops_page_allowed(request)
    return render(request, "portfolio/ops_analysis.html", _ops_context(request))


@login_required
@require_POST
def ops_run_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ops_page_allowed(request)
    form = RunNowForm(request.POST)
    if form.is_valid():
        try:
            run = services.analysis_run_queue(
                as_of=form.cleaned_data["as_of"],
                requested_by=request.user,
                trigger=AnalysisRun.Trigger.PAGE,
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            if run.progress_message == services.QUEUE_UNREACHABLE:
                messages.warning(
                    request,
                    _("Run %(run)s is saved. %(message)s")
                    % {"run": run.pk, "message": run.progress_message_display},
                )
            else:
                _tell_run(request, run)
            return redirect("portfolio:ops")
    return render(
        request, "portfolio/ops_analysis.html", _ops_context(request, run_form=form), status=400
    )


@login_required
@require_POST
def ops_schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ops_page_allowed(request)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedules.nightly_schedule_update(changed_by=request.user, **form.cron())
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Nightly schedule saved."))
            return redirect("portfolio:ops")
    return render(
        request,
        "portfolio/ops_analysis.html",
        _ops_context(request, schedule_form=form),
        status=400,
    )


def _parameter_values(parameters: Model) -> dict[str, Any]:
    return {name: getattr(parameters, name) for name in ParametersForm.Meta.fields}


@login_required
@require_POST
def ops_parameters(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ops_page_allowed(request)
    form = ParametersForm(request.POST, instance=AnalysisParameters(pk=1))
    conflict: PageConflict | None = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.analysis_parameters_update(changed_by=request.user, version=version, **data)
        except VersionConflictError as error:
            # As the plan page: the user's input kept, what only another changed taken.
            before = version_snapshot(
                model=AnalysisParameters, pk=error.current.pk, version=error.sent_version
            )
            conflict = page_conflict(
                conflict=error,
                form=form,
                current=_parameter_values(error.current),
                before=None if before is None else _parameter_values(before),
            )
            form = ParametersForm(conflict.data, instance=error.current)
            page_conflict_errors(form, conflict)
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Analysis parameters saved; the next run uses them."))
            return redirect("portfolio:ops")
    return render(
        request,
        "portfolio/ops_analysis.html",
        _ops_context(request, parameters_form=form, conflict=conflict),
        status=409 if conflict else 400,
    )


@login_required
def account_analysis(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    history = selectors.snapshot_history_for_account(account=account)
    latest = history.latest if history else None
    return render(
        request,
        "portfolio/account_analysis.html",
        {
            "account": account,
            "history": history,
            "signal_lines": signal_lines(latest.signals if latest else []),
            "tab": "analysis",
        },
    )
