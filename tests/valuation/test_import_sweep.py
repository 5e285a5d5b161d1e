"""The sweep fails an import whose process or database connection died mid-import (a
database restart, a killed worker): its transaction left nothing, and without the sweep the
batch would say "running" for ever. An import at work holds its batch's advisory lock and is
left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from portfolio.tasks import analysis_runs_reap_task
from tests.factories import AccountFactory
from tests.valuation.factories import ActivityTypeFactory
from valuation.importing import services as import_services
from valuation.models import ImportBatch, ServiceActivity

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _other_connection() -> Any:
    database = connection.settings_dict
    other = psycopg2.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
    )
    other.autocommit = True
    return other


def _activities_file(tmp_path: Path, rows: int) -> Path:
    AccountFactory(external_id="A-1")
    ActivityTypeFactory(code="pick")
    path = tmp_path / "activities.csv"
    with path.open("w") as out:
        out.write("account,activity_type,date,quantity\n")
        for n in range(rows):
            out.write(f"A-1,pick,2026-{n % 12 + 1:02d}-{n % 28 + 1:02d},{n % 50}.5\n")
    return path


def test_an_import_whose_process_died_is_failed_by_the_sweep(tmp_path: Path) -> None:
    # given an import from the command line, in its COPY
    path = _activities_file(tmp_path, 300_000)
    importer = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "import_data", "activities", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url(), "KAM_TASKS_EAGER": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    watcher = _other_connection()
    try:
        backend = None
        deadline = time.monotonic() + 90
        while backend is None and time.monotonic() < deadline:
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND query ILIKE 'COPY %%valuation_serviceactivity%%'"
                )
                row = cursor.fetchone()
            backend = row[0] if row else None
            time.sleep(0.01)
        assert backend is not None, "the import never reached its COPY"
        # when the importing process dies (a killed worker or command)
        importer.kill()
        importer.communicate(timeout=60)
        while time.monotonic() < deadline:
            with watcher.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
                if cursor.fetchone()[0] == 0:
                    break  # its backend noticed and rolled back
            time.sleep(0.05)
    finally:
        watcher.close()
        if importer.poll() is None:
            importer.kill()
            importer.wait()
    assert importer.returncode != 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.RUNNING  # nothing could record the end
    assert import_services.import_batches_reap() == 0  # within the grace a claim has

    # then the sweep, once the claim is older than the grace, fails it; nothing was written
    ImportBatch.objects.filter(pk=batch.pk).update(
        started_at=timezone.now() - import_services.IMPORT_CLAIM_GRACE - timedelta(seconds=1)
    )
    assert analysis_runs_reap_task()["imports_failed"] == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "interrupted" in batch.message
    assert batch.finished_at is not None
    assert not ServiceActivity.objects.exists()

    # and the same file then imports whole
    again = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_data", "activities", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url(), "KAM_TASKS_EAGER": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert ServiceActivity.objects.count() == 300_000


def test_an_import_at_work_is_left_alone(tmp_path: Path) -> None:
    # given a running batch claimed long ago whose importer holds its lock
    path = _activities_file(tmp_path, 1)
    batch = import_services.import_batch_create(kind="activities", created_by=None, path=path)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    importer = _other_connection()
    try:
        with importer.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", import_services._import_lock_key(batch.pk)
            )
        # then the sweep leaves it
        assert import_services.import_batches_reap() == 0
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.RUNNING
    finally:
        importer.close()  # the importer's connection ends: its lock goes with it
    space, key = import_services._import_lock_key(batch.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = %s AND objid = %s",
                [space, key],
            )
            if cursor.fetchone()[0] == 0:
                break  # the server has ended the importer's session
        time.sleep(0.05)
    assert import_services.import_batches_reap() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
