"""The embedded default (SQLite) serves a small team at once: people saving at the same
moment wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_saves_on_the_embedded_database_all_succeed(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kam.sqlite3'}",
        "REDIS_URL": "",
        "DEBUG": "true",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "tests" / "kam" / "sqlite_writers.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "saved 100 of 100" in result.stdout
    assert "journal wal" in result.stdout
