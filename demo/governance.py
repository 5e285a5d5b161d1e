"""Demo selection governance (key 1): the selection criteria and every key or candidate
account's scores against them, qualifying answers, designation requests (a pending
candidate → pilot, an approved one in the past) and two steering-committee meetings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import (
    Account,
    CriterionScore,
    Designation,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from demo.context import DemoPortfolio
from kam.types import User

# name, description, weight
CRITERIA = [
    ("Fit with our capabilities", "The work they need is what we do best.", "3"),
    ("Growth potential", "Room to grow our share of their spend.", "2.5"),
    ("Profitability", "Margin after the cost to serve.", "2"),
    ("Relationship access", "Access to the economic buyer and senior management.", "1.5"),
    ("Strategic value", "Reference value, learning, entry to a market.", "1"),
]
SCORE_RANGE: dict[str, tuple[int, int]] = {
    Designation.STRATEGIC: (3, 5),
    Designation.PILOT: (3, 5),
    Designation.CANDIDATE: (2, 4),
}
SCORE_WORDS = ("Weak", "Below par", "Adequate", "Strong", "Excellent")


def _criteria_ensure() -> list[SelectionCriterion]:
    """The criteria, kept across --flush (matched on name)."""
    criteria = []
    for name, description, weight in CRITERIA:
        criterion, _ = SelectionCriterion.objects.get_or_create(
            name=name, defaults={"description": description, "weight": Decimal(weight)}
        )
        criteria.append(criterion)
    return criteria


def _scores(
    *,
    rng: random.Random,
    account: Account,
    criteria: list[SelectionCriterion],
    executive: User,
) -> list[CriterionScore]:
    """One score per criterion; the owner scores, except the excellent ones (the executive)."""
    low, high = SCORE_RANGE[account.designation]
    scores = []
    for criterion in criteria:
        score = rng.randint(low, high)
        scores.append(
            CriterionScore(
                account=account,
                criterion=criterion,
                score=score,
                rationale=f"{SCORE_WORDS[score - 1]} on {criterion.name.lower()}.",
                scored_by=account.owner if score < 5 else executive,
            )
        )
    return scores


def _qualifying_answers(*, rng: random.Random, account: Account) -> QualifyingAnswers:
    return QualifyingAnswers(
        account=account,
        type_of_work_fit="Multi-site service contracts, our core business.",
        budget=f"About {rng.randint(1, 9)} M a year, held by procurement.",
        decision_criteria="Total cost, service level, and risk of disruption.",
        competitors="Two national suppliers and a low-cost importer.",
        reason_for_buying="Consolidating suppliers after a difficult year.",
        updated_by=account.owner,
    )


def _designation_requests(*, portfolio: DemoPortfolio) -> list[DesignationRequest]:
    """A pending candidate → pilot request, and the approved one that made the first pilot."""
    candidates, pilots = portfolio.candidates, portfolio.pilots
    requests: list[DesignationRequest] = []
    if candidates:
        requests.append(
            DesignationRequest(
                account=candidates[0],
                from_designation=Designation.CANDIDATE,
                to_designation=Designation.PILOT,
                reason="Scores well on fit and growth; the CFO asked for a joint plan.",
                requested_by=candidates[0].owner,
            )
        )
    if pilots:
        requests.append(
            DesignationRequest(
                account=pilots[0],
                from_designation=Designation.CANDIDATE,
                to_designation=Designation.PILOT,
                reason="Good fit; try the strategic approach for a year.",
                requested_by=pilots[0].owner,
                status=RequestStatus.APPROVED,
                decided_by=portfolio.users["frank"],
                decided_at=timezone.now(),
                decision_comment="Approved as one of our pilots.",
            )
        )
    return requests


def _meetings(*, portfolio: DemoPortfolio) -> list[tuple[int, str, list[Account], str]]:
    """Days before as_of, title, accounts discussed, decisions."""
    strategic, key = portfolio.strategic, portfolio.key_accounts
    return [
        (
            120,
            "Steering committee · annual selection",
            strategic[:3] + portfolio.pilots[:1],
            "Keep the strategic accounts; start one pilot; review criteria weights in six months.",
        ),
        (
            30,
            "Steering committee · quarterly review",
            key[:3],
            "Escalate the declining satisfaction at the first strategic account; "
            "ask for a delivery recovery plan at the second.",
        ),
    ]


def _meetings_seed(*, portfolio: DemoPortfolio) -> None:
    """Steering-committee meetings (meetings left without accounts by --flush go first)."""
    ReviewMeeting.objects.filter(accounts__isnull=True).delete()
    attendees = [portfolio.users["erin"], portfolio.users["frank"]]
    as_of: date = portfolio.as_of
    for days, title, discussed, decisions in _meetings(portfolio=portfolio):
        if not discussed:
            continue
        meeting = ReviewMeeting.objects.create(
            date=as_of - timedelta(days=days), title=title, decisions=decisions
        )
        meeting.attendees.set(attendees)
        meeting.accounts.set(discussed)


def governance_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Criteria and scores, qualifying answers, designation requests and meetings."""
    criteria = _criteria_ensure()
    scores: list[CriterionScore] = []
    for account in portfolio.key_accounts + portfolio.candidates:
        scores += _scores(
            rng=rng, account=account, criteria=criteria, executive=portfolio.users["erin"]
        )
    CriterionScore.objects.bulk_create(scores, batch_size=5000)
    QualifyingAnswers.objects.bulk_create(
        [
            _qualifying_answers(rng=rng, account=account)
            for account in portfolio.pilots + portfolio.candidates
        ],
        batch_size=2000,
    )
    DesignationRequest.objects.bulk_create(_designation_requests(portfolio=portfolio))
    _meetings_seed(portfolio=portfolio)
