"""Demo account plans (key 2): one for the current year per strategic and pilot account, in
every state (submitted, returned draft, approved, draft), with objectives and actions, some
of them overdue. The plans get their first history rows in bulk (the audit trail is muted
for the rest of the demo)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Account, AccountPlan, PlanAction, PlanObjective, PlanStatus
from demo.context import DemoPortfolio
from demo.users import MANAGERS
from kam.types import User

PLAN_STATES = ["submitted", "returned", "approved", "draft"]
ACTION_TITLES = [
    "Quarterly business review",
    "Executive sponsor visit",
    "Joint cost-reduction workshop",
    "Value report to the economic buyer",
]


def _plan(
    *,
    rng: random.Random,
    account: Account,
    index: int,
    portfolio: DemoPortfolio,
    now: datetime,
) -> AccountPlan:
    """The plan of the `index`-th key account; its state cycles through PLAN_STATES."""
    as_of = portfolio.as_of
    state = PLAN_STATES[index % len(PLAN_STATES)]
    status = PlanStatus.DRAFT if state in ("returned", "draft") else state
    is_sent = state != "draft"
    is_reviewed = state in ("returned", "approved")
    reviewer = portfolio.users["erin"] if index % 2 else portfolio.users["frank"]
    return AccountPlan(
        account=account,
        period=str(as_of.year),
        period_start=date(as_of.year, 1, 1),
        period_end=date(as_of.year, 12, 31),
        status=status,
        vision=f"{account.name} sees us as its partner for {account.industry.lower()}.",
        value_proposition="Lower total cost and fewer disruptions through joint planning.",
        situation=f"We serve {rng.randint(2, 4)} sites; share of wallet about "
        f"{rng.randint(20, 45)} %. A rival is courting procurement.",
        strategy="Move from supplier to partner: joint service reviews, an executive "
        "sponsor, and a value report each quarter.",
        expansion="Extend to the remaining sites and the new product line next year.",
        version=1 if state == "draft" else (3 if state == "returned" else 2),
        return_comment="Make the share-of-wallet target measurable per site."
        if state == "returned"
        else "",
        submitted_at=now if is_sent else None,
        submitted_by=account.owner if is_sent else None,
        reviewed_at=now if is_reviewed else None,
        reviewed_by=reviewer if is_reviewed else None,
    )


def _objectives(*, rng: random.Random, plan: AccountPlan) -> list[PlanObjective]:
    share = rng.randint(20, 45)
    return [
        PlanObjective(
            plan=plan,
            metric="Share of wallet (%)",
            target=Decimal(share + 10),
            current=Decimal(share),
        ),
        PlanObjective(
            plan=plan,
            metric="Customer satisfaction (0-10)",
            target=Decimal("8.5"),
            current=Decimal(rng.randint(60, 85)) / 10,
        ),
    ]


def _actions(
    *, rng: random.Random, plan: AccountPlan, users: dict[str, User], as_of: date
) -> list[PlanAction]:
    actions = []
    for number, title in enumerate(ACTION_TITLES):
        due = min(
            plan.period_end,
            plan.period_start + timedelta(days=60 + 90 * number + rng.randint(0, 20)),
        )
        # Some actions due before as_of stay open: the overdue list has something to show.
        status = "done" if due < as_of and rng.random() < 0.6 else "open"
        owner = plan.account.owner if number % 2 == 0 else users[rng.choice(MANAGERS)]
        actions.append(PlanAction(plan=plan, title=title, owner=owner, due=due, status=status))
    return actions


def plans_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Plans with objectives and actions for the key accounts; dates relative to as_of."""
    key = portfolio.key_accounts
    now = timezone.now()
    plans = [
        _plan(rng=rng, account=account, index=index, portfolio=portfolio, now=now)
        for index, account in enumerate(key)
    ]
    bulk_create_with_history(plans, AccountPlan, batch_size=1000, default_user=None)
    objectives: list[PlanObjective] = []
    actions: list[PlanAction] = []
    for plan in AccountPlan.objects.filter(
        account__in=key, period=str(portfolio.as_of.year)
    ).select_related("account"):
        objectives += _objectives(rng=rng, plan=plan)
        actions += _actions(rng=rng, plan=plan, users=portfolio.users, as_of=portfolio.as_of)
    bulk_create_with_history(objectives, PlanObjective, batch_size=2000)
    bulk_create_with_history(actions, PlanAction, batch_size=2000)
