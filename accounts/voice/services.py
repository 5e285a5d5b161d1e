"""Writes to the voice of the customer.

Who may write (decided for issue 4, documented in the README):
- assessments: the account's owner (they run business reviews and commission surveys);
- complaints and events: the owner and the account team log them (`can_contribute_to_account`),
  since whoever hears of a problem should; the owner changes or deletes any of them, a team
  member only those they logged (`can_change_account_record`).
Executives and ops read only. Every function validates everything first and writes in one
transaction; a bad value raises ValidationError with a message on its field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    AccountEvent,
    Assessment,
    AssessmentDimension,
    AssessmentKind,
    Complaint,
    EventKind,
    Severity,
)
from accounts.services import UNSET, Unset, account_data_changed, given
from accounts.voice.rules import (
    ASSESSMENT_REFUSED,
    COMPLAINT_CHANGE_REFUSED,
    COMPLAINT_RECORD_REFUSED,
    EVENT_CHANGE_REFUSED,
    EVENT_RECORD_REFUSED,
    can_change_assessment,
    can_change_complaint,
    can_change_event,
    can_record_assessment,
    can_record_complaint,
    can_record_event,
)
from kam.rules import require
from kam.types import User
from kam.versioning import versioned_update

EVENT_KINDS_TEXT = ", ".join(EventKind.values)
ASSESSMENT_KINDS_TEXT = ", ".join(AssessmentKind.values)


def _score(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None


def _validate_dimensions(dimensions: list[Mapping[str, Any]]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for number, item in enumerate(dimensions, start=1):
        name = str(item.get("name") or "").strip()
        label = (
            _("Dimension %(number)s “%(name)s”") % {"number": number, "name": name}
            if name
            else _("Dimension %(number)s") % {"number": number}
        )
        if not name:
            problems.append(_("%(label)s: give the dimension a name.") % {"label": label})
        elif name.lower() in seen:
            problems.append(_("%(label)s: this dimension appears twice.") % {"label": label})
        seen.add(name.lower())
        for part, missing, out_of_range in (
            (
                "expectation",
                _("%(label)s: give the customer's expectation (0-10)."),
                _("%(label)s: the expectation must be between 0 and 10 (you sent %(value)s)."),
            ),
            (
                "performance",
                _("%(label)s: give the customer's performance (0-10)."),
                _("%(label)s: the performance must be between 0 and 10 (you sent %(value)s)."),
            ),
        ):
            value = _score(item.get(part))
            if value is None:
                problems.append(missing % {"label": label})
            elif not Decimal(0) <= value <= Decimal(10):
                problems.append(out_of_range % {"label": label, "value": value})
    return problems


def _accepted_score(value: Any) -> Decimal:
    """A score `_validate_dimensions` has accepted (so never None here)."""
    score = _score(value)
    if score is None:
        raise ValidationError({"dimensions": _("Give every dimension its scores (0-10).")})
    return score


def _write_dimensions(assessment: Assessment, dimensions: Sequence[Mapping[str, Any]]) -> None:
    assessment.dimensions.all().delete()
    AssessmentDimension.objects.bulk_create(
        AssessmentDimension(
            assessment=assessment,
            name=str(item["name"]).strip(),
            expectation=_accepted_score(item["expectation"]),
            performance=_accepted_score(item["performance"]),
        )
        for item in dimensions
    )


def _full_clean(instance: Any, extra: list[str] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if extra:
        errors["dimensions"] = extra
    if isinstance(instance, Assessment):
        score = _score(instance.score)
        if score is not None and not Decimal(0) <= score <= Decimal(10):
            errors["score"] = [
                _("The score must be between 0 and 10 (you sent %(score)s).") % {"score": score}
            ]
        if instance.kind not in AssessmentKind.values:
            errors["kind"] = [
                _("“%(kind)s” is not an assessment kind; use one of %(kinds)s.")
                % {"kind": instance.kind, "kinds": ASSESSMENT_KINDS_TEXT}
            ]
    try:
        instance.full_clean(exclude=["account", "created_by", *errors])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "__all__" and "score" in errors:
                continue  # the check constraint repeats the score message
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_create(
    *,
    account: Account,
    created_by: User,
    kind: str,
    date: date,
    score: Decimal,
    notes: str = "",
    dimensions: Iterable[Mapping[str, Any]] = (),
) -> Assessment:
    """Record an assessment (score 0-10) with expectation vs performance per dimension."""
    require(can_record_assessment(created_by, account), ASSESSMENT_REFUSED)
    dimension_list = list(dimensions)
    assessment = Assessment(
        account=account,
        kind=kind,
        date=date,
        score=score,
        notes=(notes or "").strip(),
        created_by=created_by,
    )
    _full_clean(assessment, _validate_dimensions(dimension_list))
    assessment.save()
    _write_dimensions(assessment, dimension_list)
    account_data_changed(account_ids=[account.pk])
    return assessment


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    updated_by: User,
    dimensions: list[Mapping[str, Any]] | None = None,
    version: int | None = None,
    kind: str | Unset = UNSET,
    date: date | Unset = UNSET,
    score: Decimal | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> Assessment:
    """Change the given fields (dimensions, when given, replace all). Only what differs is
    written; `version` is the version edited: a stale one raises VersionConflictError
    (kam/versioning.py), None writes on top."""
    require(can_change_assessment(updated_by, assessment), ASSESSMENT_REFUSED)
    fields = given(kind=kind, date=date, score=score, notes=notes)
    candidate = Assessment.objects.get(pk=assessment.pk)
    for name, value in fields.items():
        setattr(candidate, name, value)
    _full_clean(candidate, _validate_dimensions(dimensions) if dimensions is not None else None)
    fresh, changed = versioned_update(
        instance=assessment,
        values={name: getattr(candidate, name) for name in fields},
        version=version,
        by=updated_by,
        touched=["dimensions"] if dimensions is not None else [],
    )
    if dimensions is not None:
        _write_dimensions(fresh, dimensions)
    if changed or dimensions is not None:
        account_data_changed(account_ids=[assessment.account_id])
    updated: Assessment = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def assessment_delete(*, assessment: Assessment, deleted_by: User) -> None:
    require(can_change_assessment(deleted_by, assessment), ASSESSMENT_REFUSED)
    assessment.delete()
    account_data_changed(account_ids=[assessment.account_id])


def complaint_category_normalise(category: str) -> str:
    """Categories group recurring problems, so "Late  Delivery " and "late delivery" match."""
    return re.sub(r"\s+", " ", (category or "").strip()).lower()


def _clean_complaint(complaint: Complaint) -> None:
    complaint.category = complaint_category_normalise(complaint.category)
    complaint.description = (complaint.description or "").strip()
    errors: dict[str, list[str]] = {}
    if not complaint.category:
        errors["category"] = [_("Give the complaint a category (e.g. delivery, billing, quality).")]
    if (
        complaint.resolved_on is not None
        and complaint.opened_on is not None
        and complaint.resolved_on < complaint.opened_on
    ):
        errors["resolved_on"] = [
            _("The resolved date %(resolved)s is before the opened date %(opened)s.")
            % {
                "resolved": complaint.resolved_on.isoformat(),
                "opened": complaint.opened_on.isoformat(),
            }
        ]
    if complaint.severity not in Severity.values:
        errors["severity"] = [_("The severity must be low, medium, high or critical.")]
    try:
        complaint.full_clean(exclude=["account", "created_by", *errors])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "__all__" and "resolved_on" in errors:
                continue
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def complaint_create(
    *,
    account: Account,
    created_by: User,
    category: str,
    severity: str,
    opened_on: date,
    resolved_on: date | None = None,
    description: str = "",
) -> Complaint:
    """Log a complaint (owner or team member); resolved_on may not precede opened_on."""
    require(can_record_complaint(created_by, account), COMPLAINT_RECORD_REFUSED)
    complaint = Complaint(
        account=account,
        category=category,
        severity=severity,
        opened_on=opened_on,
        resolved_on=resolved_on,
        description=description,
        created_by=created_by,
    )
    _clean_complaint(complaint)
    complaint.save()
    account_data_changed(account_ids=[account.pk])
    return complaint


@transaction.atomic
def complaint_update(
    *,
    complaint: Complaint,
    updated_by: User,
    version: int | None = None,
    category: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    opened_on: date | Unset = UNSET,
    resolved_on: date | None | Unset = UNSET,
    description: str | Unset = UNSET,
) -> Complaint:
    """Change a complaint, typically to record the day it was resolved. Only what differs
    is written; a stale `version` raises VersionConflictError (kam/versioning.py)."""
    require(can_change_complaint(updated_by, complaint), COMPLAINT_CHANGE_REFUSED)
    fields = given(
        category=category,
        severity=severity,
        opened_on=opened_on,
        resolved_on=resolved_on,
        description=description,
    )
    candidate = Complaint.objects.get(pk=complaint.pk)
    for name, value in fields.items():
        setattr(candidate, name, value)
    _clean_complaint(candidate)
    fresh, changed = versioned_update(
        instance=complaint,
        values={name: getattr(candidate, name) for name in fields},
        version=version,
        by=updated_by,
    )
    if changed:
        account_data_changed(account_ids=[complaint.account_id])
    updated: Complaint = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def complaint_delete(*, complaint: Complaint, deleted_by: User) -> None:
    require(can_change_complaint(deleted_by, complaint), COMPLAINT_CHANGE_REFUSED)
    complaint.delete()
    account_data_changed(account_ids=[complaint.account_id])


def _clean_event(event: AccountEvent) -> None:
    event.notes = (event.notes or "").strip()
    if event.kind not in EventKind.values:
        raise ValidationError(
            {
                "kind": _("“%(kind)s” is not an event kind; use one of %(kinds)s.")
                % {"kind": event.kind, "kinds": EVENT_KINDS_TEXT}
            }
        )
    _full_clean(event)


@transaction.atomic
def account_event_create(
    *, account: Account, created_by: User, kind: str, date: date, notes: str = ""
) -> AccountEvent:
    """Record an event of the defection cycle (competitor evaluation, RFP, ultimatum…)."""
    require(can_record_event(created_by, account), EVENT_RECORD_REFUSED)
    event = AccountEvent(account=account, kind=kind, date=date, notes=notes, created_by=created_by)
    _clean_event(event)
    event.save()
    account_data_changed(account_ids=[account.pk])
    return event


@transaction.atomic
def account_event_update(
    *,
    event: AccountEvent,
    updated_by: User,
    version: int | None = None,
    kind: str | Unset = UNSET,
    date: date | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> AccountEvent:
    """Change an event. Only what differs is written; a stale `version` raises
    VersionConflictError (kam/versioning.py)."""
    require(can_change_event(updated_by, event), EVENT_CHANGE_REFUSED)
    fields = given(kind=kind, date=date, notes=notes)
    candidate = AccountEvent.objects.get(pk=event.pk)
    for name, value in fields.items():
        setattr(candidate, name, value)
    _clean_event(candidate)
    fresh, changed = versioned_update(
        instance=event,
        values={name: getattr(candidate, name) for name in fields},
        version=version,
        by=updated_by,
    )
    if changed:
        account_data_changed(account_ids=[event.account_id])
    updated: AccountEvent = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def account_event_delete(*, event: AccountEvent, deleted_by: User) -> None:
    require(can_change_event(deleted_by, event), EVENT_CHANGE_REFUSED)
    event.delete()
    account_data_changed(account_ids=[event.account_id])
