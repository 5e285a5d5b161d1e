"""The inbox page: the user's notifications (newest first, by kind, unread), marking read,
the e-mail preferences, and for executives the decisions waiting for them, decided here
through the plans' and the committee's own services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.governance import selectors as governance_selectors
from accounts.governance import services as governance_services
from accounts.governance.rules import COMMITTEE_REFUSED, can_decide_designation
from accounts.plans import selectors as plan_selectors
from accounts.plans import services as plan_services
from accounts.plans.rules import PLAN_REVIEW_REFUSED, can_review_plan
from inbox.forms import DesignationDecisionForm, KindFilterForm, PlanDecisionForm, PreferencesForm
from inbox.selectors import waiting_for
from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from notifications.models import Kind, Notification
from notifications.selectors import notifications_of, preferences_of, unread_count
from notifications.services import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)

PAGE_SIZE = 30


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    """To the inbox with the filter the form was posted from."""
    kind = request.POST.get("kind", "")
    query = {"kind": kind} if kind in Kind.values else {}
    if request.POST.get("unread") == "on":
        query["unread"] = "on"
    return redirect("inbox:inbox" if not query else f"/inbox/?{urlencode(query)}")


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _inbox_page(request)


def _inbox_page(request: AuthenticatedHttpRequest, *, refused: int | None = None) -> HttpResponse:
    """The inbox; `refused` is the status of a decision posted from it that was not made (its
    reason is in the messages): the page again, not a redirect that hides the refusal."""
    form = KindFilterForm(request.GET or None)
    kind, unread = "", False
    if form.is_bound and form.is_valid():
        kind, unread = form.cleaned_data["kind"], form.cleaned_data["unread"]
    status = 200 if not form.is_bound or form.is_valid() else 400
    rows = notifications_of(user=request.user, kind=kind, unread=True if unread else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("kind", kind), ("unread", "on" if unread else "")) if v}
    return render(
        request,
        "inbox/inbox.html",
        {
            "page": page,
            "form": form,
            "kind": kind,
            "unread": unread,
            "querystring": urlencode(query),
            "unread_total": unread_count(user=request.user),
            "waiting": waiting_for(user=request.user),
        },
        status=refused or status,
    )


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as error:
        raise Http404(_("No such notification.")) from error
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    try:
        count = notifications_mark_all_read(
            user=request.user, kind=kind if kind in Kind.values else ""
        )
    except ValidationError as error:  # pragma: no cover - the kind is checked above
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked read.", "%(count)s notifications marked read.", count
            )
            % {"count": count},
        )
    return _back(request)


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None, initial_deliveries=preferences_of(user=request.user)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            notification_preferences_set(user=request.user, deliveries=dict(form.cleaned_data))
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("inbox:preferences")
        status = 400
    return render(
        request,
        "inbox/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=status,
    )


@login_required
@require_POST
def plan_decide(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Approve, or return with a comment, a plan from the inbox (the plans' services decide
    who may and when)."""
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    # who may is refused before the body is read (the services refuse as well)
    require(can_review_plan(request.user, plan), PLAN_REVIEW_REFUSED.format(verb=_("decide")))
    form = PlanDecisionForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, _("Not decided: %(problem)s") % {"problem": problem})
        return _inbox_page(request, refused=400)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            plan_services.account_plan_approve(
                plan=plan,
                approved_by=request.user,
                comment=data["comment"],
                version=data["version"],
            )
        else:
            plan_services.account_plan_return(
                plan=plan,
                returned_by=request.user,
                comment=data["comment"],
                version=data["version"],
            )
    except plan_services.PlanVersionConflictError as conflict:
        messages.error(request, conflict.message)
        return _inbox_page(request, refused=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _inbox_page(request, refused=400)
    done = (
        _("The %(period)s plan of %(account)s is approved.")
        if data["decision"] == "approve"
        else _("The %(period)s plan of %(account)s is returned to its owner.")
    )
    messages.success(request, done % {"period": plan.period, "account": plan.account.name})
    return redirect("inbox:inbox")


@login_required
@require_POST
def designation_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    designation_request = governance_selectors.designation_request_get_for_user(
        user=request.user, request_id=request_id
    )
    require(
        can_decide_designation(request.user, designation_request),
        COMMITTEE_REFUSED.format(what=_("decide designation changes")),
    )
    form = DesignationDecisionForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, _("Not decided: %(problem)s") % {"problem": problem})
        return _inbox_page(request, refused=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        governance_services.designation_request_decide(
            request=designation_request,
            decided_by=request.user,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _inbox_page(request, refused=400)
    done = (
        _("Designation request for %(account)s approved.")
        if approve
        else _("Designation request for %(account)s declined.")
    )
    messages.success(request, done % {"account": designation_request.account.name})
    return redirect("inbox:inbox")
