"""seed_demo fills the inboxes from its own data, and e-mails nobody."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from inbox.services import overdue_actions_notify
from notifications.models import EmailStatus, Kind, Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_role_an_inbox(django_capture_on_commit_callbacks: object) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("seed_demo", "--accounts", "30", "--as-of", "2027-05-15", stdout=StringIO())
    kinds = dict(
        Notification.objects.values_list("kind", "user__username").order_by("kind", "user")
    )
    assert {Kind.PLAN_SUBMITTED, Kind.PLAN_RETURNED, Kind.ACTION_OVERDUE} <= set(kinds)
    assert Notification.objects.filter(kind=Kind.PLAN_SUBMITTED, user__username="erin").exists()
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.NONE}
    assert mail.outbox == []
    # the checks said it once: running them again on the same date adds nothing
    before = Notification.objects.count()
    assert overdue_actions_notify(as_of=date(2027, 5, 15)) == 0
    assert Notification.objects.count() == before
