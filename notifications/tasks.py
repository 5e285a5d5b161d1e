"""Thin Celery tasks: e-mail one notification (retried with backoff), the daily digest."""

from __future__ import annotations

from smtplib import SMTPException

from celery import Task, shared_task
from django.conf import settings

# A failed send is tried again after KAM_EMAIL_RETRY_SECONDS (30 s), twice and four times
# as long, then given up and logged.
EMAIL_RETRIES = 3


@shared_task(bind=True, max_retries=EMAIL_RETRIES, soft_time_limit=60, time_limit=90)
def notification_email_task(self: Task, notification_id: int) -> bool:  # type: ignore[type-arg]
    """Send the notification's e-mail; on an SMTP or network error try again later (30 s,
    60 s, 120 s by default), then give up: logged, and the notification marked as not sent. Run
    in-process (no broker: the embedded run, the tests), the tries follow each other at once."""
    from notifications.email import notification_email_failed, notification_email_send

    attempt = self.request.retries or 0
    while True:
        try:
            return notification_email_send(notification_id=notification_id)
        except (SMTPException, OSError) as error:
            if attempt >= EMAIL_RETRIES:
                notification_email_failed(notification_id=notification_id, error=error)
                return False
            if not self.request.is_eager:
                backoff: int = settings.KAM_EMAIL_RETRY_SECONDS
                raise self.retry(exc=error, countdown=backoff * 2**attempt) from error
            attempt += 1


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def daily_digest_task() -> int:
    from notifications.email import digests_send

    return digests_send()
