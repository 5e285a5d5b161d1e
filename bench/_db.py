"""Database helpers shared by the benchmarks (plain psycopg2, no Django in this process).

Every benchmark runs `manage.py` as a child process with DEBUG=false, SECRET_KEY=bench-only
and no REDIS_URL (tasks run in-process), against the PostgreSQL database of its URL.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]


BENCH_PREFIX = "kam_bench"


def require_postgres(url: str) -> None:
    """A PostgreSQL database of the benchmarks' own: they wipe or re-create it, so a name
    that does not start with `kam_bench` or `kam_<someone>_bench` (the product's database,
    say) is refused."""
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark needs a PostgreSQL URL (postgres://…).")
    name = database_name(url)
    if not re.match(rf"{BENCH_PREFIX}|kam_[a-z0-9]+_bench", name):
        raise SystemExit(
            f"The benchmark wipes its database; {name!r} does not start with "
            f"{BENCH_PREFIX!r}, so it is refused. Set DATABASE_URL to a benchmark database."
        )


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def connect(url: str, dbname: str | None = None) -> psycopg2.extensions.connection:
    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname or database_name(url),
    )


def _admin(url: str) -> psycopg2.extensions.connection:
    admin = connect(url, "postgres")
    admin.autocommit = True
    return admin


def ensure_database(url: str) -> None:
    """Create the database of `url` when it does not exist yet."""
    name = database_name(url)
    admin = _admin(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def recreate_database(url: str) -> None:
    """Drop (closing its connections) and create the database of `url`."""
    name = database_name(url)
    if name in ("", "postgres", "template0", "template1"):
        raise SystemExit(f"Refusing to recreate the database {name!r}.")
    admin = _admin(url)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def manage_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-only"}
    env.pop("REDIS_URL", None)
    return env


def manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` in a child process; output captured."""
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=manage_env(url),
        check=check,
        capture_output=True,
        text=True,
    )


def migrate(url: str) -> None:
    manage(url, "migrate", "--noinput", "--skip-checks")


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def timed_manage(url: str, *args: str) -> Timed:
    """Wall time and peak resident memory (the child's own rusage, via wait4) of
    `manage.py ARGS`; output goes to temporary files so no pipe can fill up."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=manage_env(url),
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Timed(
            seconds=elapsed,
            peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
            returncode=process.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def copy_rows(
    cursor: psycopg2.extensions.cursor,
    table: str,
    columns: Iterable[str],
    text: str | io.StringIO,
) -> None:
    """COPY tab-separated text (\\N for NULL) into `table`."""
    versioned_defaults(cursor, table)
    buffer = io.StringIO(text) if isinstance(text, str) else text
    buffer.seek(0)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    cursor.copy_expert(statement.as_string(cursor), buffer)


# The columns of kam.versioning.VersionedModel: Django fills them, the database has no default.
VERSION_DEFAULTS = {"version": "1", "field_versions": "'{}'::jsonb"}


def versioned_defaults(cursor: psycopg2.extensions.cursor, table: str) -> None:
    """Give a versioned table's `version` and `field_versions` the defaults Django would
    write, so that COPY of the benchmark's rows may leave them out (the database is the
    benchmark's own and is wiped by every run)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name = ANY(%s) AND column_default IS NULL",
        [table, list(VERSION_DEFAULTS)],
    )
    for (column,) in cursor.fetchall():
        cursor.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(table), sql.Identifier(column), sql.SQL(VERSION_DEFAULTS[column])
            )
        )


def reset_sequence(cursor: psycopg2.extensions.cursor, table: str, column: str = "id") -> None:
    """Move the id sequence past the ids loaded explicitly."""
    cursor.execute(
        sql.SQL(
            "SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({}), 0) + 1, false) FROM {}"
        ).format(sql.Identifier(column), sql.Identifier(table)),
        [table, column],
    )
