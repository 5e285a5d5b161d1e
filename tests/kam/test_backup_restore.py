"""`make backup` and `make restore` (scripts/backup.sh, scripts/restore.sh) against the test
PostgreSQL: a backup of a demo portfolio restored into a new database gives, analysed again,
every snapshot figure of the original to the cent; restore refuses an existing database; the
media files come back beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from kam.roles import Role
from portfolio import services
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot, AnalysisRun

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
COMPARED = [*SNAPSHOT_FIGURES, "signals", "cost_by_activity_type"]


def _server_url(database: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{database}"
    )


def _script(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own scripts
        [str(ROOT / "scripts" / name)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _snapshots_here(run_id: int) -> dict[int, dict[str, Any]]:
    return {
        row["account_id"]: {name: row[name] for name in COMPARED}
        for row in AccountSnapshot.objects.filter(run_id=run_id).values("account_id", *COMPARED)
    }


def _snapshots_there(database: str, run_id: int) -> dict[int, dict[str, Any]]:
    """The same fields read with psycopg2 from another database (Decimal, int, JSON)."""
    columns = [AccountSnapshot._meta.get_field(name).column for name in COMPARED]
    other = psycopg2.connect(_server_url(database))
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT account_id, {', '.join(columns)} FROM portfolio_accountsnapshot "  # noqa: S608 - model columns
                "WHERE run_id = %s",
                [run_id],
            )
            rows = cursor.fetchall()
    finally:
        other.close()
    result = {}
    for account_id, *values in rows:
        figures = dict(zip(COMPARED, values, strict=True))
        for name in ("signals", "cost_by_activity_type"):
            if isinstance(figures[name], str):
                figures[name] = json.loads(figures[name])
        result[account_id] = figures
    return result


def _drop(database: str) -> None:
    admin = psycopg2.connect(_server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def test_a_restored_backup_gives_the_same_snapshots_to_the_cent(tmp_path: Path) -> None:
    # given a demo portfolio, its analysis, and an uploaded file in the media folder
    as_of = date.today() - timedelta(days=1)  # noqa: DTZ011 (the demo's calendar date)
    for role in Role.values:  # made by a migration; an earlier transactional test flushed them
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", accounts=15, as_of=as_of + timedelta(days=1), verbosity=0)
    run = services.analysis_run_create(as_of=as_of, requested_by=None, trigger="command")
    services.analysis_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    original = _snapshots_here(run.pk)
    assert len(original) == 15
    assert any(figures["cost_by_activity_type"] for figures in original.values())
    media = tmp_path / "media"
    (media / "imports" / "2026" / "12").mkdir(parents=True)
    upload = media / "imports" / "2026" / "12" / "revenue.csv"
    upload.write_text("account,location,period_start,revenue,cost_of_goods\n")
    restored = f"kam_restore_{uuid.uuid4().hex[:10]}"
    dump = tmp_path / "backups" / "kam-test.dump"
    url = _server_url(connection.settings_dict["NAME"])
    try:
        # when it is backed up and restored into a new database
        backup = _script(
            "backup.sh", DATABASE_URL=url, MEDIA_ROOT=str(media), BACKUP_FILE=str(dump)
        )
        assert backup.returncode == 0, backup.stderr
        assert dump.is_file()
        assert (tmp_path / "backups" / "kam-test.media.tar.gz").is_file()
        restored_media = tmp_path / "restored-media"
        restore = _script(
            "restore.sh",
            DATABASE_URL=url,
            BACKUP_FILE=str(dump),
            RESTORE_DATABASE=restored,
            RESTORE_MEDIA_ROOT=str(restored_media),
        )
        assert restore.returncode == 0, restore.stderr
        assert (restored_media / "imports" / "2026" / "12" / "revenue.csv").read_text() == (
            upload.read_text()
        )

        # then the restored copy holds the run, and analysing it again gives every figure
        assert _snapshots_there(restored, run.pk) == original
        again = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "run_analysis", "--as-of", as_of.isoformat()],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": _server_url(restored), "KAM_TASKS_EAGER": "true"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert again.returncode == 0, again.stderr
        new_run = int(again.stdout.split()[1])
        assert new_run != run.pk
        recomputed = _snapshots_there(restored, new_run)
        assert recomputed.keys() == original.keys()
        for account_id, figures in original.items():
            assert recomputed[account_id] == figures, account_id

        # and a second restore under the same name, or over this database, is refused
        for existing in (restored, connection.settings_dict["NAME"]):
            refused = _script(
                "restore.sh",
                DATABASE_URL=url,
                BACKUP_FILE=str(dump),
                RESTORE_DATABASE=existing,
                RESTORE_MEDIA_ROOT=str(tmp_path / f"media-{existing}"),
            )
            assert refused.returncode == 3, refused.stderr
            assert "exists already" in refused.stderr
        assert len(_snapshots_there(restored, new_run)) == 15
        assert AccountSnapshot.objects.filter(run_id=run.pk).count() == 15
    finally:
        _drop(restored)


def test_backup_refuses_a_sqlite_database(tmp_path: Path) -> None:
    result = _script(
        "backup.sh",
        DATABASE_URL=f"sqlite:///{tmp_path / 'kam.sqlite3'}",
        BACKUP_FILE=str(tmp_path / "x.dump"),
    )
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
