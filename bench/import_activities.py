"""Benchmark: `import_data activities` of a 1,000,000-row file against PostgreSQL's COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kam_bench \\
        .venv/bin/python bench/import_activities.py

1. Creates the database if missing, migrates it, and loads 10,000 accounts, 8 activity types
   and their rates with COPY (the benchmark's own data; it wipes earlier benchmark rows).
2. Generates (once, cached in the temp directory) a CSV of 1,000,000 activities for those
   accounts: `account,activity_type,date,quantity`.
3. Alternates, for --rounds rounds: `manage.py import_data activities FILE` as a subprocess
   (wall time, Django start-up included; peak resident memory from the child's rusage) and
   `COPY` of the same file into a bare table of the same four columns, each side going first
   every other round. Imported rows are removed between rounds.
4. Runs the same file with one bad row appended once, and checks it is refused with nothing
   written.
5. Prints the medians, their ratio, the per-round ratios (min, median, max), and the import's
   peak memory against the targets (ratio of medians at most 3, peak RSS under 400 MB).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import _db  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kam_bench"
ACCOUNTS = 10_000
TYPES = [
    ("order-handling", "18.00"),
    ("expedited-delivery", "85.00"),
    ("custom-packaging", "40.00"),
    ("tech-support", "75.00"),
    ("returns-processing", "55.00"),
    ("dedicated-team", "650.00"),
    ("executive-visit", "2500.00"),
    ("joint-project", "900.00"),
]
TYPE_WEIGHTS = [40, 18, 10, 14, 4, 8, 1, 5]
RATIO_TARGET = 3.0
RSS_TARGET_MB = 400


def connect(url: str, dbname: str | None = None) -> psycopg2.extensions.connection:
    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname or parts.path.lstrip("/"),
    )


def ensure_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    admin = connect(url, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-only"}
    env.pop("REDIS_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def set_up_reference_data(url: str, accounts: int = ACCOUNTS) -> None:
    """`accounts` accounts (10,000 by default), the activity types and their rates, loaded
    with COPY."""
    conn = connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_account WHERE external_id LIKE 'BENCH-%%'")
        cursor.execute(
            "INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,"
            " email, is_staff, is_active, date_joined) VALUES ('bench-owner', '!', false, '',"
            " '', '', false, true, now()) ON CONFLICT (username) DO NOTHING"
        )
        cursor.execute("SELECT id FROM auth_user WHERE username = 'bench-owner'")
        owner_id = cursor.fetchone()[0]
        now = datetime.datetime.now(datetime.UTC).isoformat()
        buffer = io.StringIO()
        for index in range(1, accounts + 1):
            buffer.write(
                f"BENCH-{index:05d}\tBench customer {index}\tIndustrial\tEurope\tcandidate\t"
                f"{owner_id}\t1\t0\t{now}\t{now}\n"
            )
        buffer.seek(0)
        _db.versioned_defaults(cursor, "accounts_account")
        cursor.copy_expert(
            "COPY accounts_account (external_id, name, industry, region, designation, owner_id,"
            " buying_hierarchy_level, continuum_position, created_at, updated_at) FROM STDIN",
            buffer,
        )
        for code, cost in TYPES:
            cursor.execute(
                "INSERT INTO valuation_activitytype (code, name, unit, is_investment)"
                " VALUES (%s, %s, 'unit', false) ON CONFLICT (code) DO NOTHING",
                [code, code.replace("-", " ").title()],
            )
            cursor.execute("SELECT id FROM valuation_activitytype WHERE code = %s", [code])
            type_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO valuation_activityrate (activity_type_id, effective_from, unit_cost)"
                " VALUES (%s, '2023-01-01', %s) ON CONFLICT DO NOTHING",
                [type_id, cost],
            )
    conn.close()


def generate_file(path: Path, rows: int, accounts: int = ACCOUNTS) -> None:
    rng = random.Random(2024)  # noqa: S311 - benchmark data
    codes = [code for code, _ in TYPES]
    start = datetime.date(2024, 1, 1)
    dates = [(start + datetime.timedelta(days=day)).isoformat() for day in range(730)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("account,activity_type,date,quantity\n")
        for _ in range(rows // 10_000):
            lines = [
                f"BENCH-{rng.randint(1, accounts):05d},"
                f"{rng.choices(codes, TYPE_WEIGHTS)[0]},{rng.choice(dates)},"
                f"{rng.randint(1, 400) / 4}\n"
                for _ in range(10_000)
            ]
            handle.write("".join(lines))


def timed_import(url: str, path: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of `import_data activities FILE`."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-only"}
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_data", "activities", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def timed_copy(url: str, path: Path) -> float:
    conn = connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_bare_activities;"
            " CREATE TABLE bench_bare_activities (account text, activity_type text,"
            " date date, quantity numeric(12, 2))"
        )
    started = time.perf_counter()
    with conn, conn.cursor() as cursor, path.open("rb") as handle:
        cursor.copy_expert(
            "COPY bench_bare_activities FROM STDIN WITH (FORMAT csv, HEADER true)", handle
        )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def count_activities(url: str) -> int:
    conn = connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM valuation_serviceactivity")
        count = cursor.fetchone()[0]
    conn.close()
    return int(count)


def clear_imported(url: str) -> None:
    """Empty the activities and drop the segments (partitions) earlier imports attached."""
    conn = connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits"
            " WHERE inhparent = 'valuation_serviceactivity'::regclass"
            " AND inhrelid <> 'valuation_serviceactivity_main'::regclass"
        )
        for (segment,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {segment}")
        cursor.execute("TRUNCATE valuation_serviceactivity, valuation_importbatch")
        cursor.execute("DROP TABLE IF EXISTS bench_bare_activities")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="accounts (10,000)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kam-bench")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL.", file=sys.stderr)
        return 2
    if not urlparse(url).path.lstrip("/").startswith("kam_bench"):
        print("The benchmark wipes its database: use one named kam_bench…", file=sys.stderr)
        return 2

    print(f"Database: {urlparse(url).path.lstrip('/')}; preparing…", flush=True)
    ensure_database(url)
    manage(url, "migrate", "--noinput")
    clear_imported(url)
    set_up_reference_data(url, args.accounts)
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"activities-{args.rows}-{args.accounts}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate_file(path, args.rows, args.accounts)
        print(f"Generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"File: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB", flush=True)

    import_times, copy_times, peaks = [], [], []
    for round_number in range(1, args.rounds + 1):
        clear_imported(url)
        # Alternate which side runs first, so neither always finds the caches warm.
        copy_first = round_number % 2 == 0
        if copy_first:
            copy_seconds = timed_copy(url, path)
        seconds, peak, code = timed_import(url, path)
        if code != 0 or count_activities(url) != args.rows:
            print(f"import failed (exit {code})", file=sys.stderr)
            return 1
        if not copy_first:
            copy_seconds = timed_copy(url, path)
        import_times.append(seconds)
        copy_times.append(copy_seconds)
        peaks.append(peak)
        print(
            f"round {round_number}: import_data {seconds:.2f} s (peak RSS {peak:.0f} MB),"
            f" COPY {copy_seconds:.2f} s",
            flush=True,
        )

    clear_imported(url)
    bad = args.workdir / f"activities-{args.rows}-{args.accounts}-bad-last-row.csv"
    if not bad.exists():
        bad.write_bytes(path.read_bytes() + b"BENCH-00001,order-handling,2024-13-01,-1\n")
    seconds, peak, code = timed_import(url, bad)
    refused = code != 0 and count_activities(url) == 0
    print(
        f"bad last row: refused={refused} in {seconds:.2f} s (peak RSS {peak:.0f} MB),"
        f" rows written: {count_activities(url)}",
        flush=True,
    )
    clear_imported(url)

    import_median = statistics.median(import_times)
    copy_median = statistics.median(copy_times)
    ratio = import_median / copy_median
    ratios = [i / c for i, c in zip(import_times, copy_times, strict=True)]
    peak = max(peaks)
    print()
    print(f"import_data median: {import_median:.2f} s")
    print(f"COPY median:        {copy_median:.2f} s")
    print(f"ratio of medians:   {ratio:.2f} (target <= {RATIO_TARGET})")
    print(
        f"ratio per round:    min {min(ratios):.2f}, median {statistics.median(ratios):.2f},"
        f" max {max(ratios):.2f}"
    )
    print(f"import peak RSS:    {peak:.0f} MB (target < {RSS_TARGET_MB} MB)")
    ok = ratio <= RATIO_TARGET and peak < RSS_TARGET_MB and refused
    print("RESULT:", "targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
