"""After an analysis run: a failure told to the ops user who queued it (every ops user for
the nightly run and the command), a churn stage risen told to the account's owner; an
import that failed told to who started it. Once each."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from notifications.models import Kind, Notification
from portfolio import services
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.run_notices import analysis_run_notify
from portfolio.tasks import analysis_run_execute_task, analysis_runs_reap_task
from tests.factories import UserFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from valuation.importing.services import import_batch_create, import_batch_execute

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_portfolio(owner: Any, other_manager: Any) -> dict[str, Any]:
    return build_small_portfolio(owner=owner, other_owner=other_manager)


def _broken_run(requested_by: Any) -> AnalysisRun:
    run = services.analysis_run_create(
        as_of=AS_OF,
        requested_by=requested_by,
        trigger="api" if requested_by else "schedule",
    )
    AnalysisRun.objects.filter(pk=run.pk).update(
        parameters={**run.parameters, "horizon_years": "x"}
    )
    return run


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_failed_run_is_told_to_the_ops_user_who_queued_it(
    small_portfolio: dict[str, Any], ops: Any
) -> None:
    UserFactory(username="otto", roles=["ops"])
    run = _broken_run(ops)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the run's own error
        analysis_run_execute_task(run.pk)
    assert told(Kind.ANALYSIS_FAILED) == ["olga"]
    assert f"The analysis run {run.pk} as of {AS_OF.isoformat()} failed:" in (
        Notification.objects.get().message
    )
    analysis_run_notify(run_id=run.pk)  # again (a retried task): said once
    assert Notification.objects.count() == 1


def test_a_failed_nightly_run_is_told_to_every_ops_user(
    small_portfolio: dict[str, Any], ops: Any
) -> None:
    UserFactory(username="otto", roles=["ops"])
    run = _broken_run(None)
    with pytest.raises(Exception):  # noqa: B017, PT011
        analysis_run_execute_task(run.pk)
    assert told(Kind.ANALYSIS_FAILED) == ["olga", "otto"]


def test_the_command_tells_ops_of_its_failed_run(
    small_portfolio: dict[str, Any], ops: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs: Any) -> None:
        run = AnalysisRun.objects.get()
        AnalysisRun.objects.filter(pk=run.pk).update(status="failed", error="disk full")
        raise RuntimeError("disk full")

    monkeypatch.setattr("portfolio.management.commands.run_analysis.analysis_run_execute", fail)
    with pytest.raises(CommandError):
        call_command("run_analysis", "--as-of", AS_OF.isoformat())
    assert told(Kind.ANALYSIS_FAILED) == ["olga"]
    assert Notification.objects.get().message.endswith("failed: disk full")


def test_a_churn_stage_risen_is_told_to_the_owner_once(
    small_portfolio: dict[str, Any], owner: Any
) -> None:
    first = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    analysis_run_execute_task(first.pk)
    assert told(Kind.CHURN_STAGE_RISEN) == []  # nothing to compare with
    second = services.analysis_run_create(
        as_of=AS_OF.replace(day=AS_OF.day + 1), requested_by=None, trigger="command"
    )
    analysis_run_execute_task(second.pk)
    assert told(Kind.CHURN_STAGE_RISEN) == []  # the same data: the same stages
    alpha = small_portfolio["strategic"]
    AccountSnapshot.objects.filter(run=second, account=alpha).update(
        churn_stage=F("churn_stage") + 2
    )
    assert analysis_run_notify(run_id=second.pk) == 1
    assert analysis_run_notify(run_id=second.pk) == 0
    assert told(Kind.CHURN_STAGE_RISEN) == ["alice"]
    note = Notification.objects.get()
    assert note.message.startswith("The churn stage of Alpha Foods rose from ")
    assert note.url == f"/accounts/{alpha.pk}/analysis/"


def test_a_refused_import_is_told_to_who_started_it(account: Any, ops: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("account,location,period_start,revenue,cost_of_goods\nNOPE,x,2026-13-01,a,b\n")
    batch = import_batch_create(kind="revenue", created_by=ops, path=path)
    import_batch_execute(batch_id=batch.pk, path=path)
    assert told(Kind.IMPORT_FAILED) == ["olga"]
    note = Notification.objects.get()
    assert "The Revenue import of bad.csv failed: The file was refused" in note.message
    assert note.url == f"/imports/{batch.pk}/"


def test_a_command_line_import_tells_nobody(account: Any, ops: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("account,location,period_start,revenue,cost_of_goods\nNOPE,x,2026-13-01,a,b\n")
    batch = import_batch_create(kind="revenue", created_by=None, path=path)
    import_batch_execute(batch_id=batch.pk, path=path)
    assert not Notification.objects.exists()


def test_a_run_the_sweep_failed_is_told_to_every_ops_user_once(
    small_portfolio: dict[str, Any], ops: Any, settings: Any
) -> None:
    settings.KAM_ANALYSIS_STALE_SECONDS = 60
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="schedule")
    long_ago = timezone.now() - timedelta(minutes=5)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    assert analysis_runs_reap_task()["failures_told"] == 1
    assert analysis_runs_reap_task()["failures_told"] == 0
    assert told(Kind.ANALYSIS_FAILED) == ["olga"]
    assert "stopped responding" in Notification.objects.get().message
