"""Fault drills against real services of this script's own, with their recovery figures.

    .venv/bin/python bench/faults.py [--accounts 60] [--import-rows 300000]   (make faults)

The script starts everything it uses and touches nothing else: a PostgreSQL cluster made by
initdb in a temporary directory (port 25432, trust auth, on 127.0.0.1), a Redis server
without persistence (port 26379), gunicorn (port 28000), Celery workers and beat on a queue
of their own; a port in use is replaced by a free one. It migrates a database, loads the
demo (`seed_demo`), shortens the sweep's intervals (the sweep runs every 2 s, a run without
a heartbeat for 10 s is failed, a queued run is re-sent after 5 s) and then:

a. kills a worker (SIGKILL of its whole process group) while a run writes its snapshots,
   starts a new worker as a supervisor would, and measures how the run ended and when,
   and that the next run succeeds;
b. stops Redis (all its data is lost: it keeps nothing on disk) while runs are running
   and others are queued, queues one more while it is down, starts it again, and checks
   that every run ended succeeded or failed exactly once (a trigger in the database
   records every status change), with no duplicate snapshot, and the time to recovery;
c. restarts PostgreSQL (`pg_ctl stop -m fast`, a pause, `start`) under a steady API load,
   while an activities import is in its COPY and a run writes its snapshots, and checks
   that errors happened only during the outage, that the first request after it
   succeeded, and that the import and the run each ended fully written or failed with
   nothing written;
d. backs up the database with scripts/backup.sh, restores it into a new one with
   scripts/restore.sh, analyses the copy again and compares every snapshot column.

It prints a table of figures and exits 1 when a recovery property does not hold. Every
process, the cluster and the directory are removed at the end, on failure too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "kam_faults"
QUEUE = "kam-faults"
# The sweep's settings for the drills (production: every 5 minutes, 900 s, 120 s).
SWEEP_EVERY_SECONDS = 2
STALE_SECONDS = 10
REQUEUE_SECONDS = 5
OPS_USER = "olga"  # the demo's ops user
TERMINAL = ("succeeded", "failed")

TRANSITIONS_SQL = """
CREATE TABLE faults_run_transition (
    run_id bigint NOT NULL,
    old_status text,
    new_status text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE FUNCTION faults_note_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO faults_run_transition (run_id, old_status, new_status)
        VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER faults_note_transition AFTER INSERT OR UPDATE ON portfolio_analysisrun
    FOR EACH ROW EXECUTE FUNCTION faults_note_transition();
"""


class DrillError(Exception):
    """A step of a drill could not happen (a timeout): reported, the script exits 1."""


class OutOfTimeError(Exception):
    """The whole script ran past --limit: every drill left is abandoned."""


@dataclass
class Figure:
    drill: str
    what: str
    value: str
    ok: bool | None = None  # None: a measurement, not a property


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def measure(self, drill: str, what: str, value: str) -> None:
        self.figures.append(Figure(drill, what, value))
        print(f"  {what}: {value}", flush=True)

    def check(self, drill: str, what: str, value: str, ok: bool) -> None:
        self.figures.append(Figure(drill, what, value, ok))
        print(f"  {what}: {value} [{'ok' if ok else 'FAILED'}]", flush=True)

    @property
    def passed(self) -> bool:
        return all(f.ok is not False for f in self.figures)

    def print_table(self) -> None:
        width = max(len(f.what) for f in self.figures)
        values = max(len(f.value) for f in self.figures)
        print()
        print(f"{'drill':<22} {'figure':<{width}}  {'value':<{values}}  property")
        print("-" * (22 + width + values + 18))
        for f in self.figures:
            verdict = "" if f.ok is None else ("holds" if f.ok else "DOES NOT HOLD")
            print(f"{f.drill:<22} {f.what:<{width}}  {f.value:<{values}}  {verdict}")
        print()
        print("All recovery properties hold." if self.passed else "A recovery property FAILED.")


def wait_until(what: str, predicate: Callable[[], Any], seconds: float, every: float = 0.1) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise DrillError(f"timed out after {seconds:.0f} s waiting for {what}")


class Lab:
    """The services of the drills, each started here and removed by close()."""

    def __init__(self, tmp: Path, *, pg_port: int, redis_port: int, web_port: int) -> None:
        self.tmp = tmp
        self.pg_port = pg_port
        self.redis_port = redis_port
        self.web_port = web_port
        self.pg_dir = tmp / "pg"  # owned by the postgres user when run as root
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.redis: subprocess.Popen[bytes] | None = None
        self.pg_started = False
        self.token = ""
        self.database_url = f"postgres://postgres@127.0.0.1:{pg_port}/{DATABASE}"
        self.redis_url = f"redis://127.0.0.1:{redis_port}/0"
        self.worker_count = 0

    # --- PostgreSQL ---------------------------------------------------------------------

    def _as_postgres(self, command: list[str]) -> list[str]:
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def pg_init(self) -> None:
        self.pg_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
        subprocess.run(
            self._as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.pg_dir / "data"),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.pg_start()

    def pg_start(self) -> None:
        # fsync off: a scratch cluster whose machine does not crash (a stopped server's
        # committed work is in the OS's cache all the same); it makes the set-up's many
        # small commits (migrate) quick. Commits still wait for their WAL write.
        options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_dir} -c fsync=off"
        subprocess.run(
            self._as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.pg_dir / "data"),
                    "-l",
                    str(self.pg_dir / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.pg_started = True

    def pg_stop(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-m", mode, "-w", "stop"]
            ),
            check=True,
            capture_output=True,
        )
        self.pg_started = False

    def connect(self, dbname: str = DATABASE) -> psycopg2.extensions.connection:
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.pg_port, user="postgres", dbname=dbname, connect_timeout=5
        )
        connection.autocommit = True
        return connection

    def query(
        self, sql: str, params: Any = None, *, dbname: str = DATABASE
    ) -> list[tuple[Any, ...]]:
        """One statement on a fresh connection (the drills restart the server under it)."""
        connection = self.connect(dbname)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def value(self, sql: str, params: Any = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    # --- Redis --------------------------------------------------------------------------

    def redis_start(self) -> None:
        self.redis = subprocess.Popen(  # noqa: S603
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
                "--logfile",
                str(self.tmp / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_until("Redis", self.redis_ping, 20)

    def redis_ping(self) -> bool:
        import redis  # the client the product uses

        try:
            return bool(redis.Redis(port=self.redis_port, socket_timeout=1).ping())
        except redis.exceptions.ConnectionError:
            return False

    def redis_stop(self) -> None:
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=20)
        self.redis = None

    # --- the product's processes --------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "KAM_TASKS_EAGER": "false",
            "KAM_CELERY_QUEUE": QUEUE,
            "DEBUG": "false",
            "SECRET_KEY": "faults-drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no HTTPS redirect or secure-only cookies here.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": str(self.tmp / "media"),
            "CACHE_KEY_PREFIX": "kam-faults",
            "KAM_ANALYSIS_STALE_SECONDS": str(STALE_SECONDS),
            "KAM_ANALYSIS_REQUEUE_SECONDS": str(REQUEUE_SECONDS),
            **extra,
        }

    def manage(self, *args: str, timeout: float = 300, **extra_env: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise DrillError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def spawn(self, name: str, command: list[str], **extra_env: str) -> subprocess.Popen[bytes]:
        """A child in a process group of its own (killed as a whole), output to a log."""
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        # Pool children that outlived their parent go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def start_worker(self) -> str:
        """A worker as in production (prefork, 2 processes); the name of its process."""
        self.worker_count += 1
        name = f"worker-{self.worker_count}"
        celery = Path(sys.executable).with_name("celery")
        self.spawn(
            name,
            [
                str(celery),
                "-A",
                "kam",
                "worker",
                "--loglevel=info",
                "--concurrency=2",
                "-Q",
                QUEUE,
                "--hostname",
                f"{name}@faults",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        return name

    def start_beat(self) -> None:
        celery = Path(sys.executable).with_name("celery")
        self.spawn(
            "beat",
            [
                str(celery),
                "-A",
                "kam",
                "beat",
                "--loglevel=info",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile",
                str(self.tmp / "beat.pid"),
            ],
        )

    def start_web(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.spawn(
            "web",
            [
                str(gunicorn),
                "kam.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--access-logfile",
                str(self.tmp / "access.log"),
            ],
        )
        web = self.processes["web"]

        def answering() -> bool:
            if web.poll() is not None:
                log = (self.tmp / "web.log").read_text(errors="replace")[-1500:]
                raise DrillError(f"gunicorn exited ({web.returncode}):\n{log}")
            return self.http("GET", "/login/", token=False)[0] == 200

        wait_until("gunicorn", answering, 180, 0.3)

    # --- HTTP ---------------------------------------------------------------------------

    def http(
        self, method: str, path: str, body: Any = None, *, token: bool = True, timeout: float = 15
    ) -> tuple[int, Any]:
        """(status, parsed JSON or text); status 0 when no answer came."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, _parsed(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _parsed(error.read())
        except OSError:
            return 0, None

    def queue_run(self, as_of: date) -> int:
        status, body = self.http("POST", "/api/v1/analysis-runs/", {"as_of": as_of.isoformat()})
        if status != 201:
            raise DrillError(f"POST analysis-runs/ answered {status}: {body}")
        return int(body["id"])

    # --- clean-up -----------------------------------------------------------------------

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.redis_stop()
        if self.pg_started:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_stop("immediate")


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:300]


