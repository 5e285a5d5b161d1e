"""Thin Celery tasks: load by id, call one service. Services import this module to enqueue,
so the services are imported inside the task bodies."""

from __future__ import annotations

from celery import shared_task

# A 1,000,000-row import takes seconds to a minute; the limits leave room for slow disks and
# stay well inside Redis's one-hour visibility timeout. No auto-retry: a bad file fails the
# same way every time, and the batch records why.
IMPORT_SOFT_LIMIT = 20 * 60
IMPORT_HARD_LIMIT = 25 * 60


@shared_task(soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_HARD_LIMIT)
def import_batch_execute_task(batch_id: int) -> None:
    from valuation.importing.services import import_batch_execute

    import_batch_execute(batch_id=batch_id)
