"""Demo voice of the customer (key 3) for the key accounts: quarterly assessments with
expectation against performance per dimension, complaints and account events.

Shown on purpose: a declining assessment trend on the first strategic account (with a
competitor evaluation), recurring delivery complaints on the second. And outcomes for the churn
backtest: before each older analysis run a few transactional accounts show recurring delivery
problems and a rival's evaluation (at risk); most of them are lost months later (an "account
lost" event), two are kept, and one account is lost without any warning."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import (
    Account,
    AccountEvent,
    Assessment,
    AssessmentDimension,
    Complaint,
    EventKind,
)
from demo.context import DemoPortfolio, is_key_account
from demo.portfolio import history_run_dates

COMPLAINT_CATEGORIES = ["delivery", "billing", "quality", "service response", "documentation"]
DIMENSIONS = ["Service quality", "Relationship quality", "On-time delivery"]
DECLINING_SCORES = ("8.6", "7.9", "6.8", "5.4")  # oldest first
ASSESSMENT_KINDS = ("business_review", "survey", "third_party")


def _assessments(
    *, rng: random.Random, account: Account, as_of: date, is_declining: bool
) -> list[Assessment]:
    """Four quarterly assessments, oldest first."""
    assessments = []
    for quarter in range(4, 0, -1):
        if is_declining:
            score = Decimal(DECLINING_SCORES[4 - quarter])
        else:
            score = Decimal(rng.randint(65, 90)) / 10
        assessments.append(
            Assessment(
                account=account,
                kind=ASSESSMENT_KINDS[quarter % 3],
                date=as_of - timedelta(days=90 * (quarter - 1) + 20),
                score=score,
                notes="Declining since the service team changed." if is_declining else "",
            )
        )
    return assessments


def _dimensions(*, rng: random.Random, assessment: Assessment) -> list[AssessmentDimension]:
    """Expectation and performance per dimension, performance near the overall score."""
    dimensions = []
    for name in DIMENSIONS:
        expectation = Decimal(rng.randint(80, 95)) / 10
        gap = Decimal(rng.randint(-25, 5)) / 10
        performance = max(Decimal(0), min(Decimal(10), assessment.score + gap))
        dimensions.append(
            AssessmentDimension(
                assessment=assessment,
                name=name,
                expectation=expectation,
                performance=performance,
            )
        )
    return dimensions


def _assessments_seed(*, rng: random.Random, key: list[Account], as_of: date) -> None:
    assessments: list[Assessment] = []
    for index, account in enumerate(key):
        assessments += _assessments(rng=rng, account=account, as_of=as_of, is_declining=index == 0)
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    dimensions: list[AssessmentDimension] = []
    for assessment in Assessment.objects.filter(account__in=key):
        dimensions += _dimensions(rng=rng, assessment=assessment)
    AssessmentDimension.objects.bulk_create(dimensions, batch_size=5000)


def _recurring_delivery_complaints(*, account: Account, as_of: date) -> list[Complaint]:
    return [
        Complaint(
            account=account,
            category="delivery",
            severity="high" if days < 30 else "medium",
            opened_on=as_of - timedelta(days=days),
            resolved_on=None if days < 30 else as_of - timedelta(days=days - 6),
            description="Truck arrived outside the delivery window.",
        )
        for days in (8, 25, 47, 71)
    ]


def _resolved_complaints(*, rng: random.Random, account: Account, as_of: date) -> list[Complaint]:
    complaints = []
    for _ in range(rng.randint(0, 3)):
        opened = as_of - timedelta(days=rng.randint(10, 400))
        complaints.append(
            Complaint(
                account=account,
                category=rng.choice(COMPLAINT_CATEGORIES),
                severity=rng.choice(["low", "medium", "medium", "high"]),
                opened_on=opened,
                resolved_on=opened + timedelta(days=rng.randint(1, 20)),
                description="Logged by the service desk.",
            )
        )
    return complaints


def _complaints_seed(*, rng: random.Random, key: list[Account], as_of: date) -> None:
    """A few per key account; recurring delivery problems on the second one."""
    complaints: list[Complaint] = []
    for index, account in enumerate(key):
        if index == 1:
            complaints += _recurring_delivery_complaints(account=account, as_of=as_of)
        else:
            complaints += _resolved_complaints(rng=rng, account=account, as_of=as_of)
    Complaint.objects.bulk_create(complaints, batch_size=5000)


def _events_seed(*, rng: random.Random, key: list[Account], as_of: date) -> None:
    """A competitor evaluation on the declining account, then a few others."""
    events: list[AccountEvent] = []
    if key:
        events.append(
            AccountEvent(
                account=key[0],
                kind=EventKind.COMPETITOR_EVALUATION,
                date=as_of - timedelta(days=35),
                notes="Procurement invited a rival to trial at the east plant.",
            )
        )
    events.extend(
        AccountEvent(
            account=account,
            kind=rng.choice([EventKind.RFP_ISSUED, EventKind.KEY_CONTACT_LEFT, EventKind.OTHER]),
            date=as_of - timedelta(days=rng.randint(5, 300)),
            notes="Noted in the account review.",
        )
        for account in key[2:]
        if rng.random() < 0.3
    )
    AccountEvent.objects.bulk_create(events, batch_size=5000)


LOST_AFTER_WARNING = 7  # flagged at risk by an older run, lost months later
KEPT_AFTER_WARNING = 2  # flagged too, and kept: the score is not a prophecy


def _warning_signs(*, account: Account, run_day: date) -> tuple[list[Complaint], AccountEvent]:
    """Three delivery complaints in the 90 days before the run (20 points) and a rival's
    trial (15): score 35, at risk."""
    complaints = [
        Complaint(
            account=account,
            category="delivery",
            severity="high",
            opened_on=run_day - timedelta(days=days),
            resolved_on=run_day - timedelta(days=days - 9),
            description="Delivery missed its window again.",
        )
        for days in (12, 33, 61)
    ]
    event = AccountEvent(
        account=account,
        kind=EventKind.COMPETITOR_EVALUATION,
        date=run_day - timedelta(days=25),
        notes="Buyer asked a rival for a quote on the same lanes.",
    )
    return complaints, event


def _outcomes_seed(*, portfolio: DemoPortfolio) -> None:
    """The outcomes the backtest reads (module docstring), around the older runs. Their own
    generator: the shared one's draws, and so every other seeder's data, stay as they were."""
    rng = random.Random(len(portfolio.accounts))  # noqa: S311 (demo data, not security)
    runs = [day for day in history_run_dates(portfolio.as_of) if day < portfolio.as_of]
    others = [account for account in portfolio.accounts if not is_key_account(account)]
    others = [account for account in others if account.designation == "transactional"]
    if not runs or not others:
        return
    complaints: list[Complaint] = []
    events: list[AccountEvent] = []
    warned = others[-(LOST_AFTER_WARNING + KEPT_AFTER_WARNING) :]
    for index, account in enumerate(warned):
        run_day = runs[index % len(runs)]
        signs, event = _warning_signs(account=account, run_day=run_day)
        complaints += signs
        events.append(event)
        if index < LOST_AFTER_WARNING:
            events.append(
                AccountEvent(
                    account=account,
                    kind=EventKind.ACCOUNT_LOST,
                    date=min(portfolio.as_of, run_day + timedelta(days=rng.randint(60, 240))),
                    notes="Moved its volume to the rival after the delivery failures.",
                )
            )
    unwarned = [account for account in others if account not in warned]
    if unwarned:
        events.append(
            AccountEvent(
                account=unwarned[0],
                kind=EventKind.ACCOUNT_LOST,
                date=min(portfolio.as_of, runs[-1] + timedelta(days=150)),
                notes="Acquired by a group that buys centrally from another supplier.",
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=5000)
    AccountEvent.objects.bulk_create(events, batch_size=5000)


def voice_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Assessments, complaints and events for the key accounts; dates relative to as_of; the
    outcomes of the older runs."""
    key = portfolio.key_accounts
    _assessments_seed(rng=rng, key=key, as_of=portfolio.as_of)
    _complaints_seed(rng=rng, key=key, as_of=portfolio.as_of)
    _events_seed(rng=rng, key=key, as_of=portfolio.as_of)
    _outcomes_seed(portfolio=portfolio)
