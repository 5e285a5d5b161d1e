"""An analysed small portfolio (tests/portfolio/fixtures.py) with the rest of account A's
review material: knowledge, team, contacts, interactions and a plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import AccountPlan, KnowledgeEntry, PlanAction, PlanObjective
from tests.factories import TeamMemberFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from tests.relationships.factories import ContactFactory, ContactGoalFactory, InteractionFactory

EARLIER_RUN = date(2026, 5, 15)


@pytest.fixture
def analysed(owner: Any, other_manager: Any, team_member: Any) -> dict[str, Any]:
    return build_analysed_account(owner=owner, other_owner=other_manager, team_member=team_member)


def build_analysed_account(*, owner: Any, other_owner: Any, team_member: Any) -> dict[str, Any]:
    """Alpha Foods (alice's, tom on the team) analysed on 15 May and 15 Jun 2026; the review
    material is added after the runs so the snapshots keep the hand-computed figures of
    tests/portfolio/test_run_analysis.py."""
    portfolio = build_small_portfolio(owner=owner, other_owner=other_owner)
    for as_of in (EARLIER_RUN, AS_OF):
        call_command("run_analysis", "--as-of", as_of.isoformat(), stdout=StringIO())
    alpha = portfolio["strategic"]
    TeamMemberFactory(account=alpha, user=team_member, function="finance")
    KnowledgeEntry.objects.create(account=alpha, area="organisation", title="Three plants")
    KnowledgeEntry.objects.create(account=alpha, area="competitors", title="Gamma Foods")
    buyer = ContactFactory(
        account=alpha, name="Bea Buyer", is_economic_buyer=True, primary_contact=owner
    )
    ContactGoalFactory(contact=buyer, text="Lower packaging cost")
    InteractionFactory(
        account=alpha,
        user=owner,
        date=date(2026, 6, 1),
        channel="meeting",
        summary="Agreed the packaging trial",
        contacts=[buyer],
    )
    plan = AccountPlan.objects.create(
        account=alpha, period="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    PlanObjective.objects.create(
        plan=plan, metric="On-time delivery %", target=Decimal("98"), current=Decimal("49")
    )
    PlanObjective.objects.create(plan=plan, metric="Joint projects", target=Decimal("2"))
    PlanAction.objects.create(
        plan=plan, title="Run the packaging trial", owner=owner, due=date(2026, 5, 1)
    )
    PlanAction.objects.create(
        plan=plan, title="Quarterly review", owner=owner, due=date(2026, 9, 1)
    )
    return {**portfolio, "plan": plan, "buyer": buyer}
