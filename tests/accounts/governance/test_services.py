"""Selection governance: attractiveness on hand-computed cases, criteria, scores,
designation requests with their decision, the pilot warning, and review meetings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.governance import selectors as governance_selectors
from accounts.governance import services as governance_services
from accounts.models import (
    Account,
    CriterionScore,
    DesignationRequest,
    ReviewMeeting,
    SelectionCriterion,
)
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # nothing scored
        ([], None),
        # one criterion at the top: 100·w·4 / (4·w) = 100
        ([(Decimal(3), 5)], Decimal("100.0")),
        # all at the bottom: 0
        ([(Decimal(1), 1), (Decimal(2), 1)], Decimal("0.0")),
        # w=3 s=5 and w=1 s=1: 100·(3·4 + 1·0) / (4·4) = 75
        ([(Decimal(3), 5), (Decimal(1), 1)], Decimal("75.0")),
        # w=2 s=4, w=1 s=2, w=1 s=3: 100·(2·3 + 1·1 + 1·2) / (4·4) = 900/16 = 56.25 → 56.3
        ([(Decimal(2), 4), (Decimal(1), 2), (Decimal(1), 3)], Decimal("56.3")),
        # fractional weights 0.5 s=3 and 1.5 s=4: 100·(0.5·2 + 1.5·3) / (4·2) = 550/8 = 68.75
        ([(Decimal("0.5"), 3), (Decimal("1.5"), 4)], Decimal("68.8")),
    ],
)
def test_attractiveness_formula(pairs: list[tuple[Decimal, int]], expected: Decimal | None) -> None:
    assert governance_selectors.attractiveness_score(pairs) == expected


def test_account_attractiveness_uses_active_scored_criteria(
    account: Any, owner: Any, executive: Any
) -> None:
    # given three criteria, one retired and one not scored
    fit = governance_services.selection_criterion_create(created_by=executive, name="Fit", weight=3)
    size = governance_services.selection_criterion_create(
        created_by=executive, name="Size", weight=1
    )
    governance_services.selection_criterion_create(created_by=executive, name="Margin", weight=2)
    assert governance_selectors.account_selection(account=account).attractiveness is None
    # when the owner scores fit 5 and the executive scores size 1
    governance_services.criterion_score_set(
        account=account, criterion=fit, score=5, rationale="Needs what we do best", scored_by=owner
    )
    governance_services.criterion_score_set(
        account=account, criterion=size, score=1, rationale="Small", scored_by=executive
    )
    # then A = 100·(3·4 + 1·0)/(4·4) = 75 over the two scored criteria
    selection = governance_selectors.account_selection(account=account)
    assert selection.attractiveness == Decimal("75.0")
    assert [(r.criterion.name, r.score.score if r.score else None) for r in selection.rows] == [
        ("Fit", 5),
        ("Margin", None),
        ("Size", 1),
    ]
    # and retiring "size" leaves only fit: A = 100
    governance_services.selection_criterion_update(
        criterion=size, updated_by=executive, is_active=False
    )
    assert governance_selectors.account_selection(account=account).attractiveness == Decimal(
        "100.0"
    )


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-1")])
def test_weight_must_be_positive(executive: Any, weight: Decimal) -> None:
    with pytest.raises(ValidationError) as caught:
        governance_services.selection_criterion_create(
            created_by=executive, name="Fit", weight=weight
        )
    assert caught.value.message_dict == {
        "weight": [f"The weight must be greater than 0 (you sent {weight})."]
    }
    assert not SelectionCriterion.objects.exists()


@pytest.mark.parametrize("user_fixture", ["owner", "ops", "team_member"])
def test_only_executives_set_criteria(request: Any, user_fixture: str) -> None:
    with pytest.raises(PermissionDenied):
        governance_services.selection_criterion_create(
            created_by=request.getfixturevalue(user_fixture), name="Fit", weight=1
        )
    assert not SelectionCriterion.objects.exists()


@pytest.mark.parametrize("score", [0, 6])
def test_criterion_score_outside_1_5_is_refused(account: Any, owner: Any, score: int) -> None:
    criterion = SelectionCriterion.objects.create(name="Fit", weight=1)
    with pytest.raises(ValidationError) as caught:
        governance_services.criterion_score_set(
            account=account, criterion=criterion, score=score, rationale="x", scored_by=owner
        )
    assert caught.value.message_dict["score"] == [
        f"The score must be a whole number from 1 to 5 (you sent {score})."
    ]
    assert not CriterionScore.objects.exists()


@pytest.mark.parametrize("user_fixture", ["team_member", "other_manager", "ops"])
def test_only_owner_and_executives_score(request: Any, account: Any, user_fixture: str) -> None:
    criterion = SelectionCriterion.objects.create(name="Fit", weight=1)
    with pytest.raises(PermissionDenied):
        governance_services.criterion_score_set(
            account=account,
            criterion=criterion,
            score=3,
            rationale="x",
            scored_by=request.getfixturevalue(user_fixture),
        )
    assert not CriterionScore.objects.exists()


def test_designation_request_approved_changes_designation(
    owner: Any, executive: Any, db: Any
) -> None:
    account = AccountFactory(owner=owner, designation="candidate")
    request = governance_services.designation_request_create(
        account=account, requested_by=owner, to_designation="pilot", reason="Good fit"
    )
    assert request.from_designation == "candidate"
    with pytest.raises(ValidationError):  # one pending request at a time
        governance_services.designation_request_create(
            account=account, requested_by=owner, to_designation="strategic", reason="Even better"
        )
    governance_services.designation_request_decide(
        request=request, decided_by=executive, approve=True
    )
    account.refresh_from_db()
    request.refresh_from_db()
    assert (account.designation, request.status, request.decided_by) == (
        "pilot",
        "approved",
        executive,
    )
    with pytest.raises(ValidationError):  # decided once
        governance_services.designation_request_decide(
            request=request, decided_by=executive, approve=False, comment="No"
        )


def test_declined_request_leaves_designation(owner: Any, executive: Any, db: Any) -> None:
    account = AccountFactory(owner=owner, designation="candidate")
    request = governance_services.designation_request_create(
        account=account, requested_by=owner, to_designation="pilot", reason="Good fit"
    )
    with pytest.raises(ValidationError):
        governance_services.designation_request_decide(
            request=request, decided_by=executive, approve=False, comment=""
        )
    governance_services.designation_request_decide(
        request=request, decided_by=executive, approve=False, comment="Too small"
    )
    account.refresh_from_db()
    assert account.designation == "candidate"
    assert DesignationRequest.objects.get().status == "declined"


@pytest.mark.parametrize("user_fixture", ["owner", "team_member", "ops"])
def test_only_executives_decide(request: Any, account: Any, owner: Any, user_fixture: str) -> None:
    designation_request = governance_services.designation_request_create(
        account=account, requested_by=owner, to_designation="exit", reason="Value drainer"
    )
    with pytest.raises(PermissionDenied):
        governance_services.designation_request_decide(
            request=designation_request,
            decided_by=request.getfixturevalue(user_fixture),
            approve=True,
        )
    account.refresh_from_db()
    assert account.designation == "strategic"
    assert DesignationRequest.objects.get().status == "pending"


@pytest.mark.parametrize("user_fixture", ["team_member", "executive", "ops"])
def test_only_owner_requests(request: Any, account: Any, user_fixture: str) -> None:
    with pytest.raises(PermissionDenied):
        governance_services.designation_request_create(
            account=account,
            requested_by=request.getfixturevalue(user_fixture),
            to_designation="exit",
            reason="x",
        )
    assert not DesignationRequest.objects.exists()


def test_owner_can_no_longer_change_designation_directly(account: Any, owner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.account_update(account=account, updated_by=owner, designation="exit")
    assert "designation request" in caught.value.message_dict["designation"][0]
    assert Account.objects.get(pk=account.pk).designation == "strategic"


def test_pilot_warning_above_three(db: Any) -> None:
    AccountFactory.create_batch(3, designation="pilot")
    assert governance_selectors.pilot_warning() is None
    warning = governance_selectors.pilot_warning(adding=1)
    assert warning is not None
    assert warning.startswith("4 accounts would be in pilot at once")


def test_review_meeting_logged_by_executive_and_listed_per_account(
    account: Any, executive: Any, owner: Any, other_manager: Any
) -> None:
    meeting = governance_services.review_meeting_create(
        created_by=executive,
        date=date(2027, 3, 1),
        decisions="Approve Northwind plan; revisit pilots in June.",
        attendees=[executive, owner],
        accounts=[account],
    )
    assert list(governance_selectors.review_meetings_for_account(account=account)) == [meeting]
    assert list(governance_selectors.review_meetings_visible_to(owner)) == [meeting]
    assert list(governance_selectors.review_meetings_visible_to(other_manager)) == []
    with pytest.raises(PermissionDenied):
        governance_services.review_meeting_create(
            created_by=owner,
            date=date(2027, 3, 2),
            decisions="x",
            attendees=[owner],
            accounts=[account],
        )
    with pytest.raises(ValidationError) as caught:
        governance_services.review_meeting_create(
            created_by=executive,
            date=date(2027, 3, 2),
            decisions=" ",
            attendees=[],
            accounts=[],
        )
    assert set(caught.value.message_dict) == {"decisions", "attendees", "accounts"}
    assert ReviewMeeting.objects.count() == 1


def test_executive_cannot_decide_request_for_own_account(db: Any) -> None:
    boss = UserFactory(username="boss", roles=["executive", "account_manager"])
    account = AccountFactory(owner=boss, designation="candidate")
    request = governance_services.designation_request_create(
        account=account, requested_by=boss, to_designation="pilot", reason="Mine"
    )
    with pytest.raises(ValidationError):
        governance_services.designation_request_decide(
            request=request, decided_by=boss, approve=True
        )
    account.refresh_from_db()
    assert account.designation == "candidate"
