"""Benchmark: the nightly analysis in shards on one Celery worker against two.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kam_bench_shards \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/shards.py [--accounts 10000] [--shard-size 2500] [--rounds 5]

1. Builds the portfolio with COPY (bench/portfolio_data.py; `--reuse` keeps a database built
   before) and analyses it once in one piece in this process: the reference.
2. Starts three Celery workers (`celery -A kam worker --pool=solo`, one process each, as in
   production's one process per core): one consuming a queue of its own, two sharing
   another. Both queues' runs are computed in shards of `--shard-size` accounts.
3. Alternates, for `--rounds` rounds (the first dropped as warm-up; which goes first
   alternates too): a run sent to the one worker, a run sent to the two; each timed from
   sending the task to the run's row saying succeeded (the database is polled every 50 ms).
4. Checks every sharded run's snapshots equal the reference's in every column (money to the
   cent, scores, stages, signals, cost per activity type), and prints the medians, the
   speed-up (one worker's median over two's) and the per-round ratios.

No target: on a machine of 2 cores shared with PostgreSQL (which does the activities'
aggregation) two workers cannot be twice as fast; the figure says how much they gain.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _db  # noqa: E402
from bench.portfolio_data import build_portfolio, default_as_of  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kam_bench_shards"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def _setup_django(url: str, redis_url: str) -> None:
    os.environ.update(_db.manage_env(url))
    os.environ["REDIS_URL"] = redis_url
    os.environ["KAM_TASKS_EAGER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django

    django.setup()


def _workers(
    url: str, redis_url: str, queue: str, count: int, shard_size: int
) -> list[subprocess.Popen[bytes]]:
    env = {
        **_db.manage_env(url),
        "REDIS_URL": redis_url,
        "KAM_TASKS_EAGER": "false",
        "KAM_CELERY_QUEUE": queue,
        "KAM_ANALYSIS_SHARD_SIZE": str(shard_size),
    }
    return [
        subprocess.Popen(  # noqa: S603 (our own worker command)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kam",
                "worker",
                "--pool=solo",
                "--loglevel=warning",
                "-Q",
                queue,
                "-n",
                f"{queue}-{number}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in range(count)
    ]


def _reference(as_of: Any) -> int:
    from portfolio.services import analysis_run_create, analysis_run_execute

    started = time.perf_counter()
    run = analysis_run_create(as_of=as_of, requested_by=None, trigger="command")
    analysis_run_execute(run_id=run.pk)
    run.refresh_from_db()
    if run.status != "succeeded":
        raise SystemExit(f"the reference run failed: {run.error}")
    print(
        f"reference run {run.pk} in one piece in this process:"
        f" {time.perf_counter() - started:.2f} s, {run.accounts_analysed:,} accounts",
        flush=True,
    )
    return int(run.pk)


def _timed_run(as_of: Any, queue: str, limit: float) -> tuple[int, float, str]:
    from portfolio.models import AnalysisRun
    from portfolio.services import analysis_run_create
    from portfolio.tasks import analysis_run_execute_task

    run = analysis_run_create(as_of=as_of, requested_by=None, trigger="command")
    started = time.perf_counter()
    analysis_run_execute_task.apply_async((run.pk,), queue=queue)
    deadline = started + limit
    while time.perf_counter() < deadline:
        status, message = AnalysisRun.objects.values_list("status", "progress_message").get(
            pk=run.pk
        )
        if status in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    row = AnalysisRun.objects.get(pk=run.pk)
    if row.status != "succeeded":
        raise SystemExit(f"run {run.pk} on {queue}: {row.status} {row.error}")
    return int(run.pk), seconds, str(message)


def _differences(reference: int, run_id: int) -> int:
    """Rows of either run's snapshots that the other lacks, compared on every column."""
    from django.db import connection

    from portfolio.models import AccountSnapshot

    columns = ", ".join(
        field.column
        for field in AccountSnapshot._meta.concrete_fields
        if field.column not in ("id", "run_id")
    )
    table = AccountSnapshot._meta.db_table
    one = f"SELECT {columns} FROM {table} WHERE run_id = %s"  # noqa: S608 (model columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (({one} EXCEPT {one}) UNION ALL ({one} EXCEPT {one})) d",
            [reference, run_id, run_id, reference],
        )
        return int(cursor.fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--shard-size", type=int, default=2_500)
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the first dropped)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--limit", type=float, default=1800, help="seconds a run may take")
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2 (the first is dropped)")
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    _db.require_postgres(url)
    if args.reuse:
        as_of = default_as_of()
        print(f"Database: {_db.database_name(url)} (reused), as of {as_of}", flush=True)
    else:
        sizes = build_portfolio(database_url=url, accounts=args.accounts, seed=args.seed)
        as_of = sizes["as_of"]
        print(
            f"Database: {_db.database_name(url)}: "
            + ", ".join(f"{k} {v:,}" for k, v in sizes.items() if isinstance(v, int))
            + f"; as of {as_of}",
            flush=True,
        )
    _setup_django(url, redis_url)
    reference = _reference(as_of)
    tag = uuid.uuid4().hex[:6]
    queues = {1: f"bench-shards-{tag}-one", 2: f"bench-shards-{tag}-two"}
    workers = [
        worker
        for count, queue in queues.items()
        for worker in _workers(url, redis_url, queue, count, args.shard_size)
    ]
    times: dict[int, list[float]] = {1: [], 2: []}
    try:
        time.sleep(5)  # the workers start (Django, pandas)
        for number in range(1, args.rounds + 1):
            order = (1, 2) if number % 2 else (2, 1)
            line = []
            for count in order:
                run_id, seconds, message = _timed_run(as_of, queues[count], args.limit)
                differ = _differences(reference, run_id)
                if differ:
                    raise SystemExit(f"run {run_id}: {differ} snapshot rows differ")
                if number > 1:
                    times[count].append(seconds)
                line.append(f"{count} worker{'s' if count > 1 else ''} {seconds:.2f} s")
            print(
                f"round {number}{'' if number > 1 else ' (warm-up, dropped)'}: "
                + ", ".join(line)
                + "; snapshots equal the reference",
                flush=True,
            )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ratios = [a / b for a, b in zip(times[1], times[2], strict=True)]
    shards = -(-args.accounts // args.shard_size)
    print(
        f"\n{args.accounts:,} accounts in {shards} shards of {args.shard_size:,}:"
        f" one worker median {one:.2f} s, two workers median {two:.2f} s;"
        f" speed-up {one / two:.2f} (per round {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print("snapshots of every sharded run equal the run in one piece: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