# --- observations of runs ---------------------------------------------------------------------


def run_row(lab: Lab, run_id: int) -> dict[str, Any]:
    rows = lab.query(
        "SELECT status, error, progress_message, accounts_analysed FROM portfolio_analysisrun "
        "WHERE id = %s",
        [run_id],
    )
    status, error, message, analysed = rows[0]
    return {"status": status, "error": error, "message": message, "analysed": analysed}


def run_status(lab: Lab, run_id: int) -> str:
    return str(lab.value("SELECT status FROM portfolio_analysisrun WHERE id = %s", [run_id]))


def snapshot_counts(lab: Lab, run_id: int) -> tuple[int, int]:
    """(snapshots, distinct accounts) of a run."""
    rows = lab.query(
        "SELECT count(*), count(DISTINCT account_id) FROM portfolio_accountsnapshot "
        "WHERE run_id = %s",
        [run_id],
    )
    return int(rows[0][0]), int(rows[0][1])


def transitions(lab: Lab, run_id: int) -> list[str]:
    rows = lab.query(
        "SELECT new_status FROM faults_run_transition WHERE run_id = %s ORDER BY at", [run_id]
    )
    return [row[0] for row in rows]


@contextlib.contextmanager
def snapshots_locked(lab: Lab) -> Iterator[Callable[[], None]]:
    """Hold a lock that stops every run just before it writes snapshots; yields release()."""
    blocker = lab.connect()
    blocker.autocommit = False
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE portfolio_accountsnapshot IN ACCESS EXCLUSIVE MODE")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            with contextlib.suppress(psycopg2.Error):
                blocker.rollback()
            with contextlib.suppress(psycopg2.Error):
                blocker.close()

    try:
        yield release
    finally:
        release()


