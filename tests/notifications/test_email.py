"""E-mail: after the commit, by a task, per the recipient's preference; retried and given up
cleanly (logged) when SMTP fails; the action succeeds with the broker down too; the daily
digest groups the day's items."""

from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import SMTPServerDisconnected
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from notifications import tasks
from notifications.email import digests_send
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.services import notification_preferences_set, notify
from tests.accounts.plans.factories import plan_with_content

pytestmark = pytest.mark.django_db


class FailingBackend:
    """An SMTP server that is down: every send raises, and each try is counted."""

    tries = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        FailingBackend.tries += 1
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def smtp_down(settings: Any) -> None:
    FailingBackend.tries = 0
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"


def test_an_email_is_sent_after_the_commit_not_before(
    account: Any, owner: Any, executive: Any, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_with_content(account)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert mail.outbox == []  # nothing inside the transaction
    # run at the commit: the accounts data's new version (the list shows plan status), then
    # the e-mail
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["erin@example.com"]]
    assert mail.outbox[0].subject == "KAM: Plan submitted for approval"
    assert f"http://localhost:8000/accounts/plans/{plan.pk}/" in mail.outbox[0].body
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_smtp_down_is_retried_then_given_up_and_logged_the_action_succeeds(
    account: Any,
    owner: Any,
    executive: Any,
    smtp_down: None,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    plan = plan_with_content(account)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert FailingBackend.tries == 1 + tasks.EMAIL_RETRIES
    note = Notification.objects.get()
    assert note.email_status == EmailStatus.FAILED
    assert f"Gave up e-mailing notification {note.pk}" in caplog.text


def test_broker_down_the_action_succeeds_and_the_mail_is_marked_unsent(
    account: Any,
    owner: Any,
    executive: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.notification_email_task, "delay", unreachable)
    plan = plan_with_content(account)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert Notification.objects.get().email_status == EmailStatus.FAILED
    assert mail.outbox == []


def test_the_retry_waits_longer_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    countdowns: list[int] = []

    def retry(**kwargs: Any) -> Exception:
        countdowns.append(kwargs["countdown"])
        return RuntimeError("retry")

    def send(**kwargs: Any) -> bool:
        raise SMTPServerDisconnected("down")

    monkeypatch.setattr("notifications.email.notification_email_send", send)
    for attempt in range(tasks.EMAIL_RETRIES):
        task = tasks.notification_email_task
        monkeypatch.setattr(task, "retry", retry)
        task.push_request(retries=attempt, is_eager=False)
        try:
            with pytest.raises(RuntimeError, match="retry"):
                task.run(1)
        finally:
            task.pop_request()
    assert countdowns == [30, 60, 120]


def test_preference_off_sends_nothing_digest_waits(
    account: Any, owner: Any, executive: Any, django_capture_on_commit_callbacks: Any
) -> None:
    notification_preferences_set(user=executive, deliveries={Kind.PLAN_SUBMITTED: Delivery.OFF})
    notification_preferences_set(user=owner, deliveries={Kind.PLAN_RETURNED: Delivery.DIGEST})
    plan = plan_with_content(account)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
        plan_services.account_plan_return(
            plan=AccountPlan.objects.get(pk=plan.pk), returned_by=executive, comment="More."
        )
    assert [m.to for m in mail.outbox] == [["tom@example.com"]]  # the team member, at once
    statuses = set(Notification.objects.values_list("user__username", "kind", "email_status"))
    assert statuses == {
        ("erin", Kind.PLAN_SUBMITTED, EmailStatus.NONE),
        ("alice", Kind.PLAN_RETURNED, EmailStatus.DIGEST),
        ("tom", Kind.PLAN_RETURNED, EmailStatus.SENT),
    }


def test_the_digest_groups_a_days_items_in_one_email(owner: Any, executive: Any) -> None:
    for kind in (Kind.ACTION_OVERDUE, Kind.ACTION_OVERDUE, Kind.PLAN_RETURNED):
        notification_preferences_set(user=owner, deliveries={kind: Delivery.DIGEST})
    notify(
        recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Call the CFO: overdue.", url="/a/"
    )
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Send the offer: overdue.")
    notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="Plan returned: more.")
    assert digests_send(until=timezone.now() + timedelta(seconds=1)) == 1
    (email,) = mail.outbox
    assert email.to == ["alice@example.com"]
    assert email.subject == "KAM: your daily digest (3)"
    body = email.body
    assert body.index("Plan returned for rework (1)") < body.index("Plan action overdue (2)")
    assert "  - Call the CFO: overdue. http://localhost:8000/a/" in body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
    assert digests_send(until=timezone.now() + timedelta(seconds=1)) == 0  # sent once


def test_a_failed_digest_keeps_its_items_for_the_next(owner: Any, smtp_down: None) -> None:
    notification_preferences_set(user=owner, deliveries={Kind.ACTION_OVERDUE: Delivery.DIGEST})
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Overdue.")
    assert digests_send(until=timezone.now() + timedelta(seconds=1)) == 0
    assert Notification.objects.get().email_status == EmailStatus.DIGEST


def test_a_user_without_an_address_gets_no_email(
    owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner.email = ""
    owner.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[owner], kind=Kind.IMPORT_FAILED, message="The import failed.")
    assert callbacks == []
    assert Notification.objects.get().email_status == EmailStatus.NONE


def test_a_task_delivered_twice_sends_the_email_once(
    account: Any, owner: Any, executive: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from notifications.email import notification_email_send

    plan = plan_with_content(account)
    with django_capture_on_commit_callbacks(execute=False):
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    note = Notification.objects.get()
    assert notification_email_send(notification_id=note.pk) is True
    assert notification_email_send(notification_id=note.pk) is False  # the redelivery
    assert len(mail.outbox) == 1


def test_an_email_being_sent_is_not_claimed_again_and_a_failed_send_is_given_back(
    account: Any, owner: Any, executive: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from notifications.email import notification_email_send

    plan = plan_with_content(account)
    with django_capture_on_commit_callbacks(execute=False):
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    note = Notification.objects.get()
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.SENDING)
    assert notification_email_send(notification_id=note.pk) is False  # another task has it
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.PENDING)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(SMTPServerDisconnected):
        notification_email_send(notification_id=note.pk)
    assert Notification.objects.get(pk=note.pk).email_status == EmailStatus.PENDING  # for a retry
    assert mail.outbox == []
