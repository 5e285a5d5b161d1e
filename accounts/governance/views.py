"""Selection governance pages (an account's Selection tab, the criteria) and the steering
committee: its working page, designation decisions and the review-meeting log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.governance import selectors as governance_selectors
from accounts.governance import services as governance_services
from accounts.governance.forms import (
    CriterionForm,
    DecisionForm,
    DesignationRequestForm,
    MeetingForm,
    QualifyingForm,
    ScoreForm,
)
from accounts.governance.rules import (
    COMMITTEE_PAGES_REFUSED,
    CRITERIA_SET_REFUSED,
    DESIGNATION_REQUEST_REFUSED,
    QUALIFYING_REFUSED,
    SCORE_REFUSED,
    can_answer_qualifying,
    can_log_review_meeting,
    can_request_designation,
    can_score_account,
    can_see_committee,
    can_set_criteria,
)
from accounts.models import Account, Designation, RequestStatus
from accounts.plans import selectors as plan_selectors
from accounts.voice.selectors import voice_trends
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest


def _selection_context(
    request: AuthenticatedHttpRequest, account: Account, **forms: Any
) -> dict[str, Any]:
    user = request.user
    can_edit = can_answer_qualifying(user, account)
    answers = governance_selectors.qualifying_answers_for(account=account)
    requests = governance_selectors.designation_requests_visible_to(user).filter(account=account)
    pending = next((r for r in requests if r.status == RequestStatus.PENDING), None)
    return {
        "account": account,
        "tab": "selection",
        "selection": governance_selectors.account_selection(account=account),
        "can_score": can_score_account(user, account),
        "score_errors": forms.get("score_errors"),
        "can_edit": can_edit,
        "answers": answers,
        "qualifying_form": forms.get("qualifying_form") or QualifyingForm(instance=answers),
        "requests": requests,
        "pending": pending,
        "request_form": forms.get("request_form") or DesignationRequestForm(),
        "pilot_warning": governance_selectors.pilot_warning(
            adding=1 if pending and pending.to_designation == Designation.PILOT else 0
        ),
        "can_decide": can_see_committee(user),
        "meetings": governance_selectors.review_meetings_for_account(account=account),
    }


@login_required
def account_selection(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    return render(
        request, "accounts/governance/account_selection.html", _selection_context(request, account)
    )


def _selection_rejected(
    request: AuthenticatedHttpRequest, account: Account, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "accounts/governance/account_selection.html",
        _selection_context(request, account, **forms),
        status=400,
    )


@login_required
@require_POST
def criterion_score(
    request: AuthenticatedHttpRequest, account_id: int, criterion_id: int
) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_score_account(request.user, account), SCORE_REFUSED)  # before the form
    criterion = governance_selectors.selection_criterion_get(criterion_id=criterion_id)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return _selection_rejected(
            request,
            account,
            score_errors=(criterion.pk, [_("The score must be a whole number from 1 to 5.")]),
        )
    try:
        governance_services.criterion_score_set(
            account=account, criterion=criterion, scored_by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        return _selection_rejected(request, account, score_errors=(criterion.pk, error.messages))
    messages.success(request, _("%(criterion)s scored.") % {"criterion": criterion.name})
    return redirect("accounts:selection", account_id=account.pk)


@login_required
@require_POST
def qualifying_save(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_answer_qualifying(request.user, account), QUALIFYING_REFUSED)  # before the form
    form = QualifyingForm(request.POST)
    if form.is_valid():
        governance_services.qualifying_answers_set(
            account=account, updated_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Qualifying answers saved."))
        return redirect("accounts:selection", account_id=account.pk)
    return _selection_rejected(request, account, qualifying_form=form)


@login_required
@require_POST
def designation_request_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_request_designation(request.user, account), DESIGNATION_REQUEST_REFUSED)
    form = DesignationRequestForm(request.POST)
    if form.is_valid():
        try:
            created = governance_services.designation_request_create(
                account=account, requested_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(
                request, _("Designation change requested from the steering committee.")
            )
            if created.to_designation == Designation.PILOT:
                warning = governance_selectors.pilot_warning(adding=1)
                if warning:
                    messages.warning(request, warning)
            return redirect("accounts:selection", account_id=account.pk)
    return _selection_rejected(request, account, request_form=form)


@login_required
@require_POST
def designation_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    designation_request = governance_selectors.designation_request_get_for_user(
        user=request.user, request_id=request_id
    )
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        governance_services.designation_request_decide(
            request=designation_request,
            decided_by=request.user,
            approve=approve,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("Designation request for %(account)s approved.")
            if approve
            else _("Designation request for %(account)s declined.")
        )
        messages.success(request, message % {"account": designation_request.account.name})
    if request.POST.get("next") == "selection":
        return redirect("accounts:selection", account_id=designation_request.account_id)
    return redirect("accounts:committee")


@login_required
def criteria(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone reads the criteria; executives add and change them."""
    can_edit = can_set_criteria(request.user)
    form = CriterionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(can_edit, CRITERIA_SET_REFUSED)  # before the form
        criterion_id = request.POST.get("criterion_id")
        if form.is_valid():
            try:
                if criterion_id:
                    governance_services.selection_criterion_update(
                        criterion=governance_selectors.selection_criterion_get(
                            criterion_id=criterion_id
                        ),
                        updated_by=request.user,
                        **form.cleaned_data,
                    )
                else:
                    governance_services.selection_criterion_create(
                        created_by=request.user, **form.cleaned_data
                    )
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, _("Criterion saved."))
                return redirect("accounts:criteria")
        status = 400
    return render(
        request,
        "accounts/governance/criteria.html",
        {
            "criteria": governance_selectors.selection_criteria(include_inactive=True),
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


def _require_committee(request: AuthenticatedHttpRequest) -> None:
    require(can_see_committee(request.user), COMMITTEE_PAGES_REFUSED)


@login_required
def committee(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the committee works through in a meeting: plans to approve, designation
    requests to decide, and each key account's voice-of-customer trend."""
    _require_committee(request)
    trends = voice_trends(
        user=request.user,
        designations=[Designation.STRATEGIC, Designation.PILOT, Designation.CANDIDATE],
    )
    pending = list(governance_selectors.designation_requests_pending(user=request.user))
    pilots = governance_selectors.pilot_count()
    warnings = {
        r.pk: governance_selectors.pilot_warning_for(pilots + 1)
        for r in pending
        if r.to_designation == Designation.PILOT
    }
    return render(
        request,
        "accounts/governance/committee.html",
        {
            "plans": plan_selectors.plans_awaiting_approval(user=request.user),
            "pending": [(r, warnings.get(r.pk)) for r in pending],
            "pilots": pilots,
            "pilot_warning": governance_selectors.pilot_warning_for(pilots),
            "trends": trends,
            "meetings": governance_selectors.review_meetings_visible_to(request.user)[:5],
            "decision_form": DecisionForm(),
        },
    )


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/governance/meeting_list.html",
        {
            "meetings": governance_selectors.review_meetings_visible_to(request.user)[:200],
            "can_log": can_log_review_meeting(request.user),
        },
    )


@login_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_committee(request)
    form = MeetingForm(
        request.POST or None,
        accounts=selectors.accounts_visible_to(request.user).exclude(
            designation=Designation.TRANSACTIONAL
        ),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = governance_services.review_meeting_create(
                    created_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, _("Meeting logged."))
                return redirect("accounts:meeting-detail", meeting_id=meeting.pk)
        status = 400
    return render(request, "accounts/governance/meeting_form.html", {"form": form}, status=status)


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = governance_selectors.review_meeting_get_for_user(
        user=request.user, meeting_id=meeting_id
    )
    visible = set(
        selectors.accounts_visible_to(request.user)
        .filter(pk__in=[a.pk for a in meeting.accounts.all()])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "accounts/governance/meeting_detail.html",
        {"meeting": meeting, "visible_accounts": visible},
    )
