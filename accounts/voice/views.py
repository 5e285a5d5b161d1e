"""The account's voice-of-the-customer tab: assessment trend, complaints with the
recurring-problem flag, and account events; forms post back to the same page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.models import Account
from accounts.voice import selectors as voice_selectors
from accounts.voice import services as voice_services
from accounts.voice.forms import (
    AssessmentForm,
    ComplaintForm,
    EventForm,
    ResolveForm,
    dimension_formset,
    dimension_items,
)
from accounts.voice.rules import (
    ASSESSMENT_REFUSED,
    COMPLAINT_CHANGE_REFUSED,
    COMPLAINT_RECORD_REFUSED,
    EVENT_RECORD_REFUSED,
    can_change_complaint,
    can_record_assessment,
    can_record_complaint,
    can_record_event,
)
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest


def _context(request: AuthenticatedHttpRequest, account: Account, **forms: Any) -> dict[str, Any]:
    as_of = timezone.localdate()
    trend = voice_selectors.assessment_trend(account=account)
    return {
        "account": account,
        "tab": "voice",
        "as_of": as_of,
        "trend": trend,
        "latest": trend[-1] if trend else None,
        "recurring": voice_selectors.complaint_recurring_problems(account=account, as_of=as_of),
        "complaints": account.complaints.select_related("created_by").order_by("-opened_on", "-id")[
            :100
        ],
        "events": account.events.select_related("created_by").order_by("-date", "-id")[:100],
        "can_assess": can_record_assessment(request.user, account),
        "can_contribute": can_record_complaint(request.user, account),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(),
        "dimensions": forms.get("dimensions") or dimension_formset(),
        "complaint_form": forms.get("complaint_form") or ComplaintForm(),
        "event_form": forms.get("event_form") or EventForm(),
        "resolve_errors": forms.get("resolve_errors"),
    }


@login_required
def account_voice(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    return render(request, "accounts/voice/account_voice.html", _context(request, account))


def _rejected(request: AuthenticatedHttpRequest, account: Account, **forms: Any) -> HttpResponse:
    return render(
        request,
        "accounts/voice/account_voice.html",
        _context(request, account, **forms),
        status=400,
    )


@login_required
@require_POST
def assessment_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_record_assessment(request.user, account), ASSESSMENT_REFUSED)  # before the form
    form = AssessmentForm(request.POST)
    dimensions = dimension_formset(request.POST)
    if form.is_valid() and dimensions.is_valid():
        try:
            voice_services.assessment_create(
                account=account,
                created_by=request.user,
                dimensions=dimension_items(dimensions),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Assessment recorded."))
            return redirect("accounts:voice", account_id=account.pk)
    return _rejected(request, account, assessment_form=form, dimensions=dimensions)


@login_required
@require_POST
def complaint_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_record_complaint(request.user, account), COMPLAINT_RECORD_REFUSED)
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            voice_services.complaint_create(
                account=account, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Complaint logged."))
            return redirect("accounts:voice", account_id=account.pk)
    return _rejected(request, account, complaint_form=form)


@login_required
@require_POST
def complaint_resolve(
    request: AuthenticatedHttpRequest, account_id: int, complaint_id: int
) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    complaint = get_object_or_404(account.complaints.all(), pk=complaint_id)
    require(can_change_complaint(request.user, complaint), COMPLAINT_CHANGE_REFUSED)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            voice_services.complaint_update(
                complaint=complaint,
                updated_by=request.user,
                resolved_on=form.cleaned_data["resolved_on"],
            )
        except ValidationError as error:
            return _rejected(request, account, resolve_errors=(complaint.pk, error.messages))
        messages.success(request, _("Complaint marked resolved."))
        return redirect("accounts:voice", account_id=account.pk)
    return _rejected(
        request, account, resolve_errors=(complaint.pk, [_("Give the date it was resolved.")])
    )


@login_required
@require_POST
def event_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_record_event(request.user, account), EVENT_RECORD_REFUSED)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            voice_services.account_event_create(
                account=account, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("accounts:voice", account_id=account.pk)
    return _rejected(request, account, event_form=form)