def wait_writing(lab: Lab, run_id: int, seconds: float = 90) -> None:
    wait_until(
        f"run {run_id} to reach its snapshot write",
        lambda: run_row(lab, run_id)["message"] == "Writing snapshots",
        seconds,
    )


def accounts_count(lab: Lab) -> int:
    return int(lab.value("SELECT count(*) FROM accounts_account"))


def check_run_outcome(
    lab: Lab, report: Report, drill: str, run_id: int, accounts: int, label: str
) -> str:
    """Each run ends exactly once, succeeded with one snapshot per account or failed with
    none; returns its status."""
    row = run_row(lab, run_id)
    snapshots, distinct = snapshot_counts(lab, run_id)
    steps = transitions(lab, run_id)
    ends = sum(step in TERMINAL for step in steps)
    claims = steps.count("running")
    if row["status"] == "succeeded":
        written_ok = snapshots == distinct == row["analysed"] == accounts
    else:
        written_ok = snapshots == 0
    ok = row["status"] in TERMINAL and ends == 1 and claims <= 1 and written_ok
    report.check(
        drill,
        f"{label} (run {run_id})",
        f"{row['status']}, ended {ends}x, {snapshots} snapshots/{distinct} accounts",
        ok,
    )
    return str(row["status"])


# --- set-up -----------------------------------------------------------------------------------


