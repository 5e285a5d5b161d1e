"""Selection tab, criteria page, steering-committee page and review log: role matrix,
forms, bad input and the live attractiveness."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import (
    Assessment,
    CriterionScore,
    DesignationRequest,
    QualifyingAnswers,
    ReviewMeeting,
    SelectionCriterion,
)
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_client", 200),
        ("team_member_client", 200),
        ("other_manager_client", 404),
        ("executive_client", 200),
        ("ops_client", 200),
    ],
)
def test_selection_page_read_access(
    request: Any, account: Any, client_name: str, status: int
) -> None:
    assert (
        request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/selection/").status_code
        == status
    )


def test_selection_page_shows_live_attractiveness(owner_client: Any, account: Any) -> None:
    fit = SelectionCriterion.objects.create(name="Fit", weight=3)
    SelectionCriterion.objects.create(name="Size", weight=1)
    assert "Not scored." in owner_client.get(f"/accounts/{account.pk}/selection/").content.decode()
    response = owner_client.post(
        f"/accounts/{account.pk}/selection/criteria/{fit.pk}/",
        {"score": "4", "rationale": "Needs our service model"},
    )
    assert response.status_code == 302
    page = owner_client.get(f"/accounts/{account.pk}/selection/").content.decode()
    # only "Fit" is scored: 100·3·(4−1) / (4·3) = 75
    assert '<strong class="num" id="attractiveness">75.0</strong>' in page


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_client", 302),
        ("executive_client", 302),
        ("team_member_client", 403),
        ("other_manager_client", 404),
        ("ops_client", 403),
    ],
)
def test_score_form_by_role(request: Any, account: Any, client_name: str, status: int) -> None:
    fit = SelectionCriterion.objects.create(name="Fit", weight=3)
    response = request.getfixturevalue(client_name).post(
        f"/accounts/{account.pk}/selection/criteria/{fit.pk}/", {"score": "4", "rationale": "x"}
    )
    assert response.status_code == status
    assert CriterionScore.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("score", ["0", "6", "three"])
def test_score_form_refuses_out_of_range(owner_client: Any, account: Any, score: str) -> None:
    fit = SelectionCriterion.objects.create(name="Fit", weight=3)
    response = owner_client.post(
        f"/accounts/{account.pk}/selection/criteria/{fit.pk}/", {"score": score, "rationale": "x"}
    )
    assert response.status_code == 400
    assert "from 1 to 5" in response.content.decode()
    assert not CriterionScore.objects.exists()


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_client", 302),
        ("team_member_client", 403),
        ("executive_client", 403),
        ("other_manager_client", 404),
    ],
)
def test_qualifying_and_request_forms_by_role(
    request: Any, account: Any, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.post(
        f"/accounts/{account.pk}/selection/qualifying/",
        {"budget": "2 M€ a year", "reason_for_buying": "Consolidate suppliers"},
    )
    assert response.status_code == status
    assert QualifyingAnswers.objects.filter(account=account).exists() == (status == 302)
    response = client.post(
        f"/accounts/{account.pk}/selection/designation/",
        {"to_designation": "exit", "reason": "Value drainer"},
    )
    assert response.status_code == status
    assert DesignationRequest.objects.count() == (1 if status == 302 else 0)


def test_request_to_pilot_warns_above_three(owner_client: Any, owner: Any) -> None:
    AccountFactory.create_batch(3, designation="pilot")
    account = AccountFactory(owner=owner, designation="candidate")
    response = owner_client.post(
        f"/accounts/{account.pk}/selection/designation/",
        {"to_designation": "pilot", "reason": "Good fit"},
        follow=True,
    )
    assert "4 accounts would be in pilot at once" in response.content.decode()


@pytest.mark.parametrize(
    ("client_name", "status", "designation"),
    [
        ("executive_client", 302, "pilot"),
        ("owner_client", 403, "candidate"),
        ("ops_client", 403, "candidate"),
        ("other_manager_client", 404, "candidate"),
    ],
)
def test_designation_decision_by_role(
    request: Any, owner: Any, team_member: Any, client_name: str, status: int, designation: str
) -> None:
    account = AccountFactory(owner=owner, designation="candidate")
    pending = DesignationRequest.objects.create(
        account=account,
        from_designation="candidate",
        to_designation="pilot",
        reason="Fit",
        requested_by=owner,
    )
    response = request.getfixturevalue(client_name).post(
        f"/accounts/designation-requests/{pending.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == status
    account.refresh_from_db()
    assert account.designation == designation


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("executive_client", 200),
        ("owner_client", 403),
        ("team_member_client", 403),
        ("ops_client", 403),
    ],
)
@pytest.mark.parametrize("url", ["/accounts/committee/", "/accounts/committee/meetings/new/"])
def test_committee_pages_for_executives(
    request: Any, db: Any, url: str, client_name: str, status: int
) -> None:
    assert request.getfixturevalue(client_name).get(url).status_code == status


def test_committee_page_lists_what_the_meeting_needs(
    executive_client: Any, account: Any, owner: Any
) -> None:
    plan_with_content(account, status="submitted")
    candidate = AccountFactory(owner=owner, designation="candidate", name="Harbor Paper")
    DesignationRequest.objects.create(
        account=candidate,
        from_designation="candidate",
        to_designation="pilot",
        reason="Fit",
        requested_by=owner,
    )
    Assessment.objects.create(account=account, kind="survey", date="2027-01-01", score=Decimal(8))
    Assessment.objects.create(account=account, kind="survey", date="2027-04-01", score=Decimal(6))
    response = executive_client.get("/accounts/committee/")
    page = response.content.decode()
    assert [p.account.name for p in response.context["plans"]] == ["Northwind Foods"]
    assert [r.account.name for r, _ in response.context["pending"]] == ["Harbor Paper"]
    assert [(t.account.name, t.change) for t in response.context["trends"]] == [
        ("Northwind Foods", Decimal("-2.0"))
    ]
    assert "▼ -2.0" in page


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("executive_client", 302), ("owner_client", 403), ("ops_client", 403)],
)
def test_meeting_form_by_role(
    request: Any, account: Any, executive: Any, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/accounts/committee/meetings/new/",
        {
            "date": "2027-03-01",
            "title": "Q1 review",
            "attendees": ["erin"],
            "accounts": [account.pk],
            "decisions": "Approve the plan.",
        },
    )
    assert response.status_code == status
    assert ReviewMeeting.objects.count() == (1 if status == 302 else 0)


def test_meeting_form_refuses_missing_decisions(executive_client: Any, account: Any) -> None:
    response = executive_client.post(
        "/accounts/committee/meetings/new/",
        {
            "date": "2027-03-01",
            "title": "Q1",
            "attendees": [],
            "accounts": [account.pk],
            "decisions": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Record what the committee decided." in page
    assert "Name at least one attendee." in page
    assert not ReviewMeeting.objects.exists()


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("owner_client", 200),
        ("team_member_client", 200),
        ("other_manager_client", 404),
        ("executive_client", 200),
    ],
)
def test_meeting_detail_and_account_link(
    request: Any, account: Any, executive: Any, client_name: str, status: int
) -> None:
    meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Keep Northwind strategic")
    meeting.accounts.set([account])
    meeting.attendees.set([executive])
    client = request.getfixturevalue(client_name)
    assert client.get(f"/accounts/committee/meetings/{meeting.pk}/").status_code == status
    if status == 200:
        selection = client.get(f"/accounts/{account.pk}/selection/").content.decode()
        assert "Keep Northwind strategic" in selection


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("executive_client", 302), ("owner_client", 403), ("ops_client", 403)],
)
def test_criteria_page_by_role(request: Any, db: Any, client_name: str, status: int) -> None:
    client = request.getfixturevalue(client_name)
    assert client.get("/accounts/criteria/").status_code == 200
    response = client.post("/accounts/criteria/", {"name": "Fit", "weight": "2", "is_active": "on"})
    assert response.status_code == status
    assert SelectionCriterion.objects.count() == (1 if status == 302 else 0)


def test_criteria_page_refuses_zero_weight(executive_client: Any) -> None:
    response = executive_client.post("/accounts/criteria/", {"name": "Fit", "weight": "0"})
    assert response.status_code == 400
    assert "greater than 0" in response.content.decode()
    assert not SelectionCriterion.objects.exists()


def test_account_edit_form_does_not_change_designation(owner_client: Any, account: Any) -> None:
    page = owner_client.get(f"/accounts/{account.pk}/edit/").content.decode()
    assert "Changed through a designation request" in page


@pytest.mark.parametrize("size", [2, 6])
def test_committee_page_queries(
    executive_client: Any, owner: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        account = AccountFactory(owner=owner, designation="strategic")
        plan_with_content(account, status="submitted", period=str(2030 + index))
        Assessment.objects.create(account=account, kind="survey", date="2027-01-01", score=7)
        Assessment.objects.create(account=account, kind="survey", date="2027-04-01", score=6)
        pending = AccountFactory(owner=owner, designation="candidate")
        DesignationRequest.objects.create(
            account=pending,
            from_designation="candidate",
            to_designation="pilot",
            reason="x",
            requested_by=owner,
        )
    # session, user, groups; accounts with assessments, their assessments (trends);
    # pending requests, pilot count, plans awaiting approval, recent meetings (no meeting,
    # so no attendee/account prefetch)
    with django_assert_num_queries(9):
        response = executive_client.get("/accounts/committee/")
    assert len(response.context["trends"]) == size


@pytest.mark.parametrize("size", [2, 6])
def test_selection_page_queries(
    owner_client: Any, account: Any, executive: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        criterion = SelectionCriterion.objects.create(name=f"C{index}", weight=1)
        CriterionScore.objects.create(account=account, criterion=criterion, score=3)
        meeting = ReviewMeeting.objects.create(date="2027-03-01", decisions="Go")
        meeting.accounts.set([account])
        meeting.attendees.set([executive])
    # session, user, groups, account; qualifying answers, requests, active criteria, the
    # account's scores, pilot count, meetings, their attendees (the owner may score, so no
    # team-membership query)
    with django_assert_num_queries(11):
        response = owner_client.get(f"/accounts/{account.pk}/selection/")
    assert response.status_code == 200
