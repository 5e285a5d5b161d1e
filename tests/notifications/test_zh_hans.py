"""Notifications and e-mails in the recipient's language (issue 21): a lazy message is written
once per recipient in theirs, whoever acted and in whatever language; the e-mail at once, the
daily digest and the weekly summary are written in it too. The recipient's language is their
own choice; here mostly the site's (LANGUAGE_CODE set to zh-hans), what a person without a
choice of their own gets."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from inbox.services import overdue_actions_notify, weekly_summaries_send
from kam.language import user_language_set
from notifications.email import digests_send
from notifications.models import Delivery, Kind, Notification
from notifications.services import notification_message, notification_preferences_set, notify
from tests.accounts.plans.factories import PlanActionFactory, plan_with_content
from tests.valuation.factories import ValueEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese_recipients(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


def test_a_lazy_message_is_written_in_the_recipients_language(
    owner: Any, executive: Any, chinese_recipients: None
) -> None:
    # given an executive acting in English
    with translation.override("en"):
        notify(
            recipients=[owner],
            kind=Kind.PLAN_RETURNED,
            message=notification_message(gettext_lazy("Not decided: %(problem)s"), problem="x"),
            actor=executive,
        )
        notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="Plain text stays.")
    # then the account manager reads it in theirs; a plain text is kept as it was given
    assert list(Notification.objects.order_by("id").values_list("message", flat=True)) == [
        "未作决定：x",
        "Plain text stays.",
    ]


def test_the_daily_check_tells_an_overdue_action_in_the_recipients_language(
    account: Any, owner: Any, chinese_recipients: None
) -> None:
    plan = plan_with_content(account)
    PlanActionFactory(plan=plan, title="Call the CFO", due=date(2027, 1, 10))
    with translation.override("en"):
        assert overdue_actions_notify(as_of=date(2027, 1, 12), email=False) == 1
    message = Notification.objects.filter(user=owner).values_list("message", flat=True)[0]
    assert "“Call the CFO”" in message
    assert "截止日期为 2027-01-10，已逾期 2 天。" in message


def test_the_email_at_once_is_written_in_the_recipients_language(
    owner: Any, chinese_recipients: None, django_capture_on_commit_callbacks: Any
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[owner], kind=Kind.PLAN_APPROVED, message="x", url="/inbox/")
    (email,) = mail.outbox
    assert email.subject == "KAM：客户计划已批准"
    assert "您的收件箱：http://localhost:8000/inbox/" in email.body


def test_the_daily_digest_is_written_in_the_recipients_language(
    owner: Any, chinese_recipients: None
) -> None:
    notification_preferences_set(user=owner, deliveries={Kind.ACTION_OVERDUE: Delivery.DIGEST})
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="a")
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="b")
    with translation.override("en"):
        assert digests_send(until=timezone.now() + timedelta(seconds=1)) == 1
    (email,) = mail.outbox
    assert email.subject == "KAM：您的每日摘要（2）"
    assert email.body.startswith("自上次摘要以来共有 2 条。\n\n计划行动已逾期（2）\n  - a\n")


def test_the_weekly_summary_is_written_in_the_recipients_language(
    account: Any, owner: Any, chinese_recipients: None
) -> None:
    ValueEntryFactory(account=account, date=date(2026, 6, 1), category="freight savings")
    with translation.override("en"):
        assert weekly_summaries_send(as_of=date(2027, 2, 1)) >= 1
    email = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert email.subject.startswith("KAM：您的每周摘要（")
    assert "您本周在 KAM 中的情况：" in email.body
    assert "freight savings" in email.body


def test_each_recipient_reads_in_their_own_choice(
    owner: Any, team_member: Any, executive: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given one account manager who chose Chinese and one who chose nothing (English)
    user_language_set(user=owner, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[owner, team_member],
            kind=Kind.PLAN_RETURNED,
            message=notification_message(gettext_lazy("Not decided: %(problem)s"), problem="x"),
            actor=executive,
        )
    messages = dict(Notification.objects.values_list("user__username", "message"))
    assert messages == {owner.username: "未作决定：x", team_member.username: "Not decided: x"}
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[(owner.email,)] == "KAM：客户计划被退回修改"
    assert subjects[(team_member.email,)] == "KAM: Plan returned for rework"


def test_english_stays_the_default(owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[owner], kind=Kind.PLAN_APPROVED, message="x")
    assert mail.outbox[0].subject == "KAM: Plan approved"
