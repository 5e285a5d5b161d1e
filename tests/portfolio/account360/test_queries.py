"""The account 360 page runs the same number of queries with N and 10 N rows of every kind
under the account: contacts (with goals), interactions, activities, revenue records, ledger
entries, knowledge entries, team members, plans with objectives and actions, runs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import AccountPlan, KnowledgeEntry, PlanAction, PlanObjective
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.factories import TeamMemberFactory, UserFactory
from tests.relationships.factories import ContactFactory, ContactGoalFactory, InteractionFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    LocationFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)


def _populate(account: Any, owner: Any, n: int) -> None:
    """n rows of each kind under the account, every one inside the windows the page reads."""
    for index in range(n):
        TeamMemberFactory(account=account, user=UserFactory(roles=["account_manager"]))
        KnowledgeEntry.objects.create(
            account=account, area=("organisation", "suppliers")[index % 2], title=f"Fact {index}"
        )
        contact = ContactFactory(account=account, is_coach=index == 0, primary_contact=owner)
        ContactGoalFactory(contact=contact)
        InteractionFactory(
            account=account, user=owner, date=AS_OF - timedelta(days=index), contacts=[contact]
        )
        activity_type = ActivityTypeFactory()
        ActivityRateFactory(activity_type=activity_type, effective_from=date(2025, 1, 1))
        ServiceActivityFactory(
            account=account, activity_type=activity_type, date=AS_OF - timedelta(days=index)
        )
        location = LocationFactory(account=account, name=f"Plant {index}")
        RevenueRecordFactory(account=account, location=location, period_start=date(2026, 1, 1))
        for direction in ("delivered", "received"):
            ValueEntryFactory(
                account=account, direction=direction, date=AS_OF - timedelta(days=index)
            )
        plan = AccountPlan.objects.create(
            account=account,
            period=f"P{index}",
            period_start=date(2026, 1, 1) - timedelta(days=index),
            period_end=date(2026, 12, 31),
        )
        PlanObjective.objects.create(
            plan=plan, metric="Share", target=Decimal("10"), current=Decimal("5")
        )
        PlanAction.objects.create(plan=plan, title="Call", owner=owner, due=date(2026, 1, 1))
        run = AnalysisRun.objects.create(
            as_of=AS_OF - timedelta(days=index), status="succeeded", trigger="command"
        )
        AccountSnapshot.objects.create(
            run=run,
            account=account,
            segment="invest",
            net_profit_ttm=Decimal("1000"),
            signals=[{"code": "coverage_gap", "stage": 1, "weight": 10, "detail": "No coach."}],
        )


@pytest.mark.parametrize("n", [3, 30])
def test_account_360_queries_do_not_grow(
    account: Any, owner: Any, owner_client: Any, django_assert_num_queries: Any, n: int
) -> None:
    # given n rows of every kind (30 runs is more than the page shows: it keeps 12)
    _populate(account, owner, n)

    # when / then
    # session 1, user 2, user's groups (role checks, cached for the request) 3, the account
    # through the gatekeeper 4 (owner joined, team membership an EXISTS in the same query),
    # the cache key's runs and plans version 5, then (a cache miss) account_360: snapshots
    # + runs 6, plan 7, its objectives 8, contacts (last interaction subquery) 9, goals 10,
    # lines of influence 11, ledger 12, knowledge 13, team 14, revenue 15, forecasts 16, cost
    # to serve 17, overdue actions + owners and plans 18, interactions 19, their contacts 20.
    with django_assert_num_queries(20):
        response = owner_client.get(f"/accounts/{account.pk}/360/?as_of={AS_OF}")

    assert response.status_code == 200
    data = response.context["data"]
    assert len(data.history) == min(n, 12)
    assert len(data.contacts) == n
    assert len(data.interactions) == min(n, 10)
    assert len(data.cost.lines) == n
    assert len(data.ledger.delivered) == n
    assert len(data.overdue_actions) == n
    assert len(data.team) == n + 1  # tom from the fixture

    # a second visit is a cache hit: the session, user, groups, gatekeeper and key queries
    with django_assert_num_queries(5):
        again = owner_client.get(f"/accounts/{account.pk}/360/?as_of={AS_OF}")
    assert again.status_code == 200
    assert again.context["body"] == response.context["body"]
    assert "data" not in again.context  # nothing was computed
