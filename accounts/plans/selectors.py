"""Reads of account plans: the plan gatekeeper, history, overdue actions, stale-save merges.

A plan is visible exactly when its account is (`accounts_visible_to`); every entry point
goes through `plans_visible_to` / `account_plan_get_for_user`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from accounts.models import (
    Account,
    AccountPlan,
    ActionStatus,
    PlanAction,
    PlanObjective,
    PlanStatus,
)
from accounts.plans.merge import StaleMerge, Version, merge_stale
from accounts.selectors import accounts_visible_to
from kam.types import AnyUser, User

# Plan fields shown in the history and in a stale-save message, with their labels (marked
# for the catalogue here, translated where they are shown: they are keys of the merge too).
PLAN_FIELD_LABELS = {
    "period": gettext_noop("Period"),
    "period_start": gettext_noop("Period start"),
    "period_end": gettext_noop("Period end"),
    "status": gettext_noop("Status"),
    "vision": gettext_noop("Vision"),
    "value_proposition": gettext_noop("Value proposition"),
    "situation": gettext_noop("1 · Situation assessment"),
    "strategy": gettext_noop("2 · Strategy"),
    "expansion": gettext_noop("4 · Plan to expand"),
    "return_comment": gettext_noop("Return comment"),
    "approval_comment": gettext_noop("Approval comment"),
}
OBJECTIVE_FIELD_LABELS = {
    "metric": gettext_noop("Metric"),
    "target": gettext_noop("Target"),
    "current": gettext_noop("Current"),
}
ACTION_FIELD_LABELS = {
    "title": gettext_noop("Title"),
    "owner_id": gettext_noop("Owner"),
    "due": gettext_noop("Due"),
    "status": gettext_noop("Status"),
}
# The rows a stale save merges as whole lists (accounts.plans.merge names them so).
ROW_LABELS = {"objectives": "Objectives", "actions": "Actions"}


def _row_label(name: str) -> str:
    # "Actions" alone is also a column of buttons (操作): the plan's actions have a context.
    if name == "actions":
        return pgettext("the actions of a plan", "Actions")
    return _("Objectives") if name == "objectives" else name


def plans_visible_to(user: AnyUser) -> QuerySet[AccountPlan]:
    """Plans of the accounts the user may read, with account, owner, objectives and actions."""
    return (
        AccountPlan.objects.filter(account__in=accounts_visible_to(user).values("pk"))
        .select_related("account", "account__owner", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("objectives", queryset=PlanObjective.objects.order_by("id")),
            Prefetch(
                "actions", queryset=PlanAction.objects.select_related("owner").order_by("due", "id")
            ),
        )
    )


def account_plan_get_for_user(*, user: AnyUser, plan_id: int | str) -> AccountPlan:
    """The plan if the user may read its account; Http404 otherwise."""
    try:
        return plans_visible_to(user).get(pk=int(plan_id))
    except (AccountPlan.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such plan.")) from error


def account_plan_reload(*, plan_id: int) -> AccountPlan:
    """A plan with its children, for a caller that has already passed the gatekeeper."""
    return (
        AccountPlan.objects.select_related(
            "account", "account__owner", "submitted_by", "reviewed_by"
        )
        .prefetch_related("objectives", "actions__owner")
        .get(pk=plan_id)
    )


def account_plans_for_account(*, account: Account) -> QuerySet[AccountPlan]:
    return (
        AccountPlan.objects.filter(account=account)
        .select_related("account", "submitted_by", "reviewed_by")
        .order_by("-period_start", "-id")
    )


def plans_awaiting_approval(*, user: AnyUser) -> QuerySet[AccountPlan]:
    return (
        AccountPlan.objects.filter(
            account__in=accounts_visible_to(user).values("pk"), status=PlanStatus.SUBMITTED
        )
        .select_related("account", "account__owner", "submitted_by")
        .order_by("submitted_at", "id")
    )


# --- history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    subject: str  # "Plan", "Objective “On-time delivery”", "Action “Quarterly review”"
    kind: str  # created, changed, deleted
    changes: list[FieldChange] = field(default_factory=list)


def _display(value: Any, field_name: str, usernames: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if field_name == "owner_id":
        return usernames.get(int(value), _("user %(id)s") % {"id": value})
    if field_name == "status":
        labels = {**dict(PlanStatus.choices), **dict(ActionStatus.choices)}
        return str(labels.get(value, value))
    return str(value)


def _diff(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    labels: dict[str, str],
    usernames: dict[int, str],
) -> list[FieldChange]:
    changes = []
    for name, label in labels.items():
        before = old.get(name) if old is not None else None
        after = new.get(name)
        if old is None and after in (None, ""):
            continue
        if before != after:
            changes.append(
                FieldChange(
                    field=name,
                    label=_(label),
                    old=_display(before, name, usernames),
                    new=_display(after, name, usernames),
                )
            )
    return changes


KIND_OF = {"+": "created", "~": "changed", "-": "deleted"}


def _entries_for(
    records: list[Any],
    labels: dict[str, str],
    subject_of: Any,
    usernames: dict[int, str],
    since: datetime | None,
) -> list[HistoryEntry]:
    """Diff each historical record against the previous one of the same object."""
    by_object: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    entries = []
    for object_records in by_object.values():
        object_records.sort(key=lambda record: (record.history_date, record.history_id))
        previous: dict[str, Any] | None = None
        for record in object_records:
            values = {name: getattr(record, name) for name in labels}
            kind = KIND_OF.get(record.history_type, "changed")
            changes = [] if kind == "deleted" else _diff(previous, values, labels, usernames)
            is_new = since is None or record.history_date > since
            if is_new and (kind != "changed" or changes):
                entries.append(
                    HistoryEntry(
                        when=record.history_date,
                        who=record.history_user.username if record.history_user else _("system"),
                        subject=subject_of(values),
                        kind=kind,
                        changes=changes,
                    )
                )
            previous = values
    return entries


def account_plan_history(*, plan: AccountPlan, since: datetime | None = None) -> list[HistoryEntry]:
    """Every change to the plan, its objectives and actions, newest first (four queries).

    With `since`, only the changes recorded after that moment (used to explain a stale save).
    """
    plan_records = list(plan.history.select_related("history_user").order_by("history_date"))
    objective_records = list(
        PlanObjective.history.filter(plan_id=plan.pk).select_related("history_user")
    )
    action_records = list(PlanAction.history.filter(plan_id=plan.pk).select_related("history_user"))
    owner_ids = {record.owner_id for record in action_records}
    usernames = dict(User.objects.filter(pk__in=owner_ids).values_list("pk", "username"))
    entries = [
        *_entries_for(plan_records, PLAN_FIELD_LABELS, lambda values: _("Plan"), usernames, since),
        *_entries_for(
            objective_records,
            OBJECTIVE_FIELD_LABELS,
            lambda values: _("Objective “%(metric)s”") % {"metric": values["metric"]},
            usernames,
            since,
        ),
        *_entries_for(
            action_records,
            ACTION_FIELD_LABELS,
            lambda values: _("Action “%(title)s”") % {"title": values["title"]},
            usernames,
            since,
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def account_plan_changes_since(*, plan: AccountPlan, version: int) -> list[HistoryEntry]:
    """What others changed after the user loaded `version` of the plan (oldest first)."""
    base = plan.history.filter(version=version).order_by("-history_date").first()
    since = base.history_date if base is not None else None
    return list(reversed(account_plan_history(plan=plan, since=since)))


# --- overdue actions -------------------------------------------------------------------------


def plan_actions_overdue(*, user: AnyUser, as_of: date) -> QuerySet[PlanAction]:
    """Open actions due before `as_of` on every plan the user can read, whatever its status."""
    return (
        PlanAction.objects.filter(
            plan__account__in=accounts_visible_to(user).values("pk"),
            status=ActionStatus.OPEN,
            due__lt=as_of,
        )
        .select_related("owner", "plan", "plan__account")
        .order_by("owner__username", "due", "id")
    )


@dataclass(frozen=True)
class OverdueGroup:
    key: str
    label: str
    actions: list[PlanAction]


def overdue_actions_grouped(
    *, user: AnyUser, as_of: date
) -> tuple[list[OverdueGroup], list[OverdueGroup]]:
    """Overdue actions grouped per owner and per account (one query)."""
    by_owner: dict[str, list[PlanAction]] = defaultdict(list)
    by_account: dict[int, list[PlanAction]] = defaultdict(list)
    names: dict[int, str] = {}
    for action in plan_actions_overdue(user=user, as_of=as_of):
        by_owner[action.owner.username].append(action)
        by_account[action.plan.account_id].append(action)
        names[action.plan.account_id] = action.plan.account.name
    owners = [
        OverdueGroup(key=name, label=name, actions=items)
        for name, items in sorted(by_owner.items())
    ]
    accounts = sorted(
        (
            OverdueGroup(key=str(pk), label=names[pk], actions=items)
            for pk, items in by_account.items()
        ),
        key=lambda group: group.label,
    )
    return owners, accounts


# --- merging a stale save ---------------------------------------------------------------------

EDITABLE_PLAN_FIELDS = (
    "period",
    "period_start",
    "period_end",
    "vision",
    "value_proposition",
    "situation",
    "strategy",
    "expansion",
)


def _children_at(
    history: Any, plan_id: int, when: datetime, names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The plan's objectives or actions as they stood at `when`, from their history."""
    latest: dict[int, Any] = {}
    for record in history.filter(plan_id=plan_id, history_date__lte=when).order_by(
        "history_date", "history_id"
    ):
        latest[record.id] = record
    return [
        {"id": record.id, **{name: getattr(record, name) for name in names}}
        for record in latest.values()
        if record.history_type != "-"
    ]


