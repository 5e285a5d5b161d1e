"""Fuzz the API with schemathesis against a live server, once per role (`make fuzz`).

    .venv/bin/python scripts/fuzz.py [--examples 30] [--seed 20261203] [--roles alice,bob,...]

1. Builds a PostgreSQL database of its own (`kam_fuzz_live` by default, from FUZZ_DATABASE_URL;
   its name must contain `fuzz`, since it is dropped): `manage.py migrate`, `seed_demo`
   and one API token per role (`manage.py api_token`).
2. For each role (`--parallel N` at once): copies that seeded database to a fresh one of the
   role's own (`<name>_<role>`; the other roles' requests change nothing in it), starts
   gunicorn on a free loopback port (DEBUG off, tasks in process, throttle rates raised),
   reads `/api/schema/` with the role's token and runs `st run` on it: every operation,
   every check, `--max-examples` cases per operation, a fixed seed. The hooks
   (scripts/fuzz_hooks.py) read the role's database for the rows a case changes. The server
   is stopped and the copy dropped after the role.
3. Prints per role the operations tested, the cases generated and the failures by kind, and
   writes each failure (request and answer) to `artifacts/fuzz/<role>-failures.txt`.

Exits 1 when any role has a failure. The roles (accounts/demo.py): alice owns accounts; bob
is on the team of alice's first accounts (and owns others); erin is an executive; olga is
operations staff.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
REFERENCES_ENV = "KAM_FUZZ_REFERENCES"  # read by scripts/fuzz_hooks.py
LIVE_ENV = "KAM_FUZZ_LIVE_DATABASE_URL"  # the role's database, read by scripts/fuzz_hooks.py
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kam_fuzz_live"
MARK = "fuzz"
ROLES = {
    "alice": "account manager who owns accounts",
    "bob": "team member of alice's accounts",
    "erin": "executive",
    "olga": "ops",
}
# The server runs as in production but for two things: plain http on loopback (no redirect
# to https, no HSTS), and rate limits far above the thousands of requests a minute the
# fuzzer sends from one token (kam/settings.py's KAM_THROTTLE_*).
SERVER_ENV = {
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "KAM_THROTTLE_USER": "1000000/min",
    "KAM_THROTTLE_ANON": "1000000/min",
}


@dataclass
class RoleResult:
    role: str
    operations_total: int = 0
    operations_tested: int = 0
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0
    seconds: float = 0.0

    @property
    def failure_count(self) -> int:
        return sum(self.failures.values()) + len(self.errors)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=30, help="cases per operation (30)")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated usernames")
    parser.add_argument("--database-url", default=os.environ.get("FUZZ_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--st-workers", type=int, default=2, help="schemathesis workers (2)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--accounts", type=int, default=60, help="demo accounts (60)")
    parser.add_argument(
        "--exclude-checks", default="", help="checks left out (comma-separated; none by default)"
    )
    parser.add_argument(
        "--parallel", type=int, default=1, help="roles fuzzed at once, each its own server (1)"
    )
    parser.add_argument("--report-dir", type=Path, default=ROOT / "artifacts" / "fuzz")
    parser.add_argument("--quiet", action="store_true", help="do not echo schemathesis' output")
    return parser.parse_args(argv)


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- database ---------------------------------------------------------------------------


def _with_name(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def _connect(url: str) -> psycopg2.extensions.connection:
    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=parts.path.lstrip("/"),
    )


def _admin(url: str) -> psycopg2.extensions.connection:
    connection = _connect(_with_name(url, "postgres"))
    connection.autocommit = True
    return connection


def create_database(url: str, name: str, *, template: str | None = None) -> None:
    """Drop `name` (closing its connections) and create it, empty or as a copy of `template`."""
    if MARK not in name:
        raise SystemExit(f"The fuzzer drops its databases; {name!r} does not contain {MARK!r}.")
    admin = _admin(url)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def drop_database(url: str, name: str) -> None:
    admin = _admin(url)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


REFERENCE_QUERIES = {
    "users": "SELECT username FROM auth_user WHERE is_active ORDER BY username",
    "account_managers": (
        "SELECT u.username FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id "
        "JOIN auth_group g ON g.id = ug.group_id "
        "WHERE u.is_active AND g.name = 'account_manager' ORDER BY u.username"
    ),
    "activity_types": "SELECT code FROM valuation_activitytype ORDER BY code",
    "account_ids": "SELECT id FROM accounts_account ORDER BY id",
    # [account id, owner's username]: a contact's primary contact is the owner or on the team.
    "account_owners": (
        "SELECT json_build_array(a.id, u.username) FROM accounts_account a "
        "JOIN auth_user u ON u.id = a.owner_id ORDER BY a.id"
    ),
    # What an analysis run's as-of date may not precede (portfolio.loaders).
    "first_data_on": (
        "SELECT LEAST((SELECT min(period_start) FROM valuation_revenuerecord), "
        "(SELECT min(date) FROM valuation_serviceactivity))::text"
    ),
}


def write_references(url: str, out: Path) -> dict[str, list[str]]:
    """The names that exist in the seeded database, for scripts/fuzz_hooks.py."""
    connection = _connect(url)
    try:
        with connection.cursor() as cursor:
            references = {}
            for kind, query in REFERENCE_QUERIES.items():
                cursor.execute(query)
                references[kind] = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    out.write_text(json.dumps(references, indent=1))
    return references


def server_env(database_url: str, secret_key: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "KAM_")) and key != "REDIS_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secret_key,
        KAM_TASKS_EAGER="true",
        LOG_LEVEL="ERROR",
        CACHE_KEY_PREFIX=f"fuzz-{secrets.token_hex(4)}",
        **SERVER_ENV,
    )
    redis_url = os.environ.get("FUZZ_REDIS_URL")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    env: dict[str, str], *, port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"),
        "kam.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
    ]
    with log.open("ab") as handle:
        server = subprocess.Popen(  # noqa: S603 - our own server
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not listen on port {port} within 60 s; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch_schema(base: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
        f"{base}/api/schema/?format=json", headers={"Authorization": f"Token {token}"}
    )
    # The first schema a server builds takes a while; four servers starting at once on a
    # loaded 2-core machine took more than a minute.
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
        schema: dict[str, Any] = json.load(response)
        return schema


# --- schemathesis -------------------------------------------------------------------------


HOOKS = ROOT / "scripts" / "fuzz_hooks.py"


def run_schemathesis(
    *,
    schema: Path,
    base: str,
    token: str,
    args: argparse.Namespace,
    role: str,
    references: Path,
    live_url: str,
) -> tuple[int, Path, Path]:
    report_dir: Path = args.report_dir
    json_path = report_dir / f"{role}.json"
    ndjson_path = report_dir / f"{role}.ndjson"
    # No crash cache: it would replay earlier runs' failures first, so that a run would
    # depend on the runs before it, not only on its seed.
    config = report_dir / "schemathesis.toml"
    config.write_text("[cache]\nenabled = false\n")
    command = [
        str(BIN / "st"),
        "--config-file",
        str(config),
        "run",
        str(schema),
        "--url",
        base,
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "all",
        *(["--exclude-checks", args.exclude_checks] if args.exclude_checks else []),
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--phases",
        args.phases,
        "--workers",
        str(args.st_workers),
        "--generation-database",
        "none",
        # Hypothesis fails an operation whose first draws take more than about a second of
        # wall-clock time ("data generation is too slow"), which the large bodies of a plan's
        # or a review meeting's PUT pass on a loaded 2-core machine, and then sends none of its
        # cases. Its other health checks stay on (drawing too much, or filtering too much out,
        # is still an error of the run), and every check of the answers runs on every case.
        "--suppress-health-check",
        "too_slow",
        "--request-timeout",
        "120",
        # Schemathesis' own limit is 10 s, which a loaded 2-core machine passes now and then
        # (the full run sends four roles at once); an answer slower than 2 minutes still fails.
        "--max-response-time",
        "120",
        "--no-color",
        "--report",
        "json,ndjson",
        "--report-json-path",
        str(json_path),
        "--report-ndjson-path",
        str(ndjson_path),
    ]
    log = report_dir / f"{role}.txt"
    with log.open("w") as handle:
        process = subprocess.Popen(  # noqa: S603 - the pinned schemathesis CLI
            command,
            cwd=ROOT,
            # The hooks give positive cases the usernames and codes of the seeded database,
            # and the contacts and team of the account a case changes (the role's database).
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": str(HOOKS),
                REFERENCES_ENV: str(references),
                LIVE_ENV: live_url,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None  # noqa: S101 - Popen with PIPE
        for line in process.stdout:
            handle.write(line)
            if not args.quiet:
                sys.stdout.write(line)
        process.wait()
    return process.returncode, json_path, ndjson_path


def _decode(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    if "$base64" in content:
        return base64.b64decode(content["$base64"]).decode("utf-8", "replace")
    return str(content.get("string", content))


def write_failure_details(ndjson_path: Path, out: Path) -> None:
    """One block per failing check: the check, the request the fuzzer sent and the answer."""
    seen: set[tuple[str, str, str]] = set()
    blocks: list[str] = []
    if not ndjson_path.exists():
        out.write_text("")
        return
    for line in ndjson_path.open():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                failure = check["failure_info"]["failure"]
                key = (failure["operation"], failure["title"], failure["message"][:200])
                if key in seen:
                    continue
                seen.add(key)
                case = recorder["cases"].get(case_id, {}).get("value", {})
                interaction = recorder.get("interactions", {}).get(case_id) or {}
                request = interaction.get("request", {})
                response = interaction.get("response") or {}
                body = request.get("body")
                blocks.append(
                    "\n".join(
                        [
                            f"## {failure['code']} {failure['title']}: {failure['operation']}",
                            failure["message"],
                            f"request: {request.get('method')} {request.get('uri')}",
                            f"  body: {_decode(body)[:1000] if body else case.get('body', '')}",
                            f"answer: {response.get('status_code')} "
                            f"{_decode(response.get('content'))[:1000]}",
                            "",
                        ]
                    )
                )
    out.write_text("\n".join(blocks))


def summarise(role: str, json_path: Path, exit_code: int, seconds: float) -> RoleResult:
    result = RoleResult(role=role, exit_code=exit_code, seconds=seconds)
    if not json_path.exists():
        result.errors.append(f"schemathesis wrote no report (exit code {exit_code})")
        return result
    report = json.loads(json_path.read_text())
    result.operations_total = report["operations"]["selected"]
    result.operations_tested = report["operations"]["tested"]
    result.cases = report["test_cases"]["generated"]
    for failure in report["failures"]:
        result.failures[f"{failure['code']} {failure['title']}"] += failure["count"]
    for error in report["errors"]:
        result.errors.append(str(error.get("title") or error)[:200])
    if exit_code not in (0, 1) and not result.failures and not result.errors:
        result.errors.append(f"schemathesis exited with {exit_code}")
    return result


def print_summary(results: list[RoleResult], args: argparse.Namespace) -> None:
    say()
    say(f"Fuzz summary: {args.examples} examples per operation, seed {args.seed}")
    for result in results:
        say(
            f"{result.role} ({ROLES.get(result.role, '?')}): "
            f"{result.operations_tested}/{result.operations_total} operations, "
            f"{result.cases} cases, {result.failure_count} failures, {result.seconds:.0f} s"
        )
        for kind, count in sorted(result.failures.items()):
            say(f"    {count:5d}  {kind}")
        for error in result.errors:
            say(f"    error: {error}")
        if result.failure_count:
            say(f"    details: {args.report_dir / (result.role + '-failures.txt')}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    args.report_dir.mkdir(parents=True, exist_ok=True)
    seed_name = f"{urlparse(args.database_url).path.lstrip('/')}_seed"
    base_name = urlparse(args.database_url).path.lstrip("/")
    secret_key = secrets.token_urlsafe(48)
    seed_url = _with_name(args.database_url, seed_name)
    seed_env = server_env(seed_url, secret_key)

    started = time.monotonic()
    create_database(args.database_url, seed_name)
    manage(seed_env, "migrate", "--noinput")
    manage(seed_env, "seed_demo", "--accounts", str(args.accounts))
    tokens = {role: manage(seed_env, "api_token", role).strip() for role in roles}
    references = args.report_dir / "references.json"
    write_references(seed_url, references)
    say(f"Seeded {seed_name} in {time.monotonic() - started:.0f} s")

    server_log = args.report_dir / "server.log"
    server_log.write_text("")
    creating = threading.Lock()  # one copy of the template at a time

    def fuzz_role(role: str) -> RoleResult:
        live_name = f"{base_name}_{role}"
        with creating:
            create_database(args.database_url, live_name, template=seed_name)
        live_url = _with_name(args.database_url, live_name)
        env = server_env(live_url, secret_key)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port=port, workers=args.workers, log=server_log)
        try:
            schema_path = args.report_dir / f"{role}-schema.json"
            schema_path.write_text(json.dumps(fetch_schema(base, tokens[role])))
            say(f"=== {role} ({ROLES.get(role, '?')}) against {base}")
            role_started = time.monotonic()
            exit_code, json_path, ndjson_path = run_schemathesis(
                schema=schema_path,
                base=base,
                token=tokens[role],
                args=args,
                role=role,
                references=references,
                live_url=live_url,
            )
            result = summarise(role, json_path, exit_code, time.monotonic() - role_started)
            write_failure_details(ndjson_path, args.report_dir / f"{role}-failures.txt")
            say(f"=== {role} done: {result.failure_count} failures")
            return result
        finally:
            stop_server(server)
            drop_database(args.database_url, live_name)

    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        results = list(pool.map(fuzz_role, roles))
    print_summary(results, args)
    say(f"Total {time.monotonic() - started:.0f} s")
    return 1 if any(result.failure_count for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
