"""The account managers' weekly summary: their alerts in one e-mail; nothing to say, no
e-mail; one failed send does not stop the others."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from django.core import mail

from inbox.services import weekly_summaries_send
from inbox.tasks import weekly_summary_task
from tests.accounts.plans.factories import PlanActionFactory, plan_with_content
from tests.factories import AccountFactory, UserFactory
from tests.valuation.factories import ValueEntryFactory

pytestmark = pytest.mark.django_db


def test_a_manager_gets_their_alerts_and_a_quiet_one_nothing(
    account: Any, owner: Any, other_manager: Any, executive: Any
) -> None:
    plan = plan_with_content(account)
    PlanActionFactory(plan=plan, title="Call the CFO", due=date(2027, 1, 10))
    ValueEntryFactory(account=account, date=date(2026, 6, 1), category="freight savings")
    assert weekly_summaries_send(as_of=date(2027, 2, 1)) == 2  # alice and tom (the team)
    by_user = {tuple(m.to): m for m in mail.outbox}
    assert set(by_user) == {("alice@example.com",), ("tom@example.com",)}
    body = by_user[("alice@example.com",)].body
    assert "Plan actions overdue (1)" in body
    assert "“Call the CFO” (alice) was due 2027-01-10" in body
    assert "Value not confirmed by the customer (1)" in body
    assert "freight savings" in body
    assert by_user[("alice@example.com",)].subject.startswith("KAM: your weekly summary (")


def test_a_failed_send_is_logged_and_the_others_still_go(
    account: Any, owner: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bob = UserFactory(username="bob", roles=["account_manager"])
    other = AccountFactory(owner=bob)
    ValueEntryFactory(account=other, date=date(2026, 6, 1))
    ValueEntryFactory(account=account, date=date(2026, 6, 1))
    sent: list[str] = []

    def send_mail(**kwargs: Any) -> int:
        if kwargs["recipient_list"] == ["alice@example.com"]:
            raise OSError("Connection refused")
        sent.extend(kwargs["recipient_list"])
        return 1

    monkeypatch.setattr("inbox.services.send_mail", send_mail)
    with caplog.at_level(logging.ERROR):
        assert weekly_summaries_send(as_of=date(2027, 2, 1)) == 2  # bob and tom
    assert "bob@example.com" in sent
    assert "Could not send alice's weekly summary: Connection refused" in caplog.text


def test_the_task_runs_on_today(owner: Any) -> None:
    assert weekly_summary_task() == 0
    assert mail.outbox == []