def set_up(lab: Lab, accounts: int) -> None:
    started = time.perf_counter()
    lab.pg_init()
    admin = lab.connect("postgres")
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    lab.redis_start()
    steps = [f"PostgreSQL and Redis {time.perf_counter() - started:.0f} s"]
    mark = time.perf_counter()
    lab.manage("migrate", "--noinput")
    steps.append(f"migrate {time.perf_counter() - mark:.0f} s")
    mark = time.perf_counter()
    lab.manage("seed_demo", "--accounts", str(accounts))
    steps.append(f"seed_demo {time.perf_counter() - mark:.0f} s")
    lab.query(TRANSITIONS_SQL)
    lab.manage(
        "shell",
        "-c",
        "from django_celery_beat.models import IntervalSchedule, PeriodicTask\n"
        "from portfolio.schedules import REAPER_NAME, schedules_ensure\n"
        "schedules_ensure()\n"
        f"every, _ = IntervalSchedule.objects.get_or_create(every={SWEEP_EVERY_SECONDS}, "
        "period=IntervalSchedule.SECONDS)\n"
        "task = PeriodicTask.objects.get(name=REAPER_NAME)\n"
        "task.interval = every\n"
        "task.save()\n",
    )
    lab.token = lab.manage("api_token", OPS_USER).strip()
    lab.start_web()
    lab.start_worker()
    lab.start_beat()
    print(
        f"Set up in {time.perf_counter() - started:.1f} s ({', '.join(steps)}): "
        f"PostgreSQL :{lab.pg_port}, "
        f"Redis :{lab.redis_port}, gunicorn :{lab.web_port} (2 workers), a Celery worker "
        f"(prefork, 2 processes), beat; {accounts_count(lab)} accounts; sweep every "
        f"{SWEEP_EVERY_SECONDS} s, stale after {STALE_SECONDS} s, re-send after "
        f"{REQUEUE_SECONDS} s.",
        flush=True,
    )


class Dates:
    """A new as-of date for every run (one active run per date is allowed)."""

    def __init__(self) -> None:
        self.next = date.today() - timedelta(days=1)  # noqa: DTZ011 (the demo's calendar)

    def take(self) -> date:
        self.next -= timedelta(days=1)
        return self.next


# --- a. a worker killed mid-run ---------------------------------------------------------------


def drill_worker_killed(lab: Lab, report: Report, dates: Dates) -> None:
    drill = "a. worker SIGKILL"
    print(f"\n{drill}: a run is writing its snapshots when its worker is killed", flush=True)
    accounts = accounts_count(lab)
    worker = next(name for name in lab.processes if name.startswith("worker-"))
    as_of = dates.take()
    with snapshots_locked(lab) as release:
        run_id = lab.queue_run(as_of)
        wait_writing(lab, run_id)
        killed_at = time.monotonic()
        lab.stop(worker, signal.SIGKILL)
        release()
    lab.start_worker()  # what a supervisor (docker compose's restart policy) does
    wait_until(
        f"run {run_id} to end", lambda: run_status(lab, run_id) in TERMINAL, STALE_SECONDS + 90
    )
    ended = time.monotonic() - killed_at
    check_run_outcome(lab, report, drill, run_id, accounts, "killed run")
    row = run_row(lab, run_id)
    report.check(
        drill,
        "killed run's error says why",
        row["error"][:40],
        "stopped responding" in row["error"],
    )
    report.measure(drill, "kill -> run failed by the sweep", f"{ended:.1f} s")
    again = lab.queue_run(as_of)
    wait_until(f"run {again} to end", lambda: run_status(lab, again) in TERMINAL, 90)
    status = check_run_outcome(lab, report, drill, again, accounts, "next run, same date")
    report.check(
        drill,
        "kill -> next run succeeded",
        f"{time.monotonic() - killed_at:.1f} s",
        status == "succeeded",
    )


