"""Plan pages: an account's plans, a plan with its workflow, the edit form with the
optimistic lock, the history with field-level diffs, and overdue actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.models import AccountPlan, ActionStatus, PlanStatus
from accounts.plans import selectors as plan_selectors
from accounts.plans import services as plan_services
from accounts.plans.forms import (
    ActionFormSet,
    ActionStatusForm,
    ApproveForm,
    ObjectiveFormSet,
    PlanForm,
    ReturnForm,
    formset_items,
)
from accounts.plans.merge import StaleMerge
from accounts.plans.rules import (
    PLAN_EDIT_REFUSED,
    PLAN_WRITE_REFUSED,
    can_edit_plan,
    can_review_plan,
    can_submit_plan,
    can_write_plans,
    is_own_plan,
)
from accounts.plans.services import PlanVersionConflictError
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest

PLAN_FIELDS = (
    "period",
    "period_start",
    "period_end",
    "vision",
    "value_proposition",
    "situation",
    "strategy",
    "expansion",
)


def _today() -> date:
    return timezone.localdate()


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every plan the user can read, filtered by status."""
    plans = plan_selectors.plans_visible_to(request.user).prefetch_related(None)
    status = request.GET.get("status", "")
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    page = Paginator(plans.order_by("-period_start", "account__name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/plans/plan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PlanStatus.choices,
            "querystring": f"status={status}" if status else "",
        },
    )


