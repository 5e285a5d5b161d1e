"""A run computed in shards (ranges of accounts, a Celery chord on real workers) gives the
snapshots of the run in one piece to the cent; a shard that fails is retried, one that
fails for good fails the run with no snapshot left, and a worker killed mid-shard is
recovered by the sweep as a run in one piece is."""

from __future__ import annotations

import signal
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from kam.roles import Role
from portfolio import loaders, services
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot, AnalysisRun
from portfolio.pipeline import AnalysisInputs, small_account_revenue_of
from tests.celery_worker import wait_for
from valuation.analysis.columns import TRANSACTIONAL
from valuation.analysis.parameters import AnalysisParameters
from valuation.analysis.windows import Windows

COMPARED = [*SNAPSHOT_FIGURES, "signals", "cost_by_activity_type"]
AS_OF = date.today() - timedelta(days=1)  # noqa: DTZ011 (the demo's calendar date)
ACCOUNTS = 15
SHARD = 4  # 15 accounts: shards of 4, 4, 4 and 3


def _demo() -> None:
    for role in Role.values:  # made by a migration; an earlier transactional test flushed them
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", accounts=ACCOUNTS, as_of=AS_OF + timedelta(days=1), verbosity=0)


def _snapshots(run_id: int) -> dict[int, dict[str, Any]]:
    return {
        row["account_id"]: {name: row[name] for name in COMPARED}
        for row in AccountSnapshot.objects.filter(run_id=run_id).values("account_id", *COMPARED)
    }


def _run_in_one_piece() -> AnalysisRun:
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    services.analysis_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    return run


def _status(run_id: int) -> str:
    return AnalysisRun.objects.values_list("status", flat=True).get(pk=run_id)


def _assert_same_run(sharded: AnalysisRun, whole: AnalysisRun) -> None:
    assert sharded.status == AnalysisRun.Status.SUCCEEDED, sharded.error
    assert sharded.accounts_analysed == whole.accounts_analysed == ACCOUNTS
    assert _snapshots(sharded.pk) == _snapshots(whole.pk)
    assert sharded.cost_by_activity_type == whole.cost_by_activity_type
    assert sharded.warnings == whole.warnings


@pytest.mark.django_db
def test_shards_computed_in_process_give_the_snapshots_of_the_run_in_one_piece() -> None:
    # given a demo portfolio analysed in one piece
    _demo()
    whole = _run_in_one_piece()
    windows = Windows.from_as_of(AS_OF)
    params = AnalysisParameters(**whole.parameters)
    small = small_account_revenue_of(
        AnalysisInputs(
            accounts=loaders.accounts_frame(),
            revenue=loaders.revenue_frame(windows, designation=TRANSACTIONAL),
        ),
        params,
        AS_OF,
    )
    shards = loaders.account_ranges(SHARD)
    assert [last - first for first, last in shards] == [3, 3, 3, 2]  # demo ids are dense
    # (S of a shard's own transactional accounts differs: the run must use the portfolio's)
    local = [
        small_account_revenue_of(
            AnalysisInputs(
                accounts=loaders.accounts_frame(accounts=shard),
                revenue=loaders.revenue_frame(windows, accounts=shard, designation=TRANSACTIONAL),
            ),
            params,
            AS_OF,
        )
        for shard in shards
    ]
    assert any(value != small for value in local)

    # when a second run is computed shard by shard, then finished
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
    parts = [
        services.analysis_shard_execute(run_id=run.pk, accounts=shard, small_account_revenue=small)
        for shard in shards
    ]
    assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.RUNNING
    services.analysis_shards_finish(
        run_id=run.pk, parts=parts, warnings=loaders.data_quality_warnings()
    )

    # then every snapshot figure, the Pareto and the warnings are those of the whole run
    _assert_same_run(AnalysisRun.objects.get(pk=run.pk), whole)