# --- b. Redis restarted -----------------------------------------------------------------------


def drill_redis_restart(lab: Lab, report: Report, dates: Dates, queued: int = 3) -> None:
    drill = "b. Redis restart"
    print(
        f"\n{drill}: Redis stops (losing its queues) while runs are running and queued "
        f"({1 + queued} in all); one more is queued while it is down",
        flush=True,
    )
    accounts = accounts_count(lab)
    with snapshots_locked(lab) as release:
        running = lab.queue_run(dates.take())
        wait_writing(lab, running)
        waiting = [lab.queue_run(dates.take()) for _ in range(queued)]
        time.sleep(1)  # the worker's second process starts one, and it prefetches others
        at_stop = {run: run_status(lab, run) for run in [running, *waiting]}
        down_at = time.monotonic()
        lab.redis_stop()
        asked = time.monotonic()
        status, body = lab.http(
            "POST", "/api/v1/analysis-runs/", {"as_of": dates.take().isoformat()}
        )
        answered = time.monotonic() - asked
        during = int(body["id"]) if status == 201 else None
        message = body.get("progress_message", "") if isinstance(body, dict) else "no run"
        report.check(
            drill,
            "run queued while Redis is down",
            f"HTTP {status} in {answered:.2f} s: {message[:28]}",
            status == 201 and answered < 5 and "unreachable" in message,
        )
        status, _ = lab.http("GET", "/api/v1/accounts/?page_size=20")
        report.check(drill, "API read while Redis is down", f"HTTP {status}", status == 200)
        time.sleep(2)
        lab.redis_start()
        up_at = time.monotonic()
        report.measure(drill, "Redis outage", f"{up_at - down_at:.1f} s")
        release()
    runs = [running, *waiting, *([during] if during else [])]
    try:
        wait_until(
            "every run to end",
            lambda: all(run_status(lab, run) in TERMINAL for run in runs),
            REQUEUE_SECONDS + 120,
            0.2,
        )
    except DrillError as error:
        report.check(drill, "every run ended", str(error)[:40], False)
    recovered = time.monotonic() - up_at
    for run in runs:
        label = f"{at_stop[run]} at the stop" if run in at_stop else "queued while down"
        check_run_outcome(lab, report, drill, run, accounts, label)
    duplicates = lab.value(
        "SELECT count(*) FROM (SELECT run_id, account_id FROM portfolio_accountsnapshot "
        "GROUP BY run_id, account_id HAVING count(*) > 1) AS twice"
    )
    report.check(drill, "duplicate snapshots (all runs)", str(duplicates), duplicates == 0)
    report.measure(drill, "Redis back -> every run ended", f"{recovered:.1f} s")


# --- c. PostgreSQL restarted under load -------------------------------------------------------


@dataclass
class Request:
    started: float
    ended: float
    status: int


class Load:
    """Threads that call the API in a loop, paced, for at most `seconds` and `limit` calls."""

    def __init__(self, lab: Lab, *, threads: int, pause: float, seconds: float, limit: int) -> None:
        self.lab = lab
        self.pause = pause
        self.deadline = time.monotonic() + seconds
        self.limit = limit
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _loop(self) -> None:
        while not self.stopping.is_set() and time.monotonic() < self.deadline:
            with self.lock:
                if len(self.requests) >= self.limit:
                    return
            started = time.monotonic()
            status, _ = self.lab.http("GET", "/api/v1/accounts/?page_size=20", timeout=10)
            with self.lock:
                self.requests.append(Request(started, time.monotonic(), status))
            time.sleep(self.pause)


