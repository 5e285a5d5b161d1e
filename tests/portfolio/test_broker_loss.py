"""Redis loses a queued run's message (a restart without persistence): the sweep sends the
run again, a real worker executes it once, and a second delivery of the same run changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from portfolio import services
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.tasks import analysis_run_execute_task
from tests.celery_worker import wait_for
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _status(run_id: int) -> str:
    return AnalysisRun.objects.values_list("status", flat=True).get(pk=run_id)


def test_a_run_whose_message_redis_lost_is_sent_again_and_runs_once(
    owner: Any, other_manager: Any, ops: Any, queue_name: str, start_worker: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    # given a run queued while no worker listens, whose message the broker then loses
    run = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
    assert broker.llen(queue_name) == 1
    broker.delete(queue_name)
    start_worker()
    with override_settings(KAM_ANALYSIS_REQUEUE_SECONDS=3600):
        assert services.analysis_runs_reap()["requeued"] == 0  # too young to be called lost
    assert _status(run.pk) == "queued"

    # when the sweep finds it queued for longer than the re-send delay
    with override_settings(KAM_ANALYSIS_REQUEUE_SECONDS=0):
        assert services.analysis_runs_reap()["requeued"] == 1

    # then the worker runs it, and it ends once with one snapshot per account
    wait_for(lambda: _status(run.pk) in ("succeeded", "failed"))
    assert _status(run.pk) == "succeeded"
    assert AccountSnapshot.objects.filter(run=run).count() == 2
    with override_settings(KAM_ANALYSIS_REQUEUE_SECONDS=0):
        assert services.analysis_runs_reap()["requeued"] == 0
    finished = AnalysisRun.objects.get(pk=run.pk).finished_at

    # and a late second delivery of the same run (the lost message after all) is a no-op
    analysis_run_execute_task.delay(run.pk)
    wait_for(lambda: broker.llen(queue_name) == 0)
    again = services.analysis_run_queue(as_of=AS_OF, requested_by=ops, trigger="api")
    wait_for(lambda: _status(again.pk) in ("succeeded", "failed"))  # the worker went past it
    assert AnalysisRun.objects.get(pk=run.pk).finished_at == finished
    assert AccountSnapshot.objects.filter(run=run).count() == 2
    assert AccountSnapshot.objects.values("run_id", "account_id").distinct().count() == (
        AccountSnapshot.objects.count()
    )
