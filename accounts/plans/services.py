"""Writes to account plans: create, edit with an optimistic lock, and the approval workflow.

Rules (DOMAIN.md, issue 4):
- Only the account's owner writes and submits plans; executives approve or return them and
  edit no content; nobody approves a plan of their own (an executive who owns the account).
- Content changes only while the plan is a draft; progress (an action's status, an
  objective's current value) may be recorded at any status.
- Every save names the `version` it was based on. The write is a conditional UPDATE on
  (pk, version), so of two concurrent saves exactly one wins; the other gets
  `PlanVersionConflictError` listing what changed since, and nothing of it is written.
- Every change lands in the plan's history (django-simple-history) with the acting user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import (
    Account,
    AccountPlan,
    ActionStatus,
    PlanAction,
    PlanObjective,
    PlanStatus,
)
from accounts.plans.periods import period_of
from accounts.plans.rules import (
    ACTION_CHANGE_REFUSED,
    OBJECTIVE_PROGRESS_REFUSED,
    PLAN_APPROVE_REFUSED,
    PLAN_DELETE_REFUSED,
    PLAN_EDIT_REFUSED,
    PLAN_RETURN_REFUSED,
    PLAN_SUBMIT_REFUSED,
    PLAN_WRITE_REFUSED,
    can_change_action,
    can_edit_plan,
    can_record_objective_progress,
    can_review_plan,
    can_submit_plan,
    can_write_plans,
    is_own_plan,
)
from accounts.plans.selectors import HistoryEntry, account_plan_changes_since
from accounts.selectors import account_team
from accounts.services import UNSET, Unset, account_data_changed, given
from kam import clock
from kam.input_policy import LONG_TEXT_MAX_LENGTH, text_problem
from kam.roles import Role
from kam.rules import require
from kam.types import User
from notifications.models import Kind
from notifications.selectors import users_with_role
from notifications.services import notification_message, notify

PLAN_TEXT_FIELDS = ("vision", "value_proposition", "situation", "strategy", "expansion")
PLAN_EDITABLE_FIELDS = ("period", "period_start", "period_end", *PLAN_TEXT_FIELDS)


class PlanVersionConflictError(Exception):
    """A save based on an old version of the plan; carries the current plan and the changes."""

    def __init__(self, *, plan: AccountPlan, sent_version: int, changes: list[HistoryEntry]):
        self.plan = plan
        self.sent_version = sent_version
        self.changes = changes
        who = sorted({entry.who for entry in changes}) or [_("someone else")]
        self.message = _(
            "%(who)s saved this plan after you opened it (you edited version %(sent)s; it is "
            "now version %(current)s). Your changes were not saved: compare them with what "
            "changed, then save again."
        ) % {"who": ", ".join(who), "sent": sent_version, "current": plan.version}
        super().__init__(self.message)


def _conflict(plan: AccountPlan, sent_version: int) -> PlanVersionConflictError:
    current = AccountPlan.objects.select_related("account").get(pk=plan.pk)
    return PlanVersionConflictError(
        plan=current,
        sent_version=sent_version,
        changes=account_plan_changes_since(plan=current, version=sent_version),
    )


def _record_history(plan: AccountPlan, user: User) -> None:
    """A queryset UPDATE bypasses simple-history's signals: record the new state by hand."""
    plan.refresh_from_db()
    AccountPlan.history.bulk_history_create([plan], update=True, default_user=user)


