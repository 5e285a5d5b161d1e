"""Thin Celery tasks: load by id, call one service. Services import this module to enqueue,
so the services are imported inside the task bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

# The analysis must finish well inside Redis's visibility timeout (one hour); no auto-retry:
# a failed run is recorded with its error and ops queue a new one.
ANALYSIS_SOFT_LIMIT = 50 * 60
ANALYSIS_HARD_LIMIT = 55 * 60


@shared_task(bind=True, soft_time_limit=ANALYSIS_SOFT_LIMIT, time_limit=ANALYSIS_HARD_LIMIT)
def analysis_run_execute_task(self: Task[Any, Any], run_id: int) -> None:
    from portfolio.run_notices import analysis_run_notify
    from portfolio.services import analysis_run_execute

    try:
        # On a worker a large portfolio is computed in shards; in process, in one piece.
        analysis_run_execute(run_id=run_id, in_shards=not self.request.is_eager)
    finally:
        # After the run's transaction, whatever its end: a failure, or churn stages risen
        # (a run sent in shards is still running: its finish tells).
        analysis_run_notify(run_id=run_id)


# A shard's result goes to the chord's last step through the result backend (Redis).
@shared_task(
    bind=True,
    ignore_result=False,
    soft_time_limit=ANALYSIS_SOFT_LIMIT,
    time_limit=ANALYSIS_HARD_LIMIT,
)
def analysis_shard_task(
    self: Task[Any, Any],
    run_id: int,
    first: int,
    last: int,
    small_account_revenue: float,
    progress_step: int = 0,
) -> dict[str, Any] | None:
    """One shard of a run (accounts with ids first..last): retried on any error up to
    KAM_ANALYSIS_SHARD_RETRIES times; beyond, the run fails with no snapshot left."""
    from portfolio.run_notices import analysis_run_notify
    from portfolio.services import analysis_run_fail, analysis_shard_execute

    try:
        return analysis_shard_execute(
            run_id=run_id,
            accounts=(first, last),
            small_account_revenue=small_account_revenue,
            progress_step=progress_step,
        )
    except Exception as error:
        retries = settings.KAM_ANALYSIS_SHARD_RETRIES
        if self.request.retries < retries:
            raise self.retry(
                exc=error, countdown=settings.KAM_ANALYSIS_SHARD_RETRY_SECONDS
            ) from error
        analysis_run_fail(
            run_id=run_id,
            error=f"The shard of accounts {first}-{last} failed "
            f"{retries + 1} time{'s' if retries else ''}: {type(error).__name__}: {error}",
        )
        analysis_run_notify(run_id=run_id)
        raise


@shared_task(soft_time_limit=ANALYSIS_SOFT_LIMIT, time_limit=ANALYSIS_HARD_LIMIT)
def analysis_shards_finish_task(
    parts: list[dict[str, Any] | None], run_id: int, warnings: list[str]
) -> None:
    """The chord's last step, once every shard of the run has written its snapshots."""
    from portfolio.run_notices import analysis_run_notify
    from portfolio.services import analysis_shards_finish

    try:
        analysis_shards_finish(run_id=run_id, parts=parts, warnings=warnings)
    finally:
        analysis_run_notify(run_id=run_id)


@shared_task(soft_time_limit=60, time_limit=90)
def nightly_analysis_task() -> int | None:
    from portfolio.services import analysis_run_queue_nightly

    run = analysis_run_queue_nightly(as_of=timezone.localdate())
    return None if run is None else run.pk


@shared_task(soft_time_limit=60, time_limit=90)
def analysis_runs_reap_task() -> dict[str, Any]:
    """The sweep: stuck analysis runs, queued runs and imports the broker lost, interrupted
    imports, and uploaded files past their retention period."""
    from portfolio.run_notices import failed_runs_notify
    from portfolio.services import analysis_runs_reap
    from valuation.importing.services import (
        import_batches_reap,
        import_batches_requeue,
        import_files_purge,
    )

    outcome = {
        **analysis_runs_reap(),
        "imports_failed": import_batches_reap(),
        "imports_requeued": import_batches_requeue(),
        "import_files_deleted": import_files_purge(),
    }
    # The runs the sweep (or anything but their task) failed: ops hear of them once.
    outcome["failures_told"] = failed_runs_notify(since=timezone.now() - timedelta(hours=1))
    return outcome