@login_required
def account_plans(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    return render(
        request,
        "accounts/plans/account_plans.html",
        {
            "account": account,
            "plans": plan_selectors.account_plans_for_account(account=account),
            "can_edit": can_write_plans(request.user, account),
            "overdue": plan_selectors.plan_actions_overdue(
                user=request.user, as_of=_today()
            ).filter(plan__account=account),
            "tab": "plans",
        },
    )


def _forms(data: Any = None, plan: AccountPlan | None = None) -> tuple[PlanForm, Any, Any]:
    if plan is None or data is not None:
        # A bound formset must not get `initial`: a row equal to its initial values would
        # count as unchanged and be dropped as an empty extra form.
        return (
            PlanForm(data),
            ObjectiveFormSet(data, prefix="objectives"),
            ActionFormSet(data, prefix="actions"),
        )
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    initial["version"] = plan.version
    objectives = [
        {"id": o.pk, "metric": o.metric, "target": o.target, "current": o.current}
        for o in plan.objectives.all()
    ]
    actions = [
        {"id": a.pk, "title": a.title, "owner": a.owner, "due": a.due, "status": a.status}
        for a in plan.actions.all()
    ]
    objective_rows = ObjectiveFormSet(data, prefix="objectives", initial=objectives)
    action_rows = ActionFormSet(data, prefix="actions", initial=actions)
    # Rows already there: no blank one below them (the Add buttons give one when needed).
    objective_rows.extra = 0 if objectives else 1
    action_rows.extra = 0 if actions else 1
    return PlanForm(data, initial=initial), objective_rows, action_rows


@login_required
def plan_create(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_write_plans(request.user, account), PLAN_WRITE_REFUSED)  # no form for others
    form, objectives, actions = _forms(request.POST or None)
    if request.method != "POST":
        year = _today().year + 1 if _today().month >= 10 else _today().year
        form.initial = {
            "period": str(year),
            "period_start": date(year, 1, 1),
            "period_end": date(year, 12, 31),
        }
    status = 200
    if request.method == "POST":
        if form.is_valid() and objectives.is_valid() and actions.is_valid():
            data = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
            try:
                plan = plan_services.account_plan_create(
                    account=account,
                    created_by=request.user,
                    objectives=formset_items(objectives),
                    actions=formset_items(actions),
                    **data,
                )
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(
                    request, _("Plan %(period)s created as a draft.") % {"period": plan.period}
                )
                return redirect("accounts:plan-detail", plan_id=plan.pk)
        status = 400
    return render(
        request,
        "accounts/plans/plan_form.html",
        {
            "account": account,
            "plan": None,
            "form": form,
            "objectives": objectives,
            "actions": actions,
            "tab": "plans",
        },
        status=status,
    )


@login_required
def plan_edit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Edit a draft. The form carries the version it was loaded at; a save based on an old
    version is refused (409) with what changed, the current values, and the user's own
    input kept in the form, now pointing at the current version so saving again wins."""
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    require(can_edit_plan(request.user, plan), PLAN_EDIT_REFUSED)  # no form for others
    if request.method == "GET" and plan.status != PlanStatus.DRAFT:
        messages.warning(
            request,
            _(
                "This plan is %(status)s: its content can change only while it is a draft. "
                "Record progress on the actions below."
            )
            % {"status": plan.get_status_display().lower()},
        )
        return redirect("accounts:plan-detail", plan_id=plan.pk)
    conflict: PlanVersionConflictError | None = None
    taken: list[str] = []
    status = 200
    if request.method == "POST":
        form, objectives, actions = _forms(request.POST, plan)
        if form.is_valid() and objectives.is_valid() and actions.is_valid():
            data = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
            version = form.cleaned_data["version"] or 0
            try:
                plan_services.account_plan_update(
                    plan=plan,
                    updated_by=request.user,
                    version=version,
                    objectives=formset_items(objectives),
                    actions=formset_items(actions),
                    **data,
                )
            except PlanVersionConflictError as error:
                conflict = error
                merge = plan_selectors.account_plan_merge_stale(
                    plan=plan,
                    version=version,
                    fields=data,
                    objectives=formset_items(objectives),
                    actions=formset_items(actions),
                )
                form, objectives, actions = _forms(
                    _merged_post(request.POST, merge, error.plan.version), plan
                )
                form.is_valid()
                objectives.is_valid()
                actions.is_valid()
                for name, theirs in merge.clashes.items():
                    if name in form.fields:
                        form.add_error(
                            name,
                            _(
                                "Changed meanwhile to “%(theirs)s”. Your text is kept here: "
                                "merge the two before saving again."
                            )
                            % {"theirs": theirs},
                        )
                    else:
                        form.add_error(None, plan_selectors.rows_clash_message(name))
                taken = [plan_selectors.merge_label(label) for label in merge.taken]
                status = 409
            except ValidationError as error:
                form_errors_apply(form, error)
                status = 400
            else:
                messages.success(request, _("Plan saved."))
                return redirect("accounts:plan-detail", plan_id=plan.pk)
        else:
            status = 400
    else:
        form, objectives, actions = _forms(None, plan)
    return render(
        request,
        "accounts/plans/plan_form.html",
        {
            "account": plan.account,
            "plan": plan_selectors.account_plan_reload(plan_id=plan.pk) if conflict else plan,
            "form": form,
            "objectives": objectives,
            "actions": actions,
            "conflict": conflict,
            "taken": taken,
            "tab": "plans",
        },
        status=status,
    )


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "username", value))


def _merged_post(post: Any, merge: StaleMerge, version: int) -> Any:
    """The user's POST with the fields only others changed taken from the newer version,
    and the version moved on, so saving again stores the merge."""
    data = post.copy()
    data["version"] = str(version)
    for name in PLAN_FIELDS:
        data[name] = _form_value(merge.fields.get(name))
    for prefix, rows, names in (
        ("objectives", merge.objectives, ("id", "metric", "target", "current")),
        ("actions", merge.actions, ("id", "title", "owner", "due", "status")),
    ):
        if rows is None:
            continue
        for key in [key for key in data if key.startswith(f"{prefix}-")]:
            del data[key]
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows) + 2)
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            for name in names:
                data[f"{prefix}-{index}-{name}"] = _form_value(row.get(name))
        for index in range(len(rows), len(rows) + 2):
            data[f"{prefix}-{index}-status"] = "open"
    return data


def _detail_context(
    request: AuthenticatedHttpRequest, plan: AccountPlan, **extra: Any
) -> dict[str, Any]:
    user = request.user
    can_edit = can_edit_plan(user, plan)
    can_submit = can_submit_plan(user, plan)
    can_review = can_review_plan(user, plan)
    return {
        "account": plan.account,
        "plan": plan,
        "can_edit": can_edit and plan.status == PlanStatus.DRAFT,
        "can_submit": can_submit and plan.status == PlanStatus.DRAFT,
        "can_review": can_review and plan.status == PlanStatus.SUBMITTED,
        "is_own": is_own_plan(user, plan),
        "can_track": can_edit,
        "return_form": extra.pop("return_form", ReturnForm()),
        "approve_form": extra.pop("approve_form", ApproveForm()),
        "today": _today(),
        "action_statuses": ActionStatus.choices,
        "tab": "plans",
        **extra,
    }


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    return render(request, "accounts/plans/plan_detail.html", _detail_context(request, plan))


def _workflow_error(
    request: AuthenticatedHttpRequest, plan: AccountPlan, error: Exception
) -> HttpResponse:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan.pk)
    return render(
        request, "accounts/plans/plan_detail.html", _detail_context(request, plan), status=400
    )


@login_required
@require_POST
def plan_submit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    try:
        plan_services.account_plan_submit(plan=plan, submitted_by=request.user)
    except (ValidationError, PlanVersionConflictError) as error:
        return _workflow_error(request, plan, error)
    messages.success(request, _("Plan submitted to the steering committee."))
    return redirect("accounts:plan-detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_approve(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        plan_services.account_plan_approve(
            plan=plan, approved_by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except PlanVersionConflictError as error:
        return _workflow_error(request, plan, error)
    except ValidationError as error:
        form_errors_apply(form, error)
        return render(
            request,
            "accounts/plans/plan_detail.html",
            _detail_context(request, plan, approve_form=form),
            status=400,
        )
    messages.success(
        request,
        _("Plan %(period)s for %(account)s approved.")
        % {"period": plan.period, "account": plan.account.name},
    )
    return redirect("accounts:plan-detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_return(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        plan_services.account_plan_return(
            plan=plan, returned_by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except ValidationError as error:
        form_errors_apply(form, error)
        return render(
            request,
            "accounts/plans/plan_detail.html",
            _detail_context(request, plan, return_form=form),
            status=400,
        )
    messages.success(request, _("Plan returned to its owner with your comment."))
    return redirect("accounts:plan-detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_action_status(
    request: AuthenticatedHttpRequest, plan_id: int, action_id: int
) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    action = get_object_or_404(plan.actions.all(), pk=action_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status must be open, done or cancelled."))
    else:
        plan_services.plan_action_status_set(
            action=action, status=form.cleaned_data["status"], changed_by=request.user
        )
        messages.success(
            request,
            _("“%(title)s” is %(status)s.")
            % {"title": action.title, "status": action.get_status_display().lower()},
        )
    if request.POST.get("next") == "overdue":
        return redirect("accounts:overdue-actions")
    return redirect("accounts:plan-detail", plan_id=plan.pk)


@login_required
def plan_history(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.account_plan_get_for_user(user=request.user, plan_id=plan_id)
    return render(
        request,
        "accounts/plans/plan_history.html",
        {
            "account": plan.account,
            "plan": plan,
            "entries": plan_selectors.account_plan_history(plan=plan),
            "tab": "plans",
        },
    )


@login_required
def overdue_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    as_of = _today()
    by_owner, by_account = plan_selectors.overdue_actions_grouped(user=request.user, as_of=as_of)
    return render(
        request,
        "accounts/plans/overdue_actions.html",
        {"by_owner": by_owner, "by_account": by_account, "as_of": as_of},
    )
