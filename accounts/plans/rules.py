"""Who may write account plans (predicates: no writes, no raising).

The account's owner writes, submits and deletes its plans; executives (the steering
committee) approve or return them and edit no content; nobody approves a plan of their own.
Progress (an action's status) is recorded by the plan's owner or the action's owner."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountPlan, PlanAction, PlanObjective
from accounts.rules import can_edit_account, can_review
from kam.types import AnyUser

PLAN_WRITE_REFUSED = _("Only the account's owner writes its plans.")
PLAN_EDIT_REFUSED = _("Only the account's owner edits its plans.")
PLAN_DELETE_REFUSED = _("Only the account's owner deletes its plans.")
PLAN_SUBMIT_REFUSED = _("Only the account's owner submits its plans.")
# Translators: {verb} is what the committee does to plans, e.g. "decide"
PLAN_REVIEW_REFUSED = _("Only the executive steering committee may {verb} plans.")
PLAN_APPROVE_REFUSED = _("Only the executive steering committee may approve plans.")
PLAN_RETURN_REFUSED = _("Only the executive steering committee may return plans.")
ACTION_CHANGE_REFUSED = _("Only the plan's owner or the action's owner may change it.")
OBJECTIVE_PROGRESS_REFUSED = _("Only the plan's owner records progress on its objectives.")


def can_write_plans(user: AnyUser, account: Account) -> bool:
    """The account's owner starts plans for it (superusers administer all)."""
    return can_edit_account(user, account)


def can_edit_plan(user: AnyUser, plan: AccountPlan) -> bool:
    """The account's owner edits (and deletes) its plans."""
    return can_edit_account(user, plan.account)


def can_submit_plan(user: AnyUser, plan: AccountPlan) -> bool:
    return can_edit_plan(user, plan)


def can_review_plan(user: AnyUser, plan: AccountPlan) -> bool:
    """Executives approve or return plans (that the plan is their own is a data rule the
    service states: `is_own_plan`)."""
    return can_review(user)


def is_own_plan(user: AnyUser, plan: AccountPlan) -> bool:
    """A plan is one's own when one owns the account or submitted the plan."""
    return bool(
        user.is_authenticated
        and (plan.account.owner_id == user.pk or plan.submitted_by_id == user.pk)
    )


def can_change_action(user: AnyUser, action: PlanAction) -> bool:
    """The plan's owner, or the action's own owner, records its progress."""
    return can_edit_plan(user, action.plan) or bool(
        user.is_authenticated and action.owner_id == user.pk
    )


def can_record_objective_progress(user: AnyUser, objective: PlanObjective) -> bool:
    return can_edit_plan(user, objective.plan)