def activities_file(lab: Lab, rows: int) -> Path:
    accounts = [row[0] for row in lab.query("SELECT external_id FROM accounts_account")]
    types = [row[0] for row in lab.query("SELECT code FROM valuation_activitytype")]
    rng = random.Random(15)  # noqa: S311 (test data)
    start = date.today() - timedelta(days=700)  # noqa: DTZ011
    days = [(start + timedelta(days=n)).isoformat() for n in range(690)]
    path = lab.tmp / "activities.csv"
    with path.open("w") as out:
        out.write("account,activity_type,date,quantity\n")
        for _ in range(rows):
            out.write(
                f"{rng.choice(accounts)},{rng.choice(types)},{rng.choice(days)},"
                f"{rng.randint(1, 40)}.{rng.randint(0, 99):02d}\n"
            )
    return path


def activity_facts(lab: Lab) -> tuple[int, int]:
    """(activities, tables of the activities' partitions and loose segment tables)."""
    count = int(lab.value("SELECT count(*) FROM valuation_serviceactivity"))
    tables = int(
        lab.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'valuation_serviceactivity_%'")
    )
    return count, tables


def import_copying(lab: Lab) -> bool:
    return bool(
        lab.value(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND query ILIKE 'COPY %%valuation_serviceactivity%%'"
        )
    )


def drill_postgres_restart(
    lab: Lab, report: Report, dates: Dates, *, import_rows: int, outage: float
) -> None:
    drill = "c. PostgreSQL restart"
    print(
        f"\n{drill}: the server stops (fast) and starts after {outage:.0f} s under an API "
        f"load, while an import of {import_rows:,} activities is in its COPY and a run "
        "writes its snapshots",
        flush=True,
    )
    accounts = accounts_count(lab)
    path = activities_file(lab, import_rows)
    activities_before, tables_before = activity_facts(lab)
    importer: subprocess.Popen[bytes] | None = None
    with Load(lab, threads=2, pause=0.05, seconds=90, limit=20_000) as load:
        time.sleep(3)  # a steady state first
        with snapshots_locked(lab):
            run_id = lab.queue_run(dates.take())
            wait_writing(lab, run_id)
            importer = lab.spawn(
                "import",
                [sys.executable, str(ROOT / "manage.py"), "import_data", "activities", str(path)],
            )
            try:
                wait_until("the import's COPY", lambda: import_copying(lab), 120, 0.02)
                copying = "yes"
            except DrillError:
                copying = "no (it ended first)"
            down_at = time.monotonic()
            lab.pg_stop("fast")
            stopped_at = time.monotonic()
        time.sleep(outage)
        lab.pg_start()
        up_at = time.monotonic()
        time.sleep(6)  # the load goes on after the outage
    requests = sorted(load.requests, key=lambda r: r.started)
    report.check(drill, "import was in its COPY at the stop", copying, copying == "yes")
    report.measure(
        drill,
        "outage (stop begun -> accepting)",
        f"{up_at - down_at:.1f} s (stopping {stopped_at - down_at:.1f} s)",
    )
    failed = [r for r in requests if r.status != 200]
    outside = [r for r in failed if r.ended < down_at or r.started > up_at]
    answers = ", ".join(
        f"{count} {'no answer' if status == 0 else f'HTTP {status}'}"
        for status, count in sorted(Counter(r.status for r in failed).items())
    )
    report.measure(
        drill,
        "API requests (2 threads)",
        f"{len(requests)}; during the outage {answers or 'none failed'}",
    )
    report.check(drill, "errors outside the outage", str(len(outside)), not outside)
    after = [r for r in requests if r.started > up_at]
    first = after[0] if after else None
    report.check(
        drill,
        "first request after the outage",
        f"HTTP {first.status}" if first else "none",
        first is not None and first.status == 200,
    )
    # Recovery: the first success that started after the last failure.
    last_failure = max((r.started for r in failed), default=down_at)
    first_ok = next((r for r in requests if r.started > last_failure and r.status == 200), None)
    report.measure(
        drill,
        "server up -> first 200 after the errors",
        f"{first_ok.ended - up_at:.2f} s" if first_ok else "never",
    )

    assert importer is not None  # noqa: S101 - started above
    importer.wait(timeout=120)
    lab.processes.pop("import", None)
    batch_id = lab.value("SELECT max(id) FROM valuation_importbatch")

    def batch_state() -> str:
        return str(lab.value("SELECT status FROM valuation_importbatch WHERE id = %s", [batch_id]))

    ended: dict[str, float] = {}  # seconds from the server's start to each end

    def both_ended() -> bool:
        if "import" not in ended and batch_state() in TERMINAL:
            ended["import"] = time.monotonic() - up_at
        if "run" not in ended and run_status(lab, run_id) in TERMINAL:
            ended["run"] = time.monotonic() - up_at
        return len(ended) == 2

    with contextlib.suppress(DrillError):  # judged below
        wait_until("the import and the run to end", both_ended, 90, 0.25)
    batch_status = batch_state()
    activities_after, tables_after = activity_facts(lab)
    added = activities_after - activities_before
    whole = (batch_status == "succeeded" and added == import_rows) or (
        batch_status == "failed" and added == 0 and tables_after == tables_before
    )
    report.check(
        drill,
        "import interrupted in its COPY",
        f"exit {importer.returncode}, batch {batch_status}, {added:,} rows added",
        whole,
    )
    if batch_status == "failed":
        report.measure(drill, "server up -> import marked failed", f"{ended['import']:.1f} s")
    if check_run_outcome(lab, report, drill, run_id, accounts, "run interrupted in its write") == (
        "failed"
    ):
        report.measure(drill, "server up -> run marked failed", f"{ended['run']:.1f} s")

    again = lab.queue_run(dates.take())
    wait_until(f"run {again} to end", lambda: run_status(lab, again) in TERMINAL, 90)
    status = check_run_outcome(lab, report, drill, again, accounts, "next run")
    report.check(drill, "next run succeeded", status, status == "succeeded")
    if batch_status == "failed":
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "import_data", "activities", str(path)],
            cwd=ROOT,
            env=lab.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        added = activity_facts(lab)[0] - activities_before
        report.check(
            drill,
            "the same file imported again",
            f"exit {result.returncode}, {added:,} rows added",
            result.returncode == 0 and added == import_rows,
        )


