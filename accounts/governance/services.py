"""Writes for selection governance and the steering committee's review log.

Who may write (decided for issue 4, documented in the README):
- selection criteria: executives only (the steering committee sets them);
- criterion scores: the account's owner (who knows the account) and executives;
- qualifying answers: the account's owner;
- designation requests: the owner asks, an executive other than the owner decides; on
  approval the account's designation changes. Direct designation edits are refused in
  `accounts.services.account_update`, so every change has a decision on record;
- review meetings: executives.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.governance.models import ExitLoss
from accounts.governance.rules import (
    CRITERIA_REFUSED,
    DECIDE_REFUSED,
    DESIGNATION_REQUEST_REFUSED,
    MEETING_REFUSED,
    QUALIFYING_REFUSED,
    SCORE_REFUSED,
    can_answer_qualifying,
    can_decide_designation,
    can_log_review_meeting,
    can_request_designation,
    can_score_account,
    can_set_criteria,
)
from accounts.models import (
    Account,
    AccountEvent,
    CriterionScore,
    Designation,
    DesignationRequest,
    EventKind,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from accounts.services import UNSET, Unset, account_data_changed, given, lower_lazy
from kam.roles import Role
from kam.rules import require
from kam.types import User
from kam.versioning import versioned_update
from notifications.models import Kind
from notifications.selectors import users_with_role
from notifications.services import notification_message, notify

QUALIFYING_FIELDS = (
    "type_of_work_fit",
    "budget",
    "decision_criteria",
    "competitors",
    "reason_for_buying",
)


def _weight(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None


def _clean_criterion(criterion: SelectionCriterion) -> None:
    criterion.name = (criterion.name or "").strip()
    criterion.description = (criterion.description or "").strip()
    errors: dict[str, list[str]] = {}
    weight = _weight(criterion.weight)
    if weight is None:
        errors["weight"] = [_("Give the criterion a weight greater than 0.")]
    elif weight <= 0:
        errors["weight"] = [
            _("The weight must be greater than 0 (you sent %(weight)s).") % {"weight": weight}
        ]
    if not criterion.name:
        errors["name"] = [_("Give the criterion a name.")]
    try:
        criterion.full_clean(exclude=list(errors))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "__all__" and "weight" in errors:
                continue
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def selection_criterion_create(
    *, created_by: User, name: str, weight: Decimal, description: str = "", is_active: bool = True
) -> SelectionCriterion:
    """A new weighted selection criterion (weight > 0), by an executive."""
    require(can_set_criteria(created_by), CRITERIA_REFUSED)
    criterion = SelectionCriterion(
        name=name, weight=weight, description=description, is_active=is_active
    )
    _clean_criterion(criterion)
    criterion.save()
    return criterion


@transaction.atomic
def selection_criterion_update(
    *,
    criterion: SelectionCriterion,
    updated_by: User,
    version: int | None = None,
    name: str | Unset = UNSET,
    weight: Decimal | Unset = UNSET,
    description: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> SelectionCriterion:
    """Change the given fields of a criterion. Only what differs is written; a stale `version`
    raises VersionConflictError (kam/versioning.py)."""
    require(can_set_criteria(updated_by), CRITERIA_REFUSED)
    fields = given(name=name, weight=weight, description=description, is_active=is_active)
    candidate = SelectionCriterion.objects.get(pk=criterion.pk)
    for field_name, value in fields.items():
        setattr(candidate, field_name, value)
    _clean_criterion(candidate)
    fresh, _changed = versioned_update(
        instance=criterion,
        values={field_name: getattr(candidate, field_name) for field_name in fields},
        version=version,
        by=updated_by,
    )
    updated: SelectionCriterion = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def criterion_score_set(
    *,
    account: Account,
    criterion: SelectionCriterion,
    score: int,
    rationale: str,
    scored_by: User,
    version: int | None = None,
) -> CriterionScore:
    """Score the account 1-5 on a criterion, with the reason (owner or executive).
    `version`, when given, is the version of the score replaced: a stale one raises
    VersionConflictError (kam/versioning.py) and writes nothing."""
    require(can_score_account(scored_by, account), SCORE_REFUSED)
    errors: dict[str, str] = {}
    if score is None or not 1 <= int(score) <= 5:
        errors["score"] = _(
            "The score must be a whole number from 1 to 5 (you sent %(score)s)."
        ) % {"score": score}
    if not criterion.is_active:
        errors["criterion"] = _("“%(name)s” is no longer in use; score the active criteria.") % {
            "name": criterion.name
        }
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = _("Say why the account earns this score.")
    if errors:
        raise ValidationError(errors)
    row = CriterionScore.objects.select_for_update().filter(account=account, criterion=criterion)
    existing = row.first()
    if existing is None:
        existing = CriterionScore(account=account, criterion=criterion)
        existing.score = int(score)
        existing.rationale = rationale
        existing.scored_by = scored_by
        existing.save()
        account_data_changed(account_ids=[account.pk])
        return existing
    fresh, changed = versioned_update(
        instance=existing,
        values={"score": int(score), "rationale": rationale, "scored_by": scored_by},
        version=version,
        by=scored_by,
    )
    if changed:
        account_data_changed(account_ids=[account.pk])
    updated: CriterionScore = fresh  # versioned_update gives back the row it was given
    return updated


@transaction.atomic
def qualifying_answers_set(
    *,
    account: Account,
    updated_by: User,
    type_of_work_fit: str | Unset = UNSET,
    budget: str | Unset = UNSET,
    decision_criteria: str | Unset = UNSET,
    competitors: str | Unset = UNSET,
    reason_for_buying: str | Unset = UNSET,
) -> QualifyingAnswers:
    """Record the answers given to the qualifying questions (the account's owner)."""
    require(can_answer_qualifying(updated_by, account), QUALIFYING_REFUSED)
    answers = given(
        type_of_work_fit=type_of_work_fit,
        budget=budget,
        decision_criteria=decision_criteria,
        competitors=competitors,
        reason_for_buying=reason_for_buying,
    )
    record, _created = QualifyingAnswers.objects.select_for_update().get_or_create(account=account)
    for name, value in answers.items():
        setattr(record, name, (value or "").strip())
    record.updated_by = updated_by
    record.save()
    return record


@transaction.atomic
def designation_request_create(
    *, account: Account, requested_by: User, to_designation: str, reason: str, exit_loss: str = ""
) -> DesignationRequest:
    """The owner asks to change the account's designation; one pending request at a time. A
    move to exit says whether the account was lost (`exit_loss`, ExitLoss: the churn
    backtest's outcome, recorded when the move is approved; empty: not answered)."""
    require(can_request_designation(requested_by, account), DESIGNATION_REQUEST_REFUSED)
    errors: dict[str, str] = {}
    if to_designation not in Designation.values:
        errors["to_designation"] = _(
            "“%(designation)s” is not a designation; use candidate, pilot, strategic, "
            "transactional or exit."
        ) % {"designation": to_designation}
    elif to_designation == account.designation:
        errors["to_designation"] = _("The account is already %(designation)s.") % {
            "designation": account.get_designation_display()
        }
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the designation should change.")
    if DesignationRequest.objects.filter(account=account, status=RequestStatus.PENDING).exists():
        errors["account"] = _("This account already has a pending designation request.")
    # --- churn outcome (issue 20): a move to exit asks whether the account was lost ---
    exit_loss = (exit_loss or "").strip()
    exit_loss_error = _exit_loss_error(to_designation, exit_loss)
    if exit_loss_error:
        errors["exit_loss"] = exit_loss_error
    # --- end churn outcome ---
    if errors:
        raise ValidationError(errors)
    request = DesignationRequest.objects.create(
        account=account,
        from_designation=account.designation,
        to_designation=to_designation,
        reason=reason,
        exit_loss=exit_loss,
        requested_by=requested_by,
    )
    # Notification (issue 18): the request waits for the executives.
    notify(
        recipients=users_with_role(Role.EXECUTIVE),
        kind=Kind.DESIGNATION_REQUESTED,
        message=notification_message(
            gettext_lazy("%(username)s asks to make %(account)s %(to)s (now %(from)s): %(reason)s"),
            username=requested_by.username,
            account=account.name,
            to=lower_lazy(Designation(request.to_designation).label),
            reason=reason,
            **{"from": lower_lazy(Designation(request.from_designation).label)},
        ),
        url=reverse("accounts:committee"),
        actor=requested_by,
    )
    return request


@transaction.atomic
def designation_request_decide(
    *, request: DesignationRequest, decided_by: User, approve: bool, comment: str = ""
) -> DesignationRequest:
    """An executive approves (the designation changes) or declines a pending request.

    Nobody decides a request for an account they own. Decided once: a second decision
    (e.g. two executives at once) is refused.
    """
    require(can_decide_designation(decided_by, request), DECIDE_REFUSED)
    account = Account.objects.select_for_update().get(pk=request.account_id)
    if account.owner_id == decided_by.pk or request.requested_by_id == decided_by.pk:
        raise ValidationError(
            _("You cannot decide your own designation request: another executive must.")
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is declined.")})
    if approve and account.designation != request.from_designation:
        raise ValidationError(
            {
                "designation": _(
                    "The account is %(now)s now, not %(then)s as when this was requested; "
                    "decline it and ask again."
                )
                % {
                    "now": account.get_designation_display(),
                    "then": request.get_from_designation_display().lower(),
                }
            }
        )
    claimed = DesignationRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.DECLINED,
        decided_by=decided_by,
        decided_at=timezone.now(),
        decision_comment=comment,
    )
    if claimed != 1:
        raise ValidationError({"status": _("This request has already been decided.")})
    if approve:
        account.designation = request.to_designation
        account.save(update_fields=["designation", "updated_at"])
        _account_lost_record(request=request, account=account)  # churn outcome (issue 20)
        account_data_changed(account_ids=[account.pk])
    request.refresh_from_db()
    # Notification (issue 18): the requester and the owner hear the decision.
    if approve:
        template = (
            gettext_lazy(
                "%(username)s approved the request to make %(account)s %(designation)s: %(comment)s"
            )
            if comment
            else gettext_lazy(
                "%(username)s approved the request to make %(account)s %(designation)s."
            )
        )
    else:
        template = (
            gettext_lazy(
                "%(username)s declined the request to make %(account)s %(designation)s: %(comment)s"
            )
            if comment
            else gettext_lazy(
                "%(username)s declined the request to make %(account)s %(designation)s."
            )
        )
    notify(
        recipients=[request.requested_by, account.owner],
        kind=Kind.DESIGNATION_DECIDED,
        # lazy: written in each recipient's language (notifications.services.notify)
        message=notification_message(
            template,
            username=decided_by.username,
            account=account.name,
            designation=lower_lazy(Designation(request.to_designation).label),
            comment=comment,
        ),
        url=reverse("accounts:selection", args=[account.pk]),
        actor=decided_by,
    )
    return request


# --- churn outcome (issue 20) ---------------------------------------------------------------
def _exit_loss_error(to_designation: str, exit_loss: str) -> str | None:
    """What is wrong with the answer to "was it lost?" (None when right): asked of a move to
    exit only (the page asks it there; left empty, nothing is recorded)."""
    if to_designation == Designation.EXIT:
        if exit_loss and exit_loss not in ExitLoss.values:
            return _(
                "“%(answer)s” is no answer: say whether the account was lost to a rival (rival), "
                "stopped buying (stopped) or was not lost (not_lost)."
            ) % {"answer": exit_loss[:40]}
    elif exit_loss:
        return _("Only a move to exit asks whether the account was lost; leave it empty.")
    return None


def _account_lost_record(*, request: DesignationRequest, account: Account) -> None:
    """An approved move to exit whose owner said the account was lost records the
    account_lost event the churn backtest reads, dated the day of the decision."""
    if request.to_designation != Designation.EXIT or request.exit_loss not in (
        ExitLoss.RIVAL,
        ExitLoss.STOPPED,
    ):
        return
    AccountEvent.objects.create(
        account=account,
        kind=EventKind.ACCOUNT_LOST,
        date=timezone.localdate(),
        notes=_("%(loss)s (moved to exit: %(reason)s)")
        % {"loss": ExitLoss(request.exit_loss).label, "reason": request.reason},
        created_by=request.requested_by,
    )


# --- end churn outcome ---------------------------------------------------------------------


def _meeting_errors(
    *, date_: date | None, decisions: str, attendees: list[User], accounts: list[Account]
) -> dict[str, str]:
    errors = {}
    if date_ is None:
        errors["date"] = _("Give the meeting's date.")
    if not decisions.strip():
        errors["decisions"] = _("Record what the committee decided.")
    if not attendees:
        errors["attendees"] = _("Name at least one attendee.")
    if not accounts:
        errors["accounts"] = _("Name at least one account discussed.")
    return errors


@transaction.atomic
def review_meeting_create(
    *,
    created_by: User,
    date: date,
    decisions: str,
    attendees: Iterable[User],
    accounts: Iterable[Account],
    title: str = "",
) -> ReviewMeeting:
    """Log a steering-committee meeting (executives)."""
    require(can_log_review_meeting(created_by), MEETING_REFUSED)
    attendee_list, account_list = list(attendees), list(accounts)
    errors = _meeting_errors(
        date_=date, decisions=decisions or "", attendees=attendee_list, accounts=account_list
    )
    if errors:
        raise ValidationError(errors)
    meeting = ReviewMeeting.objects.create(
        date=date,
        title=(title or "").strip() or _("Steering committee"),
        decisions=decisions.strip(),
        created_by=created_by,
    )
    meeting.attendees.set(attendee_list)
    meeting.accounts.set(account_list)
    return meeting


@transaction.atomic
def review_meeting_update(
    *,
    meeting: ReviewMeeting,
    updated_by: User,
    date: date,
    decisions: str,
    attendees: Iterable[User],
    accounts: Iterable[Account],
    title: str = "",
) -> ReviewMeeting:
    require(can_log_review_meeting(updated_by), MEETING_REFUSED)
    attendee_list, account_list = list(attendees), list(accounts)
    errors = _meeting_errors(
        date_=date, decisions=decisions or "", attendees=attendee_list, accounts=account_list
    )
    if errors:
        raise ValidationError(errors)
    meeting.date = date
    meeting.title = (title or "").strip() or _("Steering committee")
    meeting.decisions = decisions.strip()
    meeting.save()
    meeting.attendees.set(attendee_list)
    meeting.accounts.set(account_list)
    return meeting


@transaction.atomic
def review_meeting_delete(*, meeting: ReviewMeeting, deleted_by: User) -> None:
    """Remove a logged meeting (executives): its attendees and accounts go with it."""
    require(can_log_review_meeting(deleted_by), MEETING_REFUSED)
    meeting.delete()
