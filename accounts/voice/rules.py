"""Who may write the voice of the customer (predicates: no writes, no raising).

Assessments: the account's owner (they run business reviews and commission surveys).
Complaints and events: the owner and the account team log them, since whoever hears of a
problem should; the owner changes or deletes any of them, a team member only those they
logged. Executives and ops read only."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountEvent, Assessment, Complaint
from accounts.rules import (
    RECORD_CHANGE_REFUSED,
    can_change_account_record,
    can_contribute_to_account,
    can_edit_account,
)
from kam.types import AnyUser

ASSESSMENT_REFUSED = _("Only the account's owner records assessments.")
COMPLAINT_RECORD_REFUSED = _("Only the account's owner and team record complaints.")
EVENT_RECORD_REFUSED = _("Only the account's owner and team record account events.")
COMPLAINT_CHANGE_REFUSED = format_lazy(RECORD_CHANGE_REFUSED, what=_("a complaint"))
EVENT_CHANGE_REFUSED = format_lazy(RECORD_CHANGE_REFUSED, what=_("an account event"))


def can_record_assessment(user: AnyUser, account: Account) -> bool:
    return can_edit_account(user, account)


def can_change_assessment(user: AnyUser, assessment: Assessment) -> bool:
    return can_edit_account(user, assessment.account)


def can_record_complaint(user: AnyUser, account: Account) -> bool:
    return can_contribute_to_account(user, account)


def can_change_complaint(user: AnyUser, complaint: Complaint) -> bool:
    return can_change_account_record(user, complaint)


def can_record_event(user: AnyUser, account: Account) -> bool:
    return can_contribute_to_account(user, account)


def can_change_event(user: AnyUser, event: AccountEvent) -> bool:
    return can_change_account_record(user, event)