# --- d. backup and restore -------------------------------------------------------------------


def snapshot_rows(lab: Lab, run_id: int, dbname: str) -> dict[int, tuple[Any, ...]]:
    """Every stored figure of a run's snapshots (all columns but the ids), by account."""
    columns = [
        row[0]
        for row in lab.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'portfolio_accountsnapshot' AND column_name NOT IN ('id', 'run_id', 'account_id') "
            "ORDER BY column_name",
            dbname=dbname,
        )
    ]
    rows = lab.query(
        f"SELECT account_id, {', '.join(columns)} FROM portfolio_accountsnapshot "  # noqa: S608
        "WHERE run_id = %s",
        [run_id],
        dbname=dbname,
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def drill_backup_restore(lab: Lab, report: Report, dates: Dates) -> None:
    drill = "d. backup + restore"
    print(
        f"\n{drill}: make backup of the drills' database, make restore into a new one, and the "
        "analysis of both",
        flush=True,
    )
    as_of = dates.take()
    run_id = lab.queue_run(as_of)
    wait_until(f"run {run_id} to end", lambda: run_status(lab, run_id) in TERMINAL, 90)
    media = lab.tmp / "media" / "imports" / "drill"
    media.mkdir(parents=True, exist_ok=True)
    (media / "accounts.csv").write_text("external_id,name\n")
    dump = lab.tmp / "backups" / "kam-faults.dump"
    restored = f"{DATABASE}_restored"

    def script(name: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own scripts
            [str(ROOT / "scripts" / name)],
            cwd=ROOT,
            env=lab.env(BACKUP_FILE=str(dump), **env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return result, time.monotonic() - started

    backup, backup_seconds = script("backup.sh")
    size = dump.stat().st_size / 1e6 if dump.exists() else 0
    report.check(
        drill,
        "make backup",
        f"exit {backup.returncode} in {backup_seconds:.1f} s, {size:.1f} MB",
        backup.returncode == 0,
    )
    restore, restore_seconds = script(
        "restore.sh", RESTORE_DATABASE=restored, RESTORE_MEDIA_ROOT=str(lab.tmp / "media-restored")
    )
    media_back = (lab.tmp / "media-restored" / "imports" / "drill" / "accounts.csv").exists()
    report.check(
        drill,
        "make restore into a new database",
        f"exit {restore.returncode} in {restore_seconds:.1f} s, "
        f"media files {'back' if media_back else 'MISSING'}",
        restore.returncode == 0 and media_back,
    )
    again, _ = script(
        "restore.sh", RESTORE_DATABASE=restored, RESTORE_MEDIA_ROOT=str(lab.tmp / "media-again")
    )
    report.check(
        drill,
        "restore over an existing database",
        f"exit {again.returncode}",
        again.returncode == 3,
    )
    if restore.returncode != 0:
        return
    output = lab.manage(
        "run_analysis",
        "--as-of",
        as_of.isoformat(),
        DATABASE_URL=lab.database_url.rsplit("/", 1)[0] + f"/{restored}",
    )
    new_run = int(output.split()[1])
    original = snapshot_rows(lab, run_id, DATABASE)
    recomputed = snapshot_rows(lab, new_run, restored)
    differing = sum(recomputed.get(account) != figures for account, figures in original.items())
    report.check(
        drill,
        "restored database analysed again",
        f"{len(recomputed)} snapshots, {differing} differ from the original's",
        run_status(lab, run_id) == "succeeded"
        and len(original) == accounts_count(lab)
        and recomputed.keys() == original.keys()
        and differing == 0,
    )


# --- main -------------------------------------------------------------------------------------


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there on 127.0.0.1, else a port the system has free."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=60, help="demo accounts (60)")
    parser.add_argument("--import-rows", type=int, default=300_000, help="activities (300,000)")
    parser.add_argument("--outage", type=float, default=2.0, help="seconds PostgreSQL is down")
    # Below Linux's ephemeral range (32768-60999), where other programs' connections and
    # test servers take ports at random.
    parser.add_argument("--pg-port", type=int, default=25432)
    parser.add_argument("--redis-port", type=int, default=26379)
    parser.add_argument("--web-port", type=int, default=28000)
    parser.add_argument("--keep", action="store_true", help="keep the directory (logs) at the end")
    parser.add_argument(
        "--limit", type=int, default=900, help="seconds after which the drills are abandoned"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL's initdb is not in {PG_BIN} (set PG_BIN).")
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing (Debian's package redis-server).")
    # Ended by SIGTERM or SIGHUP like by Ctrl-C: the clean-up below runs.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)

    def out_of_time(signum: int, frame: Any) -> None:
        raise OutOfTimeError(f"the drills took longer than --limit {args.limit} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.limit)
    tmp = Path(tempfile.mkdtemp(prefix="kam-faults-"))
    if os.geteuid() == 0:
        tmp.chmod(0o755)  # the postgres user reaches its directory inside
    lab = Lab(
        tmp,
        pg_port=free_port(args.pg_port),
        redis_port=free_port(args.redis_port),
        web_port=free_port(args.web_port),
    )
    report = Report()
    started = time.monotonic()
    try:
        set_up(lab, args.accounts)
        dates = Dates()
        for drill in (
            lambda: drill_worker_killed(lab, report, dates),
            lambda: drill_redis_restart(lab, report, dates),
            lambda: drill_postgres_restart(
                lab, report, dates, import_rows=args.import_rows, outage=args.outage
            ),
            lambda: drill_backup_restore(lab, report, dates),
        ):
            try:
                drill()
            except DrillError as error:
                report.check("(drill)", "drill completed", str(error)[:60], False)
    except (DrillError, OutOfTimeError, subprocess.CalledProcessError, OSError) as error:
        print(f"The drills stopped: {error}", file=sys.stderr)
        report.check("(script)", "drills ran to the end", str(error)[:60], False)
    finally:
        signal.alarm(0)
        lab.close()
        if args.keep:
            print(f"Logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report.print_table()
    print(f"Total {time.monotonic() - started:.0f} s.")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
