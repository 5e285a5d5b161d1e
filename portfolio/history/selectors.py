"""The account's History tab: every recorded change of the account's records, newest first.

Each account-scoped model keeps its history with django-simple-history (kam/audit.py). The
tab reads them as one timeline: a UNION ALL over the history tables, each filtered to the
account, ordered by time and paginated in the database; then, for the page only, two
queries per kind of record on it (its rows with their users, and the rows before them, for
the diff) and one per kind of related record named in it. The number of queries depends on
the kinds on the page, never on the number of entries.

Imports write in bulk and keep no per-row history: each is one ImportBatch row (who, when,
kind, counts), listed beside the timeline (`history_import_batches`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accounts.models import (
    Account,
    AccountEvent,
    AccountLocation,
    AccountPlan,
    Assessment,
    AssessmentDimension,
    Complaint,
    CriterionScore,
    DesignationRequest,
    KnowledgeEntry,
    PlanAction,
    PlanObjective,
    QualifyingAnswers,
    ReviewMeeting,
    SelectionCriterion,
    TeamMember,
)

PAGE_SIZE = 50
EMPTY = "—"
KIND_OF_CHANGE = {"+": "created", "~": "changed", "-": "deleted"}

Subject = Callable[[Any, "Names"], str]
Belongs = Callable[[int], Q]


@dataclass(frozen=True)
class Part:
    """One model whose history shows on the tab, under the filter `kind`."""

    kind: str
    label: str | Promise
    model: type[models.Model]
    belongs: Belongs  # a filter of its history rows: those of account `id`
    subject: Subject  # a few words naming the record


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryItem:
    when: datetime
    who: str
    kind: str
    label: str
    subject: str
    change: str  # created, changed, deleted
    changes: list[FieldChange] = field(default_factory=list)


class Names:
    """Names of the related records a page mentions, read with one query per model."""

    # Related model → the field that names one of its rows.
    NAME_FIELDS: dict[str, str] = {
        "auth.user": "username",
        "accounts.account": "name",
        "accounts.accountlocation": "name",
        "accounts.selectioncriterion": "name",
        "accounts.accountplan": "period",
        "relationships.contact": "name",
        "valuation.activitytype": "code",
    }

    def __init__(self, wanted: dict[type[models.Model], set[Any]]) -> None:
        self._names: dict[tuple[str, Any], str] = {}
        for model, ids in wanted.items():
            name_field = self.NAME_FIELDS.get(model._meta.label_lower)
            if name_field is None or not ids:
                continue
            rows = model._base_manager.filter(pk__in=ids).values_list("pk", name_field)
            for pk, name in rows:
                self._names[(model._meta.label_lower, pk)] = str(name)

    def of(self, model: type[models.Model], pk: Any) -> str:
        if pk is None:
            return EMPTY
        return self._names.get((model._meta.label_lower, pk), f"#{pk}")


def _direct(account_id: int) -> Q:
    return Q(account_id=account_id)


def _through_history(model: type[models.Model], link: str) -> Belongs:
    """Rows whose parent (`link`, e.g. contact_id) ever belonged to the account: read from
    the parent's history, so the changes of a deleted parent's children still show."""

    def belongs(account_id: int) -> Q:
        parents = model.history.filter(account_id=account_id).values("id")  # type: ignore[attr-defined]
        return Q(**{f"{link}__in": parents})

    return belongs


def _meeting_of(account_id: int) -> Q:
    through = ReviewMeeting.accounts.through
    return Q(id__in=through.objects.filter(account_id=account_id).values("reviewmeeting_id"))


def _label(model: type[models.Model], name: str, value: Any) -> str:
    field = model._meta.get_field(name)
    choices = dict(field.flatchoices) if isinstance(field, models.Field) else {}
    return str(choices.get(value, value))


def _in_plan(subject: str, plan: str) -> str:
    return gettext("%(subject)s (plan %(plan)s)") % {"subject": subject, "plan": plan}


@cache
def history_parts() -> tuple[Part, ...]:
    """Every model shown on the tab, in the order of the kind filter."""
    from relationships.models import Contact, ContactGoal, Interaction
    from valuation.models import (
        ActivityType,
        Forecast,
        RevenueRecord,
        ServiceActivity,
        ValueEntry,
    )

    def user_of(record: Any, names: Names) -> str:
        return names.of(get_user_model(), record.user_id)

    return (
        Part("account", gettext_lazy("Account"), Account, lambda pk: Q(id=pk), lambda r, n: r.name),
        Part("location", gettext_lazy("Location"), AccountLocation, _direct, lambda r, n: r.name),
        Part(
            "knowledge",
            gettext_lazy("Knowledge entry"),
            KnowledgeEntry,
            _direct,
            lambda r, n: r.title,
        ),
        Part("team", gettext_lazy("Team member"), TeamMember, _direct, user_of),
        Part("contact", gettext_lazy("Contact"), Contact, _direct, lambda r, n: r.name),
        Part(
            "contact",
            gettext_lazy("Contact goal"),
            ContactGoal,
            _through_history(Contact, "contact_id"),
            lambda r, n: f"{r.text} ({n.of(Contact, r.contact_id)})",
        ),
        Part(
            "interaction",
            gettext_lazy("Interaction"),
            Interaction,
            _direct,
            lambda r, n: f"{r.date:%Y-%m-%d} · {_label(Interaction, 'channel', r.channel)}",
        ),
        Part(
            "assessment",
            gettext_lazy("Assessment"),
            Assessment,
            _direct,
            lambda r, n: f"{_label(Assessment, 'kind', r.kind)} {r.date:%Y-%m-%d}",
        ),
        Part(
            "assessment",
            gettext_lazy("Assessment dimension"),
            AssessmentDimension,
            _through_history(Assessment, "assessment_id"),
            lambda r, n: r.name,
        ),
        Part(
            "complaint",
            gettext_lazy("Complaint"),
            Complaint,
            _direct,
            lambda r, n: f"{r.category} ({r.opened_on:%Y-%m-%d})",
        ),
        Part(
            "event",
            gettext_lazy("Event"),
            AccountEvent,
            _direct,
            lambda r, n: f"{_label(AccountEvent, 'kind', r.kind)} {r.date:%Y-%m-%d}",
        ),
        Part("plan", gettext_lazy("Plan"), AccountPlan, _direct, lambda r, n: r.period),
        Part(
            "plan",
            gettext_lazy("Plan objective"),
            PlanObjective,
            _through_history(AccountPlan, "plan_id"),
            lambda r, n: _in_plan(r.metric, n.of(AccountPlan, r.plan_id)),
        ),
        Part(
            "plan",
            gettext_lazy("Plan action"),
            PlanAction,
            _through_history(AccountPlan, "plan_id"),
            lambda r, n: _in_plan(r.title, n.of(AccountPlan, r.plan_id)),
        ),
        Part(
            "criterion_score",
            gettext_lazy("Criterion score"),
            CriterionScore,
            _direct,
            lambda r, n: n.of(SelectionCriterion, r.criterion_id),
        ),
        Part(
            "qualifying",
            gettext_lazy("Qualifying answers"),
            QualifyingAnswers,
            _direct,
            lambda r, n: gettext("Qualifying answers"),
        ),
        Part(
            "designation_request",
            gettext_lazy("Designation request"),
            DesignationRequest,
            _direct,
            lambda r, n: (
                f"{_label(DesignationRequest, 'from_designation', r.from_designation)} → "
                f"{_label(DesignationRequest, 'to_designation', r.to_designation)}"
            ),
        ),
        Part(
            "review_meeting",
            gettext_lazy("Review meeting"),
            ReviewMeeting,
            _meeting_of,
            lambda r, n: f"{r.title} {r.date:%Y-%m-%d}",
        ),
        Part(
            "revenue",
            gettext_lazy("Revenue"),
            RevenueRecord,
            _direct,
            lambda r, n: f"{r.period_start:%Y-%m} · {n.of(AccountLocation, r.location_id)}",
        ),
        Part(
            "forecast",
            gettext_lazy("Forecast"),
            Forecast,
            _direct,
            lambda r, n: f"{r.period_start:%Y-%m}",
        ),
        Part(
            "activity",
            gettext_lazy("Service activity"),
            ServiceActivity,
            _direct,
            lambda r, n: gettext("%(activity)s on %(date)s")
            % {"activity": n.of(ActivityType, r.activity_type_id), "date": f"{r.date:%Y-%m-%d}"},
        ),
        Part(
            "value_entry",
            gettext_lazy("Value entry"),
            ValueEntry,
            _direct,
            lambda r, n: f"{r.category} {r.date:%Y-%m-%d}",
        ),
    )


def history_kinds() -> list[tuple[str, str]]:
    """(value, label) of the kind filter, in display order."""
    seen: dict[str, str] = {}
    for part in history_parts():
        seen.setdefault(part.kind, str(part.label))
    return list(seen.items())


def _history_model(part: Part) -> type[models.Model]:
    # `history` is the manager simple_history's HistoricalRecords adds to each audited model.
    history_model: type[models.Model] = part.model.history.model  # type: ignore[attr-defined]
    return history_model


def _timeline(*, account: Account, kind: str | None) -> QuerySet[Any]:
    """(history_date, history_id, part index) of every change of the account's records, as
    one UNION ALL ordered newest first (the paginator counts and slices it in SQL)."""
    selects: list[QuerySet[Any]] = []
    for index, part in enumerate(history_parts()):
        if kind and part.kind != kind:
            continue
        selects.append(
            _history_model(part)
            ._default_manager.filter(part.belongs(account.pk))
            .order_by()
            .annotate(h_when=F("history_date"), h_id=F("history_id"), h_part=Value(index))
            .values_list("h_when", "h_id", "h_part")
        )
    first, *rest = selects
    return first.union(*rest, all=True).order_by("-h_when", "-h_part", "-h_id")


def _shown_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields a diff shows: what a user edits (no ids, versions or timestamps)."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in ("data_version", "field_versions")
    ]


# The accounts models' fields keep Django's default verbose names (marking them would
# write a migration for each); the history says them in the reader's language through these
# msgids, which are the defaults, capitalised.
FIELD_WORDS = (
    gettext_noop("Assessed by"),
    gettext_noop("Competitors"),
    gettext_noop("Created by"),
    gettext_noop("Decided at"),
    gettext_noop("Decided by"),
    gettext_noop("Decision comment"),
    gettext_noop("Exit loss"),
    gettext_noop("Expansion"),
    gettext_noop("From designation"),
    gettext_noop("Is active"),
    gettext_noop("Is executive sponsor"),
    gettext_noop("Query"),
    gettext_noop("Requested by"),
    gettext_noop("Reviewed at"),
    gettext_noop("Reviewed by"),
    gettext_noop("Situation"),
    gettext_noop("Strategy"),
    gettext_noop("Submitted at"),
    gettext_noop("Submitted by"),
    gettext_noop("To designation"),
    gettext_noop("Type of work fit"),
    gettext_noop("Updated by"),
)


def _field_label(model_field: models.Field[Any, Any]) -> str:
    return gettext(str(model_field.verbose_name).capitalize())


def _display(model_field: models.Field[Any, Any], value: Any, names: Names) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation and model_field.related_model is not None:
        return names.of(model_field.related_model, value)  # type: ignore[arg-type]
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _changes(part: Part, record: Any, previous: Any | None, names: Names) -> list[FieldChange]:
    fields = _shown_fields(part.model)
    if record.history_type == "-":
        return []
    if previous is None:
        pairs = [(f, None, getattr(record, f.attname)) for f in fields]
        pairs = [(f, old, new) for f, old, new in pairs if new not in (None, "")]
    else:
        delta = record.diff_against(previous, included_fields=[f.name for f in fields])
        by_name = {f.name: f for f in fields}
        pairs = [
            (by_name[change.field], change.old, change.new)
            for change in delta.changes
            if change.field in by_name
        ]
    return [
        FieldChange(
            field=f.name,
            label=_field_label(f),
            old=_display(f, old, names) if previous is not None else EMPTY,
            new=_display(f, new, names),
        )
        for f, old, new in pairs
    ]


def _related_ids(parts: Iterable[tuple[Part, Any]]) -> dict[type[models.Model], set[Any]]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for part, record in parts:
        for f in part.model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)  # type: ignore[index]
    return wanted


def _items(rows: list[tuple[datetime, int, int]]) -> list[HistoryItem]:
    """The entries of one page: per kind on it, its rows (with their users and the id of
    the row before each) in one query and the rows before them in another."""
    parts = history_parts()
    ids_by_part: dict[int, list[int]] = defaultdict(list)
    for _when, history_id, index in rows:
        ids_by_part[index].append(history_id)
    records: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for index, ids in ids_by_part.items():
        history_model = _history_model(parts[index])
        pk_name = parts[index].model._meta.pk.attname
        before = (
            history_model._default_manager.filter(
                **{pk_name: OuterRef(pk_name)}, history_id__lt=OuterRef("history_id")
            )
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        found = list(
            history_model._default_manager.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(before))
        )
        earlier = {
            row.pk: row  # a history row's primary key is its history_id
            for row in history_model._default_manager.filter(
                history_id__in=[r.previous_id for r in found if r.previous_id is not None]
            )
        }
        for record in found:
            records[(index, record.history_id)] = record
            if record.previous_id is not None:
                previous[(index, record.history_id)] = earlier.get(record.previous_id)
    named = [(parts[key[0]], r) for key, r in (*records.items(), *previous.items()) if r]
    names = Names(_related_ids(named))
    items = []
    for _when, history_id, index in rows:
        record = records.get((index, history_id))
        if record is None:
            continue
        part = parts[index]
        before_record = previous.get((index, history_id))
        user = record.history_user
        items.append(
            HistoryItem(
                when=record.history_date,
                who=user.username if user is not None else gettext("system"),
                kind=part.kind,
                label=str(part.label),
                subject=part.subject(record, names),
                change=KIND_OF_CHANGE.get(record.history_type, "changed"),
                changes=_changes(part, record, before_record, names),
            )
        )
    return items


def account_history_page(
    *, account: Account, kind: str | None = None, page: Any = 1, per_page: int = PAGE_SIZE
) -> tuple[Page[Any], list[HistoryItem]]:
    """One page of the account's changes, newest first; `kind` keeps one kind of record
    (an unknown kind keeps all)."""
    known = {value for value, _label in history_kinds()}
    paginator = Paginator(
        _timeline(account=account, kind=kind if kind in known else None), per_page
    )
    current = paginator.get_page(page)
    return current, _items(list(current.object_list))


def history_import_batches(*, limit: int = 20) -> QuerySet[Any]:
    """The latest imports of the kinds that write accounts' rows: one entry per file
    (who, when, kind, counts). Imports write in bulk and keep no per-row history."""
    from valuation.models import ImportBatch, ImportKind

    kinds = [
        ImportKind.ACCOUNTS,
        ImportKind.REVENUE,
        ImportKind.FORECASTS,
        ImportKind.ACTIVITIES,
        ImportKind.COMPLAINTS,
        ImportKind.EVENTS,
    ]
    return (
        ImportBatch.objects.filter(kind__in=kinds, status=ImportBatch.Status.SUCCEEDED)
        .select_related("created_by")
        .only(
            "kind",
            "status",
            "rows_total",
            "rows_created",
            "rows_updated",
            "created_at",
            "finished_at",
            "created_by__username",
        )
        .order_by("-finished_at", "-id")[:limit]
    )
