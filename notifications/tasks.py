"""Thin Celery tasks: e-mail one notification (retried with backoff), the daily digest."""

from __future__ import annotations

from smtplib import SMTPException

from celery import Task, shared_task

# A failed send is tried again after 30 s, 60 s, 120 s (then given up, logged).
EMAIL_RETRIES = 3
EMAIL_BACKOFF_SECONDS = 30


@shared_task(bind=True, max_retries=EMAIL_RETRIES, soft_time_limit=60, time_limit=90)
def notification_email_task(self: Task, notification_id: int) -> bool:  # type: ignore[type-arg]
    from notifications.email import notification_email_failed, notification_email_send

    try:
        return notification_email_send(notification_id=notification_id)
    except (SMTPException, OSError) as error:
        if self.request.retries >= EMAIL_RETRIES:
            notification_email_failed(notification_id=notification_id, error=error)
            return False
        raise self.retry(
            exc=error, countdown=EMAIL_BACKOFF_SECONDS * 2**self.request.retries
        ) from error


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def daily_digest_task() -> int:
    from notifications.email import digests_send

    return digests_send()
