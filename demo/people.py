"""Demo support for account managers (key 4): three competency assessments per demo manager
six months apart (a visible trend, erin and frank assessing) and pay-mix history with bob out
of band. The demo managers' previous rows are replaced, so --flush stays repeatable."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import COMPETENCY_DIMENSIONS, CompetencyAssessment, PayMix
from demo.context import DemoPortfolio
from demo.users import MANAGERS
from kam.types import User

# Salary and bonus per year from (months ago): bob's bonus is too heavy on purpose (70/30,
# out of range), carol sits in the guideline but above the target band (83/17).
DEMO_PAY: dict[str, list[tuple[int, int, int]]] = {
    "alice": [(30, 90_000, 30_000), (6, 96_000, 24_000)],
    "bob": [(18, 84_000, 36_000)],
    "carol": [(24, 100_000, 20_000), (3, 99_600, 20_400)],
    "dave": [(12, 93_600, 26_400)],
}
ASSESSED_MONTHS_AGO = (12, 6, 0)


def _scores_at(
    *, rng: random.Random, base: dict[str, int], step: int, is_declining: bool
) -> dict[str, int]:
    """The scores `step` assessments after `base`: rising a little, or falling by one a step."""
    return {
        field: max(1, min(5, score + (step * rng.choice((0, 0, 1)) if not is_declining else -step)))
        for field, score in base.items()
    }


def _assessments(
    *, rng: random.Random, manager: User, index: int, assessors: list[User], as_of: date
) -> list[CompetencyAssessment]:
    """The `index`-th manager's assessments; the second manager (bob) declines."""
    base = {dimension.field: rng.randint(2, 4) for dimension in COMPETENCY_DIMENSIONS}
    assessments = []
    for step, months_ago in enumerate(ASSESSED_MONTHS_AGO):
        scores = _scores_at(rng=rng, base=base, step=step, is_declining=index == 1)
        assessments.append(
            CompetencyAssessment(
                manager=manager,
                assessed_on=as_of - timedelta(days=months_ago * 30 + 7),
                assessed_by=assessors[(index + step) % 2],
                notes=(
                    "Annual review: strong customer insight, coaching the new team members."
                    if step == 2
                    else "Mid-year check-in."
                ),
                **scores,
            )
        )
    return assessments


def _pay(*, manager: User, recorded_by: User, as_of: date) -> list[PayMix]:
    first_of_month = date(as_of.year, as_of.month, 1)
    return [
        PayMix(
            manager=manager,
            effective_from=first_of_month - timedelta(days=months_ago * 30),
            salary=Decimal(salary),
            bonus=Decimal(bonus),
            recorded_by=recorded_by,
            notes="Annual compensation review.",
        )
        for months_ago, salary, bonus in DEMO_PAY.get(manager.username, [])
    ]


def people_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Competency assessments and pay mixes of the demo managers."""
    users, as_of = portfolio.users, portfolio.as_of
    managers = [users[name] for name in MANAGERS if name in users]
    CompetencyAssessment.objects.filter(manager__in=managers).delete()
    PayMix.objects.filter(manager__in=managers).delete()
    assessors = [users["erin"], users["frank"]]
    assessments: list[CompetencyAssessment] = []
    for index, manager in enumerate(managers):
        assessments += _assessments(
            rng=rng, manager=manager, index=index, assessors=assessors, as_of=as_of
        )
    CompetencyAssessment.objects.bulk_create(assessments)
    pay: list[PayMix] = []
    for manager in managers:
        pay += _pay(manager=manager, recorded_by=users["erin"], as_of=as_of)
    PayMix.objects.bulk_create(pay)
