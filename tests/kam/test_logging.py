"""Each log line is printed once, with DEBUG on or off (Django's own default configuration
gives its loggers a console handler of their own under DEBUG, beside the root's)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "import django, logging; django.setup(); "
    "logging.getLogger('django.request').warning('request line'); "
    "logging.getLogger('kam.access').warning('access line')"
)


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_log_line_is_printed_once(debug: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kam.settings", "DEBUG": debug}
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines.count("request line") == 1
    assert lines.count("access line") == 1
