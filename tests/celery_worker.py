"""A real Celery worker for the tests whose behaviour depends on one: a subprocess on the
test database and Redis, consuming a queue of the test's own. conftest.py registers the
fixtures; `wait_for` polls for what the worker should have done."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from kam import celery_app

ROOT = Path(__file__).resolve().parents[1]

StartWorker = Callable[..., "subprocess.Popen[bytes]"]


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue of this test's own, so parallel test processes never share workers."""
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL (make test sets it).")
    name = f"kam-test-{uuid.uuid4().hex[:8]}"
    # Celery reads its configuration live from Django's settings.
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=name):
        assert not celery_app.conf.task_always_eager
        yield name


@pytest.fixture
def start_worker(queue_name: str) -> Iterator[StartWorker]:
    """`start(**env)` starts a worker; `env` adds environment variables (settings)."""
    workers: list[subprocess.Popen[bytes]] = []
    database = connection.settings_dict

    def start(**extra_env: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
            "KAM_TASKS_EAGER": "false",
            "KAM_CELERY_QUEUE": queue_name,
            **extra_env,
        }
        worker = subprocess.Popen(  # noqa: S603 (our own worker command)
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
                queue_name,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)


def wait_for(predicate: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail("timed out waiting for the worker")
