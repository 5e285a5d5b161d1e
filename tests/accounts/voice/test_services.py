"""Voice of the customer: who writes, bad input, the recurring-problem flag and the trend."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccountEvent, Assessment, AssessmentDimension, Complaint
from accounts.voice import selectors as voice_selectors
from accounts.voice import services as voice_services
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 6, 30)


def _complaint(account: Any, category: str, opened_on: date) -> Complaint:
    return Complaint.objects.create(
        account=account, category=category, severity="medium", opened_on=opened_on
    )


def test_recurring_problem_needs_three_of_a_category_in_90_days(account: Any) -> None:
    # given three "delivery" complaints inside the window, the oldest exactly 90 days back
    for days in (90, 30, 0):
        _complaint(account, "delivery", AS_OF - timedelta(days=days))
    # and three "billing" complaints of which one is 91 days back (outside)
    for days in (91, 10, 5):
        _complaint(account, "billing", AS_OF - timedelta(days=days))
    # and a "quality" complaint after T, which does not count
    for days in (1, 2):
        _complaint(account, "quality", AS_OF - timedelta(days=days))
    _complaint(account, "quality", AS_OF + timedelta(days=1))
    # and three delivery complaints on another account
    other = AccountFactory()
    for days in (1, 2, 3):
        _complaint(other, "delivery", AS_OF - timedelta(days=days))

    problems = voice_selectors.complaint_recurring_problems(account=account, as_of=AS_OF)

    assert [(p.category, p.count, p.first_opened_on) for p in problems] == [
        ("delivery", 3, AS_OF - timedelta(days=90))
    ]


def test_complaint_categories_are_normalised_so_they_group(account: Any, owner: Any) -> None:
    for category in ("Late Delivery", " late  delivery", "LATE DELIVERY"):
        voice_services.complaint_create(
            account=account, created_by=owner, category=category, severity="high", opened_on=AS_OF
        )
    problems = voice_selectors.complaint_recurring_problems(account=account, as_of=AS_OF)
    assert [(p.category, p.count) for p in problems] == [("late delivery", 3)]


@pytest.mark.parametrize(
    ("_case", "user_fixture", "allowed"),
    [
        ("owner", "owner", True),
        ("team member", "team_member", True),
        ("unrelated manager", "other_manager", False),
        ("executive", "executive", False),
        ("ops", "ops", False),
    ],
)
def test_who_logs_complaints_and_events(
    request: Any, account: Any, _case: str, user_fixture: str, allowed: bool
) -> None:
    user = request.getfixturevalue(user_fixture)
    if allowed:
        voice_services.complaint_create(
            account=account, created_by=user, category="billing", severity="low", opened_on=AS_OF
        )
        voice_services.account_event_create(
            account=account, created_by=user, kind="rfp_issued", date=AS_OF
        )
    else:
        with pytest.raises(PermissionDenied):
            voice_services.complaint_create(
                account=account,
                created_by=user,
                category="billing",
                severity="low",
                opened_on=AS_OF,
            )
        with pytest.raises(PermissionDenied):
            voice_services.account_event_create(
                account=account, created_by=user, kind="rfp_issued", date=AS_OF
            )
    assert Complaint.objects.count() == AccountEvent.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("_case", "user_fixture", "allowed"),
    [("owner", "owner", True), ("team member", "team_member", False), ("exec", "executive", False)],
)
def test_only_owner_records_assessments(
    request: Any, account: Any, _case: str, user_fixture: str, allowed: bool
) -> None:
    def record() -> Assessment:
        return voice_services.assessment_create(
            account=account,
            created_by=request.getfixturevalue(user_fixture),
            kind="survey",
            date=AS_OF,
            score=Decimal("7.5"),
        )

    if allowed:
        record()
    else:
        with pytest.raises(PermissionDenied):
            record()
    assert Assessment.objects.count() == (1 if allowed else 0)


def test_resolved_before_opened_is_refused(account: Any, owner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        voice_services.complaint_create(
            account=account,
            created_by=owner,
            category="billing",
            severity="low",
            opened_on=date(2027, 5, 2),
            resolved_on=date(2027, 5, 1),
        )
    assert caught.value.message_dict == {
        "resolved_on": ["The resolved date 2027-05-01 is before the opened date 2027-05-02."]
    }
    assert not Complaint.objects.exists()


def test_unknown_event_kind_is_refused(account: Any, owner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        voice_services.account_event_create(
            account=account, created_by=owner, kind="merger", date=AS_OF
        )
    assert "“merger” is not an event kind" in caught.value.message_dict["kind"][0]
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize("score", [Decimal("-0.5"), Decimal("10.5")])
def test_score_outside_0_10_is_refused(account: Any, owner: Any, score: Decimal) -> None:
    with pytest.raises(ValidationError) as caught:
        voice_services.assessment_create(
            account=account, created_by=owner, kind="survey", date=AS_OF, score=score
        )
    assert caught.value.message_dict["score"] == [
        f"The score must be between 0 and 10 (you sent {score})."
    ]
    assert not Assessment.objects.exists()


def test_dimension_outside_0_10_is_refused_and_nothing_written(account: Any, owner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        voice_services.assessment_create(
            account=account,
            created_by=owner,
            kind="business_review",
            date=AS_OF,
            score=Decimal("7"),
            dimensions=[
                {"name": "Service quality", "expectation": 9, "performance": 7},
                {"name": "Relationship quality", "expectation": 11, "performance": 8},
            ],
        )
    assert caught.value.message_dict["dimensions"] == [
        "Dimension 2 “Relationship quality”: "
        "the expectation must be between 0 and 10 (you sent 11)."
    ]
    assert not Assessment.objects.exists()
    assert not AssessmentDimension.objects.exists()


def test_assessment_trend_with_changes(account: Any, owner: Any) -> None:
    for day, score in ((1, "8.0"), (2, "7.5"), (3, "6.0")):
        voice_services.assessment_create(
            account=account,
            created_by=owner,
            kind="survey",
            date=date(2027, day, 1),
            score=Decimal(score),
            dimensions=[{"name": "Service quality", "expectation": 9, "performance": score}],
        )
    trend = voice_selectors.assessment_trend(account=account)
    assert [(p.assessment.score, p.change, p.direction) for p in trend] == [
        (Decimal("8.0"), None, "flat"),
        (Decimal("7.5"), Decimal("-0.5"), "down"),
        (Decimal("6.0"), Decimal("-1.5"), "down"),
    ]
    assert trend[-1].assessment.dimensions.get().gap == Decimal("-3.0")
    (row,) = voice_selectors.voice_trends(user=owner)
    assert (row.latest_score, row.change, row.is_warning) == (Decimal("6.0"), Decimal("-1.5"), True)