def merge_label(label: str) -> str:
    """A label of a stale save's merge (`StaleMerge.taken`) in the reader's language."""
    rows = {text: name for name, text in ROW_LABELS.items()}
    return _row_label(rows[label]) if label in rows else _(label)


def rows_clash_message(name: str) -> str:
    """What to say when the user and someone else both changed the objectives or actions."""
    return _("%(rows)s were changed by someone else too; see the list above.") % {
        "rows": _row_label(name)
    }


def account_plan_merge_stale(
    *,
    plan: AccountPlan,
    version: int,
    fields: dict[str, Any],
    objectives: list[dict[str, Any]],
    actions: list[dict[str, Any]],
) -> StaleMerge:
    """Three-way merge of a refused save (accounts.plans.merge): base = the version the user
    edited, from the history; theirs = the plan now; mine = the user's input."""
    base = plan.history.filter(version=version).order_by("-history_date").first()
    if base is None:
        return StaleMerge(dict(fields), None, None, [], {})
    current = account_plan_reload(plan_id=plan.pk)
    objective_names = ("metric", "target", "current")
    action_names = ("title", "owner_id", "due", "status")
    theirs = Version(
        fields={name: getattr(current, name) for name in EDITABLE_PLAN_FIELDS},
        objectives=[
            {"id": o.pk, **{n: getattr(o, n) for n in objective_names}}
            for o in current.objectives.all()
        ],
        actions=[
            {
                "id": a.pk,
                "title": a.title,
                "owner": a.owner,
                "owner_id": a.owner_id,
                "due": a.due,
                "status": a.status,
            }
            for a in current.actions.all()
        ],
    )
    was = Version(
        fields={name: getattr(base, name) for name in EDITABLE_PLAN_FIELDS},
        objectives=_children_at(PlanObjective.history, plan.pk, base.history_date, objective_names),
        actions=_children_at(PlanAction.history, plan.pk, base.history_date, action_names),
    )
    return merge_stale(
        mine=Version(fields=fields, objectives=objectives, actions=actions),
        base=was,
        theirs=theirs,
        field_names=EDITABLE_PLAN_FIELDS,
        labels=PLAN_FIELD_LABELS,
    )
