"""Thin Celery tasks: load by id, call one service. Services import this module to enqueue,
so the services are imported inside the task bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

# The analysis must finish well inside Redis's visibility timeout (one hour); no auto-retry:
# a failed run is recorded with its error and ops queue a new one.
ANALYSIS_SOFT_LIMIT = 50 * 60
ANALYSIS_HARD_LIMIT = 55 * 60


@shared_task(soft_time_limit=ANALYSIS_SOFT_LIMIT, time_limit=ANALYSIS_HARD_LIMIT)
def analysis_run_execute_task(run_id: int) -> None:
    from portfolio.run_notices import analysis_run_notify
    from portfolio.services import analysis_run_execute

    try:
        analysis_run_execute(run_id=run_id)
    finally:
        # After the run's transaction, whatever its end: a failure, or churn stages risen.
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
