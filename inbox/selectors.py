"""What waits for an executive's decision: plans submitted and designation requests pending,
on accounts they may see and that are not their own (the services' own-plan and
own-request rules, asked here only to leave out what they would refuse)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.governance.models import DesignationRequest
from accounts.governance.selectors import designation_requests_pending
from accounts.models import AccountPlan
from accounts.plans.rules import is_own_plan
from accounts.plans.selectors import plans_awaiting_approval
from accounts.rules import can_review
from kam.types import AnyUser

WAITING_LIMIT = 50


@dataclass(frozen=True)
class Waiting:
    plans: list[AccountPlan]
    requests: list[DesignationRequest]

    @property
    def total(self) -> int:
        return len(self.plans) + len(self.requests)


def waiting_for(*, user: AnyUser) -> Waiting | None:
    """The decisions waiting for the user (two queries), or None when they decide nothing."""
    if not can_review(user):
        return None
    plans = [
        plan
        for plan in plans_awaiting_approval(user=user)[:WAITING_LIMIT]
        if not is_own_plan(user, plan)
    ]
    requests = [
        request
        for request in designation_requests_pending(user=user)[:WAITING_LIMIT]
        if request.account.owner_id != user.pk and request.requested_by_id != user.pk
    ]
    return Waiting(plans=plans, requests=requests)
