"""A real Celery worker against the test Redis and PostgreSQL: a run queued through the API
is executed; a worker killed mid-run leaves a failed run with no snapshots, and the next
run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import connection
from django.test import override_settings

from portfolio import services
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.celery_worker import wait_for
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _status(run_id: int) -> str:
    return AnalysisRun.objects.values_list("status", flat=True).get(pk=run_id)


def test_worker_executes_a_run_queued_through_the_api(
    owner: Any, other_manager: Any, ops_api: Any, start_worker: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    start_worker()

    response = ops_api.post("/api/v1/analysis-runs/", {"as_of": AS_OF.isoformat()}, format="json")

    assert response.status_code == 201
    run_id = response.json()["id"]
    wait_for(lambda: _status(run_id) in ("succeeded", "failed"))
    run = AnalysisRun.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    assert run.accounts_analysed == 2
    assert run.trigger == "api"
    assert sorted(
        AccountSnapshot.objects.filter(run=run).values_list("account__external_id", flat=True)
    ) == [
        "A-1",
        "B-1",
    ]


def test_killed_worker_leaves_a_failed_run_and_the_next_run_succeeds(
    owner: Any, other_manager: Any, ops: Any, start_worker: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    database = connection.settings_dict
    # given a lock that stops any worker just before it writes snapshots
    blocker = psycopg2.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"]
    )
    blocker.autocommit = False
    with blocker.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {AccountSnapshot._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    worker = start_worker()
    try:
        run = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
        wait_for(
            lambda: AnalysisRun.objects.filter(
                pk=run.pk, progress_message="Writing snapshots"
            ).exists()
        )
        # when the worker dies in the middle of the run
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    assert _status(run.pk) == "running"  # nobody told the database yet

    # then the sweep fails the run once its heartbeat is stale, and no snapshot remains
    time.sleep(1.5)
    # (override_settings, not the `settings` fixture, which would reset Celery's conf)
    with override_settings(KAM_ANALYSIS_STALE_SECONDS=1):
        assert services.analysis_runs_reap()["failed"] == 1
    failed = AnalysisRun.objects.get(pk=run.pk)
    assert failed.status == "failed"
    assert "stopped responding" in failed.error
    assert not AccountSnapshot.objects.filter(run=failed).exists()

    # and a new run on a new worker succeeds
    start_worker()
    again = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
    wait_for(lambda: _status(again.pk) in ("succeeded", "failed"))
    assert _status(again.pk) == "succeeded"
    assert AccountSnapshot.objects.filter(run=again).count() == 2
    assert AccountSnapshot.objects.count() == 2


def test_unreachable_broker_keeps_the_run_and_says_so(
    owner: Any, other_manager: Any, ops: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    database = connection.settings_dict
    script = (
        "from portfolio.services import analysis_run_queue;"
        "from datetime import date;"
        f"run = analysis_run_queue(as_of=date.fromisoformat('{AS_OF.isoformat()}'),"
        " requested_by=None, trigger='api');"
        "print(run.status, '|', run.progress_message)"
    )
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        "KAM_TASKS_EAGER": "false",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "queued | The job queue is unreachable" in result.stdout
    run = AnalysisRun.objects.get()
    assert run.status == "queued"