def _clean_text(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for name in ("period", *PLAN_TEXT_FIELDS):
        if name in cleaned and isinstance(cleaned[name], str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


def _period_span(period: str, start: date | None, end: date | None) -> tuple[str, date, date]:
    """The plan's label and dates: the dates as given when both are, else from the label; a
    label KAM knows is kept in one spelling ("2027-h1" is "2027 H1"), so that the one plan per
    account and period holds however it is typed."""
    known = period_of(period or "")
    label = known.label if known is not None else (period or "").strip()
    if start is not None and end is not None:
        return label, start, end
    if start is not None or end is not None:
        missing = "period_end" if end is None else "period_start"
        raise ValidationError(
            {missing: _("Give both period_start and period_end, or neither and a period label.")}
        )
    if known is None:
        raise ValidationError(
            {
                "period": _(
                    '"%(label)s" names no period KAM knows; use "2027", "2027 H1" or "2027 Q3", '
                    "or give period_start and period_end."
                )
                % {"label": label}
            }
        )
    return label, known.start, known.end


def _validate_children(
    *,
    plan: AccountPlan,
    objectives: Sequence[Mapping[str, Any]] | None,
    actions: Sequence[Mapping[str, Any]] | None,
) -> dict[str, list[str]]:
    """Check objectives and actions against the (new) plan period; messages name the row."""
    errors: dict[str, list[str]] = {}
    if objectives is not None:
        known = set(plan.objectives.values_list("pk", flat=True)) if plan.pk else set()
        for number, item in enumerate(objectives, start=1):
            metric = str(item.get("metric") or "").strip()
            if not metric:
                errors.setdefault("objectives", []).append(
                    _("Objective %(number)s: name the metric (what is measured).")
                    % {"number": number}
                )
            if item.get("target") is None:
                errors.setdefault("objectives", []).append(
                    _("Objective %(number)s: give the target value.") % {"number": number}
                )
            if item.get("id") and item["id"] not in known:
                errors.setdefault("objectives", []).append(
                    _("Objective %(number)s: id %(id)s is not an objective of this plan.")
                    % {"number": number, "id": item["id"]}
                )
    if actions is not None:
        known = set(plan.actions.values_list("pk", flat=True)) if plan.pk else set()
        for number, item in enumerate(actions, start=1):
            title = str(item.get("title") or "").strip()
            label = (
                _("Action %(number)s “%(title)s”") % {"number": number, "title": title}
                if title
                else _("Action %(number)s") % {"number": number}
            )
            if not title:
                errors.setdefault("actions", []).append(
                    _("%(label)s: say what is to be done.") % {"label": label}
                )
            owner = item.get("owner")
            if owner is None or not owner.is_active:
                errors.setdefault("actions", []).append(
                    _("%(label)s: choose an active owner.") % {"label": label}
                )
            due: date | None = item.get("due")
            if due is None:
                errors.setdefault("actions", []).append(
                    _("%(label)s: give a due date.") % {"label": label}
                )
            elif plan.period_start and due < plan.period_start:
                errors.setdefault("actions", []).append(
                    _(
                        "%(label)s: the due date %(due)s is before the plan period, which starts "
                        "on %(start)s."
                    )
                    % {
                        "label": label,
                        "due": due.isoformat(),
                        "start": plan.period_start.isoformat(),
                    }
                )
            elif plan.period_end and due > plan.period_end:
                errors.setdefault("actions", []).append(
                    _(
                        "%(label)s: the due date %(due)s is after the plan period, which ends on "
                        "%(end)s."
                    )
                    % {"label": label, "due": due.isoformat(), "end": plan.period_end.isoformat()}
                )
            status = item.get("status") or ActionStatus.OPEN
            if status not in ActionStatus.values:
                errors.setdefault("actions", []).append(
                    _("%(label)s: the status must be open, done or cancelled.") % {"label": label}
                )
            if item.get("id") and item["id"] not in known:
                errors.setdefault("actions", []).append(
                    _("%(label)s: id %(id)s is not an action of this plan.")
                    % {"label": label, "id": item["id"]}
                )
    return errors


def _validate_plan(plan: AccountPlan, children_errors: dict[str, list[str]]) -> None:
    errors: dict[str, list[str]] = dict(children_errors)
    if not plan.period:
        errors.setdefault("period", []).append(_('Name the period, e.g. "2027".'))
    reversed_period = bool(
        plan.period_start and plan.period_end and plan.period_end < plan.period_start
    )
    if reversed_period:
        errors.setdefault("period_end", []).append(
            _("The period must end on or after the day it starts (%(start)s).")
            % {"start": plan.period_start}
        )
    try:
        plan.full_clean(exclude=["submitted_by", "reviewed_by"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "__all__" and reversed_period:
                # the constraint's own message (accounts.plans.models) says it again
                repeated = _("The period must end on or after the day it starts.")
                messages = [m for m in messages if m != repeated]
            if messages:
                errors.setdefault(name, []).extend(
                    m for m in messages if m not in errors.get(name, [])
                )
    if errors:
        raise ValidationError(errors)


def _write_children(
    *,
    plan: AccountPlan,
    user: User,
    objectives: Sequence[Mapping[str, Any]] | None,
    actions: Sequence[Mapping[str, Any]] | None,
) -> None:
    """Replace the plan's objectives / actions with the given lists (ids keep a row)."""
    if objectives is not None:
        existing = {objective.pk: objective for objective in plan.objectives.all()}
        kept = set()
        for item in objectives:
            objective = existing.get(item.get("id") or 0) or PlanObjective(plan=plan)
            values = {
                "metric": str(item["metric"]).strip(),
                "target": Decimal(item["target"]),
                "current": None if item.get("current") is None else Decimal(item["current"]),
            }
            if objective.pk:
                kept.add(objective.pk)
                if all(getattr(objective, k) == v for k, v in values.items()):
                    continue
            for name, value in values.items():
                setattr(objective, name, value)
            objective._history_user = user  # type: ignore[attr-defined]  # simple-history reads the author here
            objective.full_clean(exclude=["plan"])
            objective.save()
        for pk, objective in existing.items():
            if pk not in kept:
                objective._history_user = user  # type: ignore[attr-defined]  # simple-history reads the author here
                objective.delete()
    if actions is not None:
        existing_actions = {action.pk: action for action in plan.actions.all()}
        kept = set()
        for item in actions:
            action = existing_actions.get(item.get("id") or 0) or PlanAction(plan=plan)
            values = {
                "title": str(item["title"]).strip(),
                "owner_id": item["owner"].pk,
                "due": item["due"],
                "status": item.get("status") or ActionStatus.OPEN,
            }
            if action.pk:
                kept.add(action.pk)
                if all(getattr(action, k) == v for k, v in values.items()):
                    continue
            for name, value in values.items():
                setattr(action, name, value)
            action._history_user = user  # type: ignore[attr-defined]  # simple-history reads the author here
            action.full_clean(exclude=["plan", "owner"])
            action.save()
        for pk, action in existing_actions.items():
            if pk not in kept:
                action._history_user = user  # type: ignore[attr-defined]  # simple-history reads the author here
                action.delete()


@transaction.atomic
def account_plan_create(
    *,
    account: Account,
    created_by: User,
    period: str,
    period_start: date | None = None,
    period_end: date | None = None,
    objectives: Iterable[Mapping[str, Any]] = (),
    actions: Iterable[Mapping[str, Any]] = (),
    vision: str = "",
    value_proposition: str = "",
    situation: str = "",
    strategy: str = "",
    expansion: str = "",
) -> AccountPlan:
    """Start a draft plan for the account and period. Only the account's owner may.

    The period's dates follow from its label ("2027", "2027 H1", "2027 Q3") unless both
    `period_start` and `period_end` are given, for any other span.

    Raises PermissionDenied for anybody else, ValidationError (per field) for bad input:
    a period that ends before it starts, a second plan for the same period, an action due
    outside the period, an objective without metric or target.
    """
    require(can_write_plans(created_by, account), PLAN_WRITE_REFUSED)
    texts = {
        "vision": vision,
        "value_proposition": value_proposition,
        "situation": situation,
        "strategy": strategy,
        "expansion": expansion,
    }
    period, period_start, period_end = _period_span(period, period_start, period_end)
    plan = AccountPlan(
        account=account,
        **_clean_text(
            {"period": period, "period_start": period_start, "period_end": period_end, **texts}
        ),
    )
    objective_list, action_list = list(objectives), list(actions)
    _validate_plan(
        plan, _validate_children(plan=plan, objectives=objective_list, actions=action_list)
    )
    # The plan's own history record is written last, after its children's, so "what changed
    # since version v" is every child record after plan record v (see plan_selectors).
    plan.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history flag
    plan.save()
    del plan.skip_history_when_saving  # type: ignore[attr-defined]  # simple-history flag
    _write_children(plan=plan, user=created_by, objectives=objective_list, actions=action_list)
    AccountPlan.history.bulk_history_create([plan], default_user=created_by)
    account_data_changed(account_ids=[account.pk])
    return plan


@transaction.atomic
def account_plan_update(
    *,
    plan: AccountPlan,
    updated_by: User,
    version: int,
    objectives: Sequence[Mapping[str, Any]] | None = None,
    actions: Sequence[Mapping[str, Any]] | None = None,
    period: str | Unset = UNSET,
    period_start: date | None | Unset = UNSET,
    period_end: date | None | Unset = UNSET,
    vision: str | Unset = UNSET,
    value_proposition: str | Unset = UNSET,
    situation: str | Unset = UNSET,
    strategy: str | Unset = UNSET,
    expansion: str | Unset = UNSET,
) -> AccountPlan:
    """Change a draft plan's content (the fields given); `version` is the version the user
    edited.

    Objectives and actions, when given, replace the current lists (an item with the `id`
    of an existing row updates it). Raises PermissionDenied (not the owner),
    PlanVersionConflictError (someone saved in between; nothing written), ValidationError.
    """
    require(can_edit_plan(updated_by, plan), PLAN_EDIT_REFUSED)
    fields = given(
        period=period,
        period_start=period_start,
        period_end=period_end,
        vision=vision,
        value_proposition=value_proposition,
        situation=situation,
        strategy=strategy,
        expansion=expansion,
    )
    if plan.version != version:
        raise _conflict(plan, version)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "This plan is %(status)s: its content can change only while it is a draft (a "
                    "returned plan is a draft again)."
                )
                % {"status": plan.get_status_display().lower()}
            }
        )
    cleaned = _clean_text(fields)
    if "period_start" in cleaned and "period_end" in cleaned:
        # A form sends both; left empty, the dates follow from the (new) label.
        cleaned["period"], cleaned["period_start"], cleaned["period_end"] = _period_span(
            cleaned.get("period", plan.period), cleaned["period_start"], cleaned["period_end"]
        )
    elif "period" in cleaned and not {"period_start", "period_end"} & cleaned.keys():
        # A new label alone moves the dates when it names a period (else they stay).
        known = period_of(cleaned["period"])
        if known is not None:
            cleaned.update(period=known.label, period_start=known.start, period_end=known.end)
    candidate = AccountPlan.objects.get(pk=plan.pk)
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    _validate_plan(
        candidate, _validate_children(plan=candidate, objectives=objectives, actions=actions)
    )
    claimed = AccountPlan.objects.filter(
        pk=plan.pk, version=version, status=PlanStatus.DRAFT
    ).update(**cleaned, version=F("version") + 1, updated_at=timezone.now())
    if claimed != 1:
        raise _conflict(plan, version)
    _write_children(plan=candidate, user=updated_by, objectives=objectives, actions=actions)
    _record_history(plan, updated_by)
    account_data_changed(account_ids=[plan.account_id])
    return plan


@transaction.atomic
def account_plan_delete(*, plan: AccountPlan, deleted_by: User) -> None:
    """The owner may delete a draft; submitted and approved plans stay on record."""
    require(can_edit_plan(deleted_by, plan), PLAN_DELETE_REFUSED)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft can be deleted; this plan is %(status)s.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    plan._history_user = deleted_by  # type: ignore[attr-defined]  # simple-history reads the author here
    plan.delete()
    account_data_changed(account_ids=[plan.account_id])


def _transition(
    plan: AccountPlan, user: User, from_status: str, version: int | None, **changes: Any
) -> AccountPlan:
    queryset = AccountPlan.objects.filter(pk=plan.pk, status=from_status)
    if version is not None:
        queryset = queryset.filter(version=version)
    claimed = queryset.update(**changes, version=F("version") + 1, updated_at=timezone.now())
    if claimed != 1:
        current = AccountPlan.objects.get(pk=plan.pk)
        if version is not None and current.version != version:
            raise _conflict(plan, version)
        raise ValidationError(
            {
                "status": _("The plan is %(status)s now; reload it and try again.")
                % {"status": current.get_status_display().lower()}
            }
        )
    _record_history(plan, user)
    account_data_changed(account_ids=[plan.account_id])
    return plan


# The fields _submit_problems names: what the stored plan lacks, not what a request sent.
SUBMIT_PROBLEM_FIELDS = ("situation", "strategy", "objectives", "actions")


def _submit_problems(plan: AccountPlan, *, today: date) -> dict[str, list[str]]:
    """What keeps a draft from the steering committee, by field: steps 1 and 2 written, at
    least one objective (each has a target: the writes require one), and no open action past
    its due date (the plan would go up already late)."""
    errors: dict[str, list[str]] = {}
    if not plan.situation.strip():
        errors["situation"] = [_("Write the situation assessment (step 1) before submitting.")]
    if not plan.strategy.strip():
        errors["strategy"] = [_("Write the strategy (step 2) before submitting.")]
    if not plan.objectives.exists():
        errors["objectives"] = [_("Add at least one measurable objective before submitting.")]
    overdue = [
        _("%(title)s (due %(due)s)") % {"title": action.title, "due": f"{action.due:%Y-%m-%d}"}
        for action in plan.actions.all()
        if action.status == ActionStatus.OPEN and action.due is not None and action.due < today
    ]
    if overdue:
        errors["actions"] = [
            ngettext(
                "%(count)s open action is overdue: %(actions)s. Mark them done, cancel them or "
                "move their due date, then submit.",
                "%(count)s open actions are overdue: %(actions)s. Mark them done, cancel them or "
                "move their due date, then submit.",
                len(overdue),
            )
            % {"count": len(overdue), "actions": _("; ").join(overdue)}
        ]
    return errors


@transaction.atomic
def account_plan_submit(
    *, plan: AccountPlan, submitted_by: User, version: int | None = None
) -> AccountPlan:
    """Draft → submitted, by the account's owner. A plan needs a situation assessment, a
    strategy and at least one objective before the steering committee sees it."""
    require(can_submit_plan(submitted_by, plan), PLAN_SUBMIT_REFUSED)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft can be submitted; this plan is %(status)s.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    errors = _submit_problems(plan, today=clock.today())
    if errors:
        raise ValidationError(errors)
    _transition(
        plan,
        submitted_by,
        PlanStatus.DRAFT,
        version,
        status=PlanStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=submitted_by,
    )
    # Notification (issue 18): the plan waits for the executives.
    notify(
        recipients=users_with_role(Role.EXECUTIVE),
        kind=Kind.PLAN_SUBMITTED,
        message=notification_message(
            gettext_lazy("%(username)s submitted the %(period)s plan of %(account)s for approval."),
            username=submitted_by.username,
            period=plan.period,
            account=plan.account.name,
        ),
        url=reverse("accounts:plan-detail", args=[plan.pk]),
        actor=submitted_by,
    )
    return plan


def _plan_people(plan: AccountPlan) -> list[User]:
    """The account's owner and team, told of a decision on the plan (issue 18)."""
    people = [member.user for member in account_team(account=plan.account)]
    return [plan.account.owner, *people] if plan.account.owner else people


def _review_comment(comment: str | None) -> str:
    """A reviewer's comment, stripped, under the input policy (it is stored by an update)."""
    comment = (comment or "").strip()
    problem = text_problem(comment, multiline=True, max_length=LONG_TEXT_MAX_LENGTH)
    if problem:
        raise ValidationError({"comment": problem})
    return comment


def _require_reviewer(plan: AccountPlan, user: User, verb: str) -> None:
    approving = verb == "approve"
    require(can_review_plan(user, plan), PLAN_APPROVE_REFUSED if approving else PLAN_RETURN_REFUSED)
    if plan.status != PlanStatus.SUBMITTED:
        message = (
            _("Only a submitted plan can be approved; this plan is %(status)s.")
            if approving
            else _("Only a submitted plan can be returned; this plan is %(status)s.")
        )
        raise ValidationError({"status": message % {"status": plan.get_status_display().lower()}})


@transaction.atomic
def account_plan_approve(
    *, plan: AccountPlan, approved_by: User, comment: str = "", version: int | None = None
) -> AccountPlan:
    """Submitted → approved, by an executive who does not own the plan, with an optional
    comment for the owner (kept on the plan and in its history, and sent with the notice)."""
    _require_reviewer(plan, approved_by, "approve")
    comment = _review_comment(comment)
    if is_own_plan(approved_by, plan):
        raise ValidationError(
            _("You cannot approve your own plan: another member of the steering committee must.")
        )
    _transition(
        plan,
        approved_by,
        PlanStatus.SUBMITTED,
        version,
        status=PlanStatus.APPROVED,
        approval_comment=comment,
        reviewed_at=timezone.now(),
        reviewed_by=approved_by,
    )
    # Notification (issue 18): the owner and the team hear the plan is approved.
    notify(
        recipients=_plan_people(plan),
        kind=Kind.PLAN_APPROVED,
        message=notification_message(
            gettext_lazy("%(username)s approved the %(period)s plan of %(account)s: “%(comment)s”")
            if comment
            else gettext_lazy("%(username)s approved the %(period)s plan of %(account)s."),
            username=approved_by.username,
            period=plan.period,
            account=plan.account.name,
            comment=comment,
        ),
        url=reverse("accounts:plan-detail", args=[plan.pk]),
        actor=approved_by,
    )
    return plan


@transaction.atomic
def account_plan_return(
    *, plan: AccountPlan, returned_by: User, comment: str, version: int | None = None
) -> AccountPlan:
    """Submitted → draft with a comment saying what to rework, by an executive."""
    _require_reviewer(plan, returned_by, "return")
    comment = _review_comment(comment)
    if not comment:
        raise ValidationError(
            {"comment": _("Say what the owner should rework before resubmitting.")}
        )
    _transition(
        plan,
        returned_by,
        PlanStatus.SUBMITTED,
        version,
        status=PlanStatus.DRAFT,
        return_comment=comment,
        reviewed_at=timezone.now(),
        reviewed_by=returned_by,
    )
    # Notification (issue 18): the owner and the team hear what to rework.
    notify(
        recipients=_plan_people(plan),
        kind=Kind.PLAN_RETURNED,
        message=notification_message(
            gettext_lazy(
                "%(username)s returned the %(period)s plan of %(account)s for rework: “%(comment)s”"
            ),
            username=returned_by.username,
            period=plan.period,
            account=plan.account.name,
            comment=comment,
        ),
        url=reverse("accounts:plan-detail", args=[plan.pk]),
        actor=returned_by,
    )
    return plan


@transaction.atomic
def plan_action_status_set(*, action: PlanAction, status: str, changed_by: User) -> PlanAction:
    """Record an action's progress (any plan status): by the plan's owner or the action's."""
    plan = action.plan
    require(can_change_action(changed_by, action), ACTION_CHANGE_REFUSED)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("The status must be open, done or cancelled.")})
    action.status = status
    action._history_user = changed_by  # type: ignore[attr-defined]  # simple-history reads the author here
    action.save(update_fields=["status"])
    # Someone editing the draft from an older version must not silently undo this.
    AccountPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    _record_history(AccountPlan(pk=plan.pk), changed_by)
    account_data_changed(account_ids=[plan.account_id])
    return action


@transaction.atomic
def plan_objective_current_set(
    *, objective: PlanObjective, current: Decimal | None, changed_by: User
) -> PlanObjective:
    """Record where an objective stands now (any plan status), by the plan's owner."""
    require(can_record_objective_progress(changed_by, objective), OBJECTIVE_PROGRESS_REFUSED)
    objective.current = current
    objective.full_clean(exclude=["plan"])
    objective._history_user = changed_by  # type: ignore[attr-defined]  # simple-history reads the author here
    objective.save(update_fields=["current"])
    AccountPlan.objects.filter(pk=objective.plan_id).update(version=F("version") + 1)
    _record_history(AccountPlan(pk=objective.plan_id), changed_by)
    account_data_changed(account_ids=[objective.plan.account_id])
    return objective
