"""Pages of key 4 (support for account managers): the load page, a manager's competency
assessments, and the pay-mix check (executives only), with its CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.people import selectors as people_selectors
from accounts.people import services as people_services
from accounts.people.bands import (
    GUIDELINE_SALARY_MAX,
    GUIDELINE_SALARY_MIN,
    KEY_ACCOUNT_LIMIT,
    RELATIONSHIP_LIMIT,
    TARGET_SALARY_MAX,
    TARGET_SALARY_MIN,
)
from accounts.people.forms import CompetencyAssessmentForm, PayMixForm
from accounts.people.rules import (
    COMPETENCY_PAGE_REFUSED,
    LOAD_VIEW_REFUSED,
    PAY_VIEW_REFUSED,
    can_record_competency,
    can_view_every_load,
    can_view_load,
    can_view_pay,
)
from kam.forms import form_errors_apply
from kam.rules import require
from kam.spreadsheets import csv_row
from kam.types import AuthenticatedHttpRequest


@login_required
@require_GET
def manager_load(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Executives and ops see every account manager; a manager sees their own row."""
    require(can_view_load(request.user), LOAD_VIEW_REFUSED)
    rows = people_selectors.manager_load_rows(user=request.user)
    return render(
        request,
        "accounts/people/load.html",
        {
            "rows": rows,
            "sees_everyone": can_view_every_load(request.user),
            "can_assess": can_record_competency(request.user),
            "can_see_pay": can_view_pay(request.user),
            "key_account_limit": KEY_ACCOUNT_LIMIT,
            "relationship_limit": RELATIONSHIP_LIMIT,
            "overloaded": sum(1 for row in rows if row.is_overloaded),
        },
    )


def _competency_page(
    request: AuthenticatedHttpRequest,
    manager: Any,
    form: CompetencyAssessmentForm | None,
    status: int = 200,
) -> HttpResponse:
    assessments = people_selectors.competency_assessments_for(manager=manager)
    can_record = can_record_competency(request.user)
    return render(
        request,
        "accounts/people/competency.html",
        {
            "manager": manager,
            "assessments": assessments,
            "trend": people_selectors.competency_trend(assessments),
            "can_record": can_record,
            "form": form
            if form is not None
            else (CompetencyAssessmentForm() if can_record else None),
            "is_own": manager.pk == request.user.pk,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manager_competency(request: AuthenticatedHttpRequest, manager_id: int) -> HttpResponse:
    manager = people_selectors.competency_manager_get_for_user(
        user=request.user, manager_id=manager_id
    )
    if request.method == "GET":
        return _competency_page(request, manager, None)
    require(can_record_competency(request.user), COMPETENCY_PAGE_REFUSED)
    form = CompetencyAssessmentForm(request.POST)
    if not form.is_valid():
        return _competency_page(request, manager, form, status=400)
    try:
        people_services.competency_assessment_record(
            manager=manager,
            assessed_by=request.user,
            assessed_on=form.cleaned_data["assessed_on"],
            notes=form.cleaned_data["notes"],
            scores=form.scores(),
        )
    except ValidationError as error:
        form_errors_apply(form, error)
        return _competency_page(request, manager, form, status=400)
    messages.success(
        request,
        _("Assessment of %(manager)s recorded.") % {"manager": manager.get_full_name() or manager},
    )
    return redirect("accounts:manager-competency", manager_id=manager.pk)


def _require_pay_access(request: AuthenticatedHttpRequest) -> None:
    require(can_view_pay(request.user), PAY_VIEW_REFUSED)


def _pay_mix_page(
    request: AuthenticatedHttpRequest, form: PayMixForm, status: int = 200
) -> HttpResponse:
    rows = people_selectors.pay_mix_rows(as_of=timezone.localdate())
    return render(
        request,
        "accounts/people/pay_mix.html",
        {
            "rows": rows,
            "form": form,
            "flagged": sum(1 for row in rows if row.is_flagged),
            "guideline": (GUIDELINE_SALARY_MIN, GUIDELINE_SALARY_MAX),
            "target": (TARGET_SALARY_MIN, TARGET_SALARY_MAX),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay_mix(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_pay_access(request)
    if request.method == "GET":
        return _pay_mix_page(request, PayMixForm())
    form = PayMixForm(request.POST)
    if not form.is_valid():
        return _pay_mix_page(request, form, status=400)
    try:
        people_services.pay_mix_record(recorded_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        form_errors_apply(form, error)
        return _pay_mix_page(request, form, status=400)
    messages.success(
        request, _("Pay mix of %(manager)s recorded.") % {"manager": form.cleaned_data["manager"]}
    )
    return redirect("accounts:pay-mix")


@login_required
@require_GET
def pay_mix_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_pay_access(request)
    as_of = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pay-mix-{as_of.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(people_selectors.PAY_MIX_EXPORT_HEADER)
    writer.writerows(csv_row(row) for row in people_selectors.pay_mix_export_rows(as_of=as_of))
    return response
