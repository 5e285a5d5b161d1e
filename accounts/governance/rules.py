"""Who may write selection governance (predicates: no writes, no raising).

Executives (the steering committee) set the selection criteria, decide designation requests
and log review meetings; the account's owner answers the qualifying questions and asks for a
designation change; the owner and executives score accounts against the criteria."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Account, DesignationRequest
from accounts.rules import can_edit_account, can_review
from kam.types import AnyUser

# Translators: {what} is what the committee does, e.g. "decide designation changes"
COMMITTEE_REFUSED = _("Only the executive steering committee may {what}.")
CRITERIA_REFUSED = _("Only the executive steering committee may set selection criteria.")
DECIDE_REFUSED = _("Only the executive steering committee may decide designation changes.")
MEETING_REFUSED = _("Only the executive steering committee may log review meetings.")
SCORE_REFUSED = _("Only the account's owner and executives score accounts.")
QUALIFYING_REFUSED = _("Only the account's owner answers the qualifying questions.")
DESIGNATION_REQUEST_REFUSED = _("Only the account's owner requests a designation change.")
CRITERIA_SET_REFUSED = _("Only the executive steering committee sets criteria.")
COMMITTEE_PAGES_REFUSED = _("The steering-committee pages are for executives.")


def can_set_criteria(user: AnyUser) -> bool:
    return can_review(user)


def can_score_account(user: AnyUser, account: Account) -> bool:
    """The owner proposes scores and executives (the committee) set them; both may write."""
    return can_edit_account(user, account) or can_review(user)


def can_answer_qualifying(user: AnyUser, account: Account) -> bool:
    return can_edit_account(user, account)


def can_request_designation(user: AnyUser, account: Account) -> bool:
    return can_edit_account(user, account)


def can_decide_designation(user: AnyUser, request: DesignationRequest) -> bool:
    """Executives decide (that it is not their own request is a data rule of the service)."""
    return can_review(user)


def can_log_review_meeting(user: AnyUser) -> bool:
    return can_review(user)


def can_see_committee(user: AnyUser) -> bool:
    """The steering committee's pages (pending requests, the review log) are for executives."""
    return can_review(user)
