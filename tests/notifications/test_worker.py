"""A real Celery worker sends the e-mail after the commit; with the SMTP server down it
tries again with backoff, then gives up, logs it and marks the notification; the plan was
submitted all along."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from notifications.models import EmailStatus, Notification
from tests.accounts.plans.factories import plan_with_content
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _status() -> str:
    return Notification.objects.values_list("email_status", flat=True).get()


def test_the_worker_sends_the_email_after_the_commit(
    account: Any, owner: Any, executive: Any, queue_name: str, start_worker: Any
) -> None:
    start_worker(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    plan_services.account_plan_submit(plan=plan_with_content(account), submitted_by=owner)
    # pending → sending (claimed) → sent
    wait_for(lambda: _status() not in (EmailStatus.PENDING, EmailStatus.SENDING))
    assert _status() == EmailStatus.SENT
    assert Notification.objects.get().emailed_at is not None


def test_smtp_down_the_worker_retries_then_gives_up(
    account: Any, owner: Any, executive: Any, queue_name: str, start_worker: Any
) -> None:
    worker = start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="1",  # nothing listens there
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="2",
        KAM_EMAIL_RETRY_SECONDS="0",
    )
    plan = plan_with_content(account)
    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    wait_for(lambda: _status() not in (EmailStatus.PENDING, EmailStatus.SENDING))
    assert _status() == EmailStatus.FAILED
    assert worker.poll() is None  # the worker goes on
