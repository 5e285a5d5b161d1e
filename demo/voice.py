"""Demo voice of the customer (key 3) for the key accounts: quarterly assessments with
expectation against performance per dimension, complaints and account events.

Shown on purpose: a declining assessment trend on the first strategic account (with a
competitor evaluation), recurring delivery complaints on the second."""

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
from demo.context import DemoPortfolio

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


def voice_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Assessments, complaints and events for the key accounts; dates relative to as_of."""
    key = portfolio.key_accounts
    _assessments_seed(rng=rng, key=key, as_of=portfolio.as_of)
    _complaints_seed(rng=rng, key=key, as_of=portfolio.as_of)
    _events_seed(rng=rng, key=key, as_of=portfolio.as_of)
