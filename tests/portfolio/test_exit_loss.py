"""Moving an account to exit asks whether it was lost; an approved loss records the
account_lost event the churn backtest reads (page and API)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, DesignationRequest
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(owner: Any) -> Any:
    return AccountFactory(owner=owner, name="Leaving Co", designation="strategic")


def _request(api: Any, account: Any, **body: Any) -> Any:
    return api.post(
        "/api/v1/designation-requests/",
        {"account": account.pk, "to_designation": "exit", "reason": "They left", **body},
        format="json",
    )


def test_a_move_to_exit_takes_one_of_the_answers(owner_api: Any, account: Any) -> None:
    response = _request(owner_api, account, exit_loss="perhaps")
    assert response.status_code == 400
    assert "exit_loss" in response.json()
    assert not DesignationRequest.objects.exists()


def test_a_move_to_exit_left_unanswered_records_no_loss(
    owner_api: Any, executive_api: Any, account: Any
) -> None:
    created = _request(owner_api, account)
    assert created.status_code == 201
    approved = executive_api.post(
        f"/api/v1/designation-requests/{created.json()['id']}/approve/", {}, format="json"
    )
    assert approved.status_code == 200
    assert not AccountEvent.objects.filter(kind="account_lost").exists()


def test_only_a_move_to_exit_asks(owner_api: Any, account: Any) -> None:
    response = _request(owner_api, account, to_designation="pilot", exit_loss="rival")
    assert response.status_code == 400
    assert "Only a move to exit" in str(response.json()["exit_loss"])


@pytest.mark.parametrize(
    ("answer", "recorded"), [("rival", True), ("stopped", True), ("not_lost", False)]
)
def test_an_approved_loss_records_the_account_lost_event(
    owner_api: Any, executive_api: Any, account: Any, owner: Any, answer: str, recorded: bool
) -> None:
    created = _request(owner_api, account, exit_loss=answer)
    assert created.status_code == 201, created.json()
    assert created.json()["exit_loss"] == answer
    assert not AccountEvent.objects.filter(kind="account_lost").exists()  # not before approval
    approved = executive_api.post(
        f"/api/v1/designation-requests/{created.json()['id']}/approve/", {}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    events = list(AccountEvent.objects.filter(account=account, kind="account_lost"))
    assert len(events) == (1 if recorded else 0)
    if recorded:
        assert events[0].date == timezone.localdate()
        assert events[0].created_by == owner
        assert "They left" in events[0].notes


def test_a_declined_move_records_nothing(owner_api: Any, executive_api: Any, account: Any) -> None:
    created = _request(owner_api, account, exit_loss="rival").json()
    response = executive_api.post(
        f"/api/v1/designation-requests/{created['id']}/decline/",
        {"comment": "Keep them"},
        format="json",
    )
    assert response.status_code == 200
    assert not AccountEvent.objects.filter(kind="account_lost").exists()


def test_the_page_form_asks_the_question(owner_client: Any, account: Any) -> None:
    page = owner_client.get(f"/accounts/{account.pk}/selection/").content.decode()
    assert "Moving to exit: was the account lost?" in page
    response = owner_client.post(
        f"/accounts/{account.pk}/selection/designation/",
        {"to_designation": "pilot", "reason": "Gone", "exit_loss": "rival"},
    )
    assert response.status_code == 400
    assert "Only a move to exit asks whether the account was lost" in response.content.decode()
    response = owner_client.post(
        f"/accounts/{account.pk}/selection/designation/",
        {"to_designation": "exit", "reason": "Gone", "exit_loss": "rival"},
    )
    assert response.status_code == 302
    assert DesignationRequest.objects.get().exit_loss == "rival"


def test_account_lost_is_an_event_kind_of_the_api(owner_api: Any, account: Any) -> None:
    response = owner_api.post(
        "/api/v1/events/",
        {
            "account": account.pk,
            "kind": "account_lost",
            "date": "2026-01-10",
            "notes": "To a rival",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "account_lost"
