"""Factories and a helper for plan tests (plans, objectives, actions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from accounts.models import AccountPlan, PlanAction, PlanObjective, PlanStatus
from accounts.plans import services as plan_services
from tests.factories import AccountFactory


class AccountPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountPlan

    account = factory.SubFactory(AccountFactory)
    period = "2027"
    period_start = date(2027, 1, 1)
    period_end = date(2027, 12, 31)
    status = PlanStatus.DRAFT
    vision = "Preferred supplier for every plant."
    value_proposition = "Fewer stock-outs at lower total cost."
    situation = "Share of wallet 30 %, two plants served."
    strategy = "Win the east plant through the service contract."
    expansion = "Add the research campus in 2028."


class PlanObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanObjective

    plan = factory.SubFactory(AccountPlanFactory)
    metric = "Share of wallet (%)"
    target = Decimal("45.00")
    current = Decimal("30.00")


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(AccountPlanFactory)
    title = "Quarterly business review"
    owner = factory.LazyAttribute(lambda action: action.plan.account.owner)
    due = date(2027, 3, 31)


def plan_with_content(account: Any, status: str = PlanStatus.DRAFT, **fields: Any) -> AccountPlan:
    """A plan made the way the product makes it (the service, so its history is complete):
    one objective and one action, owned by the account's owner, then put in `status`."""
    values = {
        "period": "2027",
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 12, 31),
        "vision": "Preferred supplier for every plant.",
        "value_proposition": "Fewer stock-outs at lower total cost.",
        "situation": "Share of wallet 30 %, two plants served.",
        "strategy": "Win the east plant through the service contract.",
        "expansion": "Add the research campus in 2028.",
        **fields,
    }
    plan = plan_services.account_plan_create(
        account=account,
        created_by=account.owner,
        objectives=[{"metric": "Share of wallet (%)", "target": "45.00", "current": "30.00"}],
        actions=[
            {"title": "Quarterly business review", "owner": account.owner, "due": date(2027, 3, 31)}
        ],
        **values,
    )
    if status != PlanStatus.DRAFT:
        AccountPlan.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
    return plan
