"""A short `make fuzz` in the suite: schemathesis against a live server for every role, a few
cases per operation, no failure of the checks it runs allowed.

The full run (`make fuzz`: 30 cases per operation and schemathesis' coverage phase, which
sends several thousand more per role, and its stateful phase) takes too long for the suite;
this one runs the fuzzing phase with 2 cases per operation, two roles at a time, on the same
seeded demo, the same server (gunicorn, DEBUG off) and every check but one (below)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _fuzz_database_url() -> str:
    """A database of the fuzzer's own beside the suite's (the script drops and re-creates it)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The fuzz test needs DATABASE_URL to name a PostgreSQL database.")
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path.rstrip('/')}_fuzz"))


@pytest.mark.fuzz
def test_no_check_fails_for_any_role(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(ROOT / "scripts" / "fuzz.py"),
        "--examples",
        "2",
        "--phases",
        "examples,fuzzing",
        "--parallel",
        "2",
        "--workers",
        "1",
        "--st-workers",
        "1",
        # Left out until they pass (README, make fuzz): valid-looking bodies that name an
        # object that does not exist (a username, an activity type code) answer 400, and
        # plans' bodies still refuse unknown properties whose names hold control characters.
        "--exclude-checks",
        "positive_data_acceptance",
        "--quiet",
        "--database-url",
        _fuzz_database_url(),
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(  # noqa: S603 - our own script
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    summary = result.stdout + result.stderr
    details = "\n".join(path.read_text()[:4000] for path in sorted(tmp_path.glob("*-failures.txt")))
    assert result.returncode == 0, f"{summary}\n{details}"
    for role in ("alice", "bob", "erin", "olga"):
        line = re.search(
            rf"^{role} \(.*\): (\d+)/(\d+) operations, (\d+) cases, (\d+) failures", summary, re.M
        )
        assert line is not None, summary
        tested, total, cases, failures = map(int, line.groups())
        assert tested == total > 100, summary
        assert cases >= 2 * total, summary
        assert failures == 0, summary
