"""With the job queue unreachable, a plan is still submitted: the notification is stored,
its e-mail is marked as not sent, and the action answers at once (a separate process with
a broker address nothing listens on, as in production without Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from accounts.models import AccountPlan, PlanStatus
from notifications.models import EmailStatus, Notification
from tests.accounts.plans.factories import plan_with_content

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process shares the DB")
def test_a_plan_is_submitted_with_the_broker_down(account: Any, executive: Any) -> None:
    plan = plan_with_content(account)
    database = connection.settings_dict
    script = (
        "from accounts.models import AccountPlan;"
        "from accounts.plans.services import account_plan_submit;"
        f"plan = AccountPlan.objects.get(pk={plan.pk});"
        "account_plan_submit(plan=plan, submitted_by=plan.account.owner);"
        "print('submitted')"
    )
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        "KAM_TASKS_EAGER": "false",
    }
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "submitted" in result.stdout
    assert "Could not queue the e-mail of notification" in result.stderr
    assert time.monotonic() - started < 60
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    note = Notification.objects.get()
    assert note.user == executive
    assert note.email_status == EmailStatus.FAILED
