"""A plan's period from its label alone (CONTRACT.md: "2027", "2027 H1", "2027 Q3"), or the
dates given for another span."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import AccountPlan
from accounts.plans.periods import period_dates

D = datetime.date


@pytest.mark.parametrize(
    ("label", "span"),
    [
        ("2027", (D(2027, 1, 1), D(2027, 12, 31))),
        ("2027 H1", (D(2027, 1, 1), D(2027, 6, 30))),
        ("2027 H2", (D(2027, 7, 1), D(2027, 12, 31))),
        ("2027 Q1", (D(2027, 1, 1), D(2027, 3, 31))),
        ("2028 Q1", (D(2028, 1, 1), D(2028, 3, 31))),
        ("2027 Q3", (D(2027, 7, 1), D(2027, 9, 30))),
        ("2027 Q4", (D(2027, 10, 1), D(2027, 12, 31))),
        (" 2027-q2 ", (D(2027, 4, 1), D(2027, 6, 30))),
        ("2027h1", (D(2027, 1, 1), D(2027, 6, 30))),
    ],
)
def test_period_labels(label: str, span: tuple[datetime.date, datetime.date]) -> None:
    assert period_dates(label) == span


@pytest.mark.parametrize(
    "label", ["", "27", "2027 H3", "2027 Q5", "2027 Q0", "FY27", "2027 S1", "0000", "1899", "2200"]
)
def test_labels_that_name_no_period(label: str) -> None:
    assert period_dates(label) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2027", "2027-01-01", "2027-12-31"),
        ("2027 H1", "2027-01-01", "2027-06-30"),
        ("2027 Q3", "2027-07-01", "2027-09-30"),
    ],
)
def test_api_creates_a_plan_from_its_period_alone(
    owner_api: Any, account: Any, label: str, start: str, end: str
) -> None:
    response = owner_api.post(
        "/api/v1/plans/", {"account": account.pk, "period": label}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["period"], body["period_start"], body["period_end"]) == (label, start, end)


@pytest.mark.django_db
def test_api_keeps_explicit_dates_for_another_span(owner_api: Any, account: Any) -> None:
    response = owner_api.post(
        "/api/v1/plans/",
        {
            "account": account.pk,
            "period": "FY27",
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["period_start"], response.json()["period_end"]) == (
        "2026-04-01",
        "2027-03-31",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"period": "FY27"}, "period", "names no period"),
        ({"period": "2027", "period_start": "2027-01-01"}, "period_end", "Give both"),
    ],
)
def test_api_refuses_a_period_it_cannot_date(
    owner_api: Any, account: Any, body: dict[str, Any], field: str, words: str
) -> None:
    response = owner_api.post("/api/v1/plans/", {"account": account.pk, **body}, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not AccountPlan.objects.exists()


@pytest.mark.django_db
def test_form_creates_a_plan_from_its_period_alone(owner_client: Any, account: Any) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/plans/new/",
        {
            "period": "2027 Q3",
            "period_start": "",
            "period_end": "",
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    plan = AccountPlan.objects.get()
    assert (plan.period_start, plan.period_end) == (D(2027, 7, 1), D(2027, 9, 30))


@pytest.mark.django_db
def test_one_plan_per_period_however_the_label_is_typed(owner_api: Any, account: Any) -> None:
    first = owner_api.post(
        "/api/v1/plans/", {"account": account.pk, "period": "2027-h1"}, format="json"
    )
    again = owner_api.post(
        "/api/v1/plans/", {"account": account.pk, "period": "2027H1"}, format="json"
    )
    assert first.json()["period"] == "2027 H1"
    assert again.status_code == 400
    assert AccountPlan.objects.count() == 1


@pytest.mark.django_db
def test_a_new_label_alone_moves_the_dates(owner_api: Any, account: Any) -> None:
    plan = owner_api.post(
        "/api/v1/plans/", {"account": account.pk, "period": "2027"}, format="json"
    ).json()
    moved = owner_api.patch(
        f"/api/v1/plans/{plan['id']}/",
        {"period": "2028 Q2", "version": plan["version"]},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    stored = AccountPlan.objects.get()
    assert (stored.period, stored.period_start, stored.period_end) == (
        "2028 Q2",
        D(2028, 4, 1),
        D(2028, 6, 30),
    )
