"""Voice-of-the-customer tab: role matrix, forms, bad input, the recurring flag, the trend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, Assessment, Complaint

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
def test_voice_page_read_access(request: Any, account: Any, client_name: str, status: int) -> None:
    response = request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/voice/")
    assert response.status_code == status


ASSESSMENT = {
    "kind": "business_review",
    "date": "2027-03-01",
    "score": "6.5",
    "notes": "",
    "dimensions-TOTAL_FORMS": "3",
    "dimensions-INITIAL_FORMS": "0",
    "dimensions-0-name": "Service quality",
    "dimensions-0-expectation": "9",
    "dimensions-0-performance": "6",
    "dimensions-1-name": "Relationship quality",
    "dimensions-1-expectation": "",
    "dimensions-1-performance": "",
    "dimensions-2-name": "On-time delivery",
    "dimensions-2-expectation": "9.5",
    "dimensions-2-performance": "7",
}
COMPLAINT = {"category": "Delivery", "severity": "high", "opened_on": "2027-03-01"}
EVENT = {"kind": "competitor_evaluation", "date": "2027-03-01", "notes": "Rival on site"}


@pytest.mark.parametrize(
    ("client_name", "assessment", "complaint", "event"),
    [
        ("owner_client", 302, 302, 302),
        ("team_member_client", 403, 302, 302),
        ("other_manager_client", 404, 404, 404),
        ("executive_client", 403, 403, 403),
        ("ops_client", 403, 403, 403),
    ],
)
def test_voice_forms_by_role(
    request: Any, account: Any, client_name: str, assessment: int, complaint: int, event: int
) -> None:
    client = request.getfixturevalue(client_name)
    base = f"/accounts/{account.pk}/voice"
    assert client.post(f"{base}/assessments/", ASSESSMENT).status_code == assessment
    assert client.post(f"{base}/complaints/", COMPLAINT).status_code == complaint
    assert client.post(f"{base}/events/", EVENT).status_code == event
    assert Assessment.objects.count() == (1 if assessment == 302 else 0)
    assert Complaint.objects.count() == (1 if complaint == 302 else 0)
    assert AccountEvent.objects.count() == (1 if event == 302 else 0)


def test_assessment_form_keeps_filled_dimensions(owner_client: Any, account: Any) -> None:
    owner_client.post(f"/accounts/{account.pk}/voice/assessments/", ASSESSMENT)
    assessment = Assessment.objects.get()
    assert list(assessment.dimensions.values_list("name", "expectation", "performance")) == [
        ("Service quality", Decimal("9.0"), Decimal("6.0")),
        ("On-time delivery", Decimal("9.5"), Decimal("7.0")),
    ]


@pytest.mark.parametrize(
    ("_case", "url", "data", "message", "model"),
    [
        ("score 12", "assessments", {**ASSESSMENT, "score": "12"}, "between 0 and 10", Assessment),
        (
            "resolved before opened",
            "complaints",
            {**COMPLAINT, "resolved_on": "2027-02-01"},
            "is before the opened date",
            Complaint,
        ),
        ("unknown kind", "events", {**EVENT, "kind": "merger"}, "not an event kind", AccountEvent),
    ],
)
def test_voice_forms_refuse_bad_input(
    owner_client: Any,
    account: Any,
    _case: str,
    url: str,
    data: dict[str, Any],
    message: str,
    model: Any,
) -> None:
    response = owner_client.post(f"/accounts/{account.pk}/voice/{url}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert model.objects.count() == 0


def test_resolve_complaint_before_opened_is_refused(
    team_member_client: Any, team_member: Any, account: Any
) -> None:
    complaint = Complaint.objects.create(
        account=account,
        category="billing",
        severity="low",
        opened_on="2027-03-01",
        created_by=team_member,
    )
    response = team_member_client.post(
        f"/accounts/{account.pk}/voice/complaints/{complaint.pk}/resolve/",
        {"resolved_on": "2027-02-01"},
    )
    assert response.status_code == 400
    assert "is before the opened date" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.resolved_on is None


def test_page_flags_recurring_problems_and_shows_trend(owner_client: Any, account: Any) -> None:
    today = timezone.localdate()
    for days in (1, 20, 40):
        Complaint.objects.create(
            account=account,
            category="delivery",
            severity="high",
            opened_on=today - timedelta(days=days),
        )
    for days, score in ((200, "8.0"), (100, "6.5")):
        Assessment.objects.create(
            account=account, kind="survey", date=today - timedelta(days=days), score=Decimal(score)
        )
    page = owner_client.get(f"/accounts/{account.pk}/voice/").content.decode()
    assert "Recurring problems" in page
    assert "delivery × 3" in page
    assert "▼ -1.5" in page


@pytest.mark.parametrize("size", [2, 8])
def test_voice_page_queries(
    owner_client: Any, account: Any, django_assert_num_queries: Any, size: int
) -> None:
    today = timezone.localdate()
    for index in range(size):
        assessment = Assessment.objects.create(
            account=account, kind="survey", date=today - timedelta(days=index), score=7
        )
        assessment.dimensions.create(name="Service quality", expectation=8, performance=7)
        Complaint.objects.create(
            account=account,
            category="billing",
            severity="low",
            opened_on=today - timedelta(days=index),
        )
        AccountEvent.objects.create(account=account, kind="other", date=today)
    # session, user, groups, account; assessments, their dimensions, recurring problems,
    # complaints, events, contribute check (owner: no team query)
    with django_assert_num_queries(9):
        response = owner_client.get(f"/accounts/{account.pk}/voice/")
    assert response.status_code == 200
