"""Demo notifications (issue 18): what the demo's own data would have told people, so that
every inbox has something in it: the submitted plans wait in the executives' inboxes, the
returned ones tell their owner why, and the daily checks have run on the demo's date
(overdue plan actions, value unconfirmed after 90 days). Nothing is e-mailed."""

from __future__ import annotations

import random

from django.urls import reverse

from accounts.models import AccountPlan, PlanStatus
from demo.context import DemoPortfolio
from inbox.services import overdue_actions_notify, unconfirmed_values_notify
from kam.roles import Role
from notifications.models import Kind
from notifications.selectors import users_with_role
from notifications.services import notify


def notifications_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Draws nothing from `rng` (the data before it stays as it was)."""
    executives = list(users_with_role(Role.EXECUTIVE))
    plans = AccountPlan.objects.filter(
        account__in=[account.pk for account in portfolio.accounts]
    ).select_related("account__owner", "reviewed_by")
    for plan in plans.order_by("pk"):
        url = reverse("accounts:plan-detail", args=[plan.pk])
        owner = plan.account.owner
        if plan.status == PlanStatus.SUBMITTED and owner is not None:
            notify(
                recipients=executives,
                kind=Kind.PLAN_SUBMITTED,
                message=f"{owner.username} submitted the {plan.period} plan of "
                f"{plan.account.name} for approval.",
                url=url,
                actor=owner,
                email=False,
            )
        elif plan.return_comment and plan.status == PlanStatus.DRAFT and plan.reviewed_by:
            notify(
                recipients=[owner],
                kind=Kind.PLAN_RETURNED,
                message=f"{plan.reviewed_by.username} returned the {plan.period} plan of "
                f"{plan.account.name} for rework: “{plan.return_comment}”",
                url=url,
                actor=plan.reviewed_by,
                email=False,
            )
    overdue_actions_notify(as_of=portfolio.as_of, email=False)
    unconfirmed_values_notify(as_of=portfolio.as_of, email=False)