@pytest.mark.django_db
def test_in_process_a_large_portfolio_is_still_computed_in_one_piece(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _demo()
    with (
        override_settings(KAM_ANALYSIS_SHARD_SIZE=SHARD),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.analysis_run_queue(as_of=AS_OF, requested_by=None, trigger="api")
    # KAM_TASKS_EAGER: the task ran in this process, in one piece, before queue returned
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    assert run.progress_message == "Done"
    assert AccountSnapshot.objects.filter(run=run).count() == ACCOUNTS


def _fault(account_id: int, times: int) -> None:
    """A fault of the database: inserting the snapshot of `account_id` raises, `times` times
    (a sequence counts them: it survives the rollback of the failing transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE test_shard_fault_seq")
    _trigger(
        f"IF NEW.account_id = {int(account_id)} THEN"
        f" IF nextval('test_shard_fault_seq') <= {int(times)} THEN"
        " RAISE EXCEPTION 'shard fault injected for account %', NEW.account_id;"
        " END IF; END IF;"
    )


def _slow(account_id: int) -> None:
    """Inserting the snapshot of `account_id` takes 2 s."""
    _trigger(f"IF NEW.account_id = {int(account_id)} THEN PERFORM pg_sleep(2); END IF;")


def _trigger(body: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION test_shard_fault() RETURNS trigger AS $$
            BEGIN {body} RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_shard_fault BEFORE INSERT ON {AccountSnapshot._meta.db_table}
                FOR EACH ROW EXECUTE FUNCTION test_shard_fault();
            """  # noqa: S608 (our own test's trigger)
        )


def _fault_removed() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER IF EXISTS test_shard_fault ON {AccountSnapshot._meta.db_table};"
            " DROP FUNCTION IF EXISTS test_shard_fault(); DROP SEQUENCE IF EXISTS"
            " test_shard_fault_seq;"
        )


@pytest.fixture
def fault() -> Any:
    yield _fault
    _fault_removed()


def _last_account_id() -> int:
    return max(last for _, last in loaders.account_ranges(SHARD))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_compute_a_run_in_shards_with_a_retry_to_the_cent(
    start_worker: Any, fault: Any
) -> None:
    # given a demo portfolio analysed in one piece, and the last shard failing once
    _demo()
    whole = _run_in_one_piece()
    fault(_last_account_id(), 1)
    # when two workers compute a run in shards of 4 accounts
    for _ in range(2):
        start_worker(KAM_ANALYSIS_SHARD_SIZE=str(SHARD), KAM_ANALYSIS_SHARD_RETRY_SECONDS="0")
    run = services.analysis_run_queue(as_of=AS_OF, requested_by=None, trigger="api")
    wait_for(lambda: _status(run.pk) in ("succeeded", "failed"), seconds=300)
    # then it was computed in shards, retried the failed one, and equals the whole run
    sharded = AnalysisRun.objects.get(pk=run.pk)
    assert sharded.progress_message == "Done"
    _assert_same_run(sharded, whole)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM test_shard_fault_seq")
        assert cursor.fetchone() == (
            2,
            True,
        )  # two: the failure, then the retry


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_shard_failing_for_good_fails_the_run_with_no_snapshot(
    start_worker: Any, fault: Any
) -> None:
    _demo()
    fault(_last_account_id(), 100)
    start_worker(
        KAM_ANALYSIS_SHARD_SIZE=str(SHARD),
        KAM_ANALYSIS_SHARD_RETRIES="1",
        KAM_ANALYSIS_SHARD_RETRY_SECONDS="0",
    )
    run = services.analysis_run_queue(as_of=AS_OF, requested_by=None, trigger="api")
    wait_for(lambda: _status(run.pk) in ("succeeded", "failed"), seconds=300)
    failed = AnalysisRun.objects.get(pk=run.pk)
    assert failed.status == AnalysisRun.Status.FAILED
    assert "failed 2 times" in failed.error
    assert "shard fault injected" in failed.error
    # the three shards written before are gone with it
    assert not AccountSnapshot.objects.filter(run=failed).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_shard_leaves_a_failed_run_with_no_snapshot(
    start_worker: Any, ops: Any, fault: Any
) -> None:
    _demo()
    # given a shard that takes a while to write (the database sleeps on its last account)
    _slow(_last_account_id())
    worker = start_worker(KAM_ANALYSIS_SHARD_SIZE=str(SHARD))
    run = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
    # when the worker is killed once the first three shards are written
    wait_for(lambda: AccountSnapshot.objects.filter(run=run).count() == 3 * SHARD, seconds=300)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert _status(run.pk) == "running"
    assert AccountSnapshot.objects.filter(run=run).exists()

    # then the sweep fails it once its heartbeat is stale (and the killed shard's database
    # session has ended), deleting the shards written before the kill
    time.sleep(1.5)
    with override_settings(KAM_ANALYSIS_STALE_SECONDS=1):
        wait_for(lambda: services.analysis_runs_reap()["failed"] == 1, seconds=30)
    failed = AnalysisRun.objects.get(pk=run.pk)
    assert "stopped responding" in failed.error
    assert not AccountSnapshot.objects.filter(run=failed).exists()
    _fault_removed()

    # and the next run, on a new worker, succeeds in shards
    start_worker(KAM_ANALYSIS_SHARD_SIZE=str(SHARD))
    again = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
    wait_for(lambda: _status(again.pk) in ("succeeded", "failed"), seconds=300)
    assert _status(again.pk) == "succeeded"
    assert AccountSnapshot.objects.filter(run=again).count() == ACCOUNTS
