"""Several connections reading one snapshot: what the nightly analysis loads its frames with.

Committed data is needed (other connections cannot see a test's open transaction), hence
transactional tests against the real PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pandas as pd
import pytest
from django.db import connection, connections, transaction

from accounts.models import Account
from kam.concurrent_reads import shared_snapshot
from portfolio import services
from portfolio.pipeline import AnalysisResult, analyse_costs
from tests.factories import AccountFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from valuation.analysis.parameters import AnalysisParameters as Parameters

pytestmark = pytest.mark.django_db(transaction=True)


def _commit_an_account_elsewhere(owner: Any) -> None:
    """Create an account on a thread of its own: its own connection, committed at once."""

    def create() -> None:
        try:
            AccountFactory(owner=owner, name="Late Ltd")
        finally:
            connections.close_all()

    creator = threading.Thread(target=create)
    creator.start()
    creator.join(timeout=30)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_every_read_sees_the_snapshot_taken_when_reading_began(owner: Any) -> None:
    AccountFactory.create_batch(3, owner=owner)
    seen: dict[str, Any] = {}
    committed = threading.Event()

    def first() -> int:
        _commit_an_account_elsewhere(owner)  # committed after reading began
        committed.set()
        seen["first"] = (threading.current_thread().name, _backend_pid())
        return Account.objects.count()

    def second() -> int:
        committed.wait(timeout=30)
        seen["second"] = (threading.current_thread().name, _backend_pid())
        return Account.objects.count()

    # when
    with shared_snapshot() as submit:
        pending = [submit(first), submit(second)]
        # the caller's own reads inside the block see the same snapshot
        committed.wait(timeout=30)
        callers_count = Account.objects.count()
    counts = [future.result() for future in pending]

    # then both reads ran on threads of their own with their own connections, and neither
    # saw the account committed after the snapshot was taken
    assert counts == [3, 3]
    assert callers_count == 3
    assert seen["first"][0] != seen["second"][0]
    assert len({seen["first"][1], seen["second"][1], _backend_pid()}) == 3
    assert Account.objects.count() == 4


def test_inside_a_transaction_reads_run_on_the_callers_connection(owner: Any) -> None:
    with transaction.atomic():
        AccountFactory(owner=owner)  # not committed: another connection could not see it
        caller = _backend_pid()
        with shared_snapshot() as submit:
            pending = [submit(_backend_pid), submit(lambda: Account.objects.count())]
    assert [future.result() for future in pending] == [caller, 1]


def test_an_error_in_one_read_reaches_the_caller(owner: Any) -> None:
    def broken() -> None:
        raise ValueError("no such frame")

    with shared_snapshot() as submit:
        fine, failed = submit(lambda: Account.objects.count()), submit(broken)
    assert fine.result() == 0
    with pytest.raises(ValueError, match="no such frame"):
        failed.result()
    # the caller's connection is usable and out of the reading transaction
    assert not connection.in_atomic_block
    assert Account.objects.count() == 0


def _computed(params: Parameters) -> AnalysisResult:
    """The run's figures at AS_OF, as it reads them, costed in one piece, with its warnings."""
    prepared = services.analysis_prepare(as_of=AS_OF, params=params)
    result = analyse_costs(
        prepared.before,
        activities=prepared.activities,
        rates=prepared.rates,
        activity_types=prepared.activity_types,
    )
    return dataclasses.replace(result, warnings=[*prepared.warnings, *result.warnings])


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_the_analysis_is_the_same_read_at_once_or_one_after_the_other(
    owner: Any, other_manager: Any, settings: Any, parts: int
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    settings.KAM_ANALYSIS_READ_PARTS = parts
    params = Parameters()
    at_once = _computed(params)  # several connections
    with transaction.atomic():  # inside a transaction: the caller's connection only
        in_turn = _computed(params)

    pd.testing.assert_frame_equal(at_once.accounts, in_turn.accounts)
    pd.testing.assert_frame_equal(at_once.cost_pareto, in_turn.cost_pareto)
    assert at_once.warnings == in_turn.warnings
    # Alpha: picks at two rates (1,000 + 600) and visits (1,000); Beta: no activity
    assert at_once.accounts["cost_to_serve_ttm"].tolist() == [2600.0, 0.0]
