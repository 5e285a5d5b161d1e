"""Thin Celery tasks of the daily checks and the weekly summary (django-celery-beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def daily_checks_task() -> dict[str, int]:
    from inbox.services import overdue_actions_notify, unconfirmed_values_notify

    today = timezone.localdate()
    return {
        "actions_overdue": overdue_actions_notify(as_of=today),
        "values_unconfirmed": unconfirmed_values_notify(as_of=today),
    }


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def weekly_summary_task() -> int:
    from inbox.services import weekly_summaries_send

    return weekly_summaries_send(as_of=timezone.localdate())
