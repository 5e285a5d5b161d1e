"""Several connections reading one snapshot: what the nightly analysis loads its frames with.

Committed data is needed (other connections cannot see a test's open transaction), hence
transactional tests against the real PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from accounts.models import Account
from kam.concurrent_reads import read_concurrently
from portfolio import loaders
from tests.factories import AccountFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

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
    counts = read_concurrently([first, second])

    # then both reads ran on threads of their own with their own connections, and neither
    # saw the account committed after the snapshot was taken
    assert counts == [3, 3]
    assert seen["first"][0] != seen["second"][0]
    assert len({seen["first"][1], seen["second"][1], _backend_pid()}) == 3
    assert Account.objects.count() == 4


def test_inside_a_transaction_reads_run_on_the_callers_connection(owner: Any) -> None:
    with transaction.atomic():
        AccountFactory(owner=owner)  # not committed: another connection could not see it
        caller = _backend_pid()
        results = read_concurrently([_backend_pid, lambda: Account.objects.count()])
    assert results == [caller, 1]


def test_an_error_in_one_read_reaches_the_caller(owner: Any) -> None:
    def broken() -> None:
        raise ValueError("no such frame")

    with pytest.raises(ValueError, match="no such frame"):
        read_concurrently([lambda: Account.objects.count(), broken])
    # the caller's connection is usable and out of the reading transaction
    assert not connection.in_atomic_block
    assert Account.objects.count() == 0


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_analysis_frames_are_the_same_read_at_once_or_one_after_the_other(
    owner: Any, other_manager: Any, settings: Any, parts: int
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    settings.KAM_ANALYSIS_READ_PARTS = parts
    at_once = loaders.analysis_inputs(as_of=AS_OF)  # autocommit: several connections
    with transaction.atomic():  # inside a transaction: the caller's connection only
        in_turn = loaders.analysis_inputs(as_of=AS_OF)

    for name in at_once.__dataclass_fields__:
        frame, expected = getattr(at_once, name), getattr(in_turn, name)
        assert list(frame.columns) == list(expected.columns), name
        assert _rows(frame) == _rows(expected), name
    assert len(at_once.activities) == 3  # Alpha: picks at two rates, visits


def _rows(frame: Any) -> list[tuple[Any, ...]]:
    return sorted(map(tuple, frame.astype(str).to_numpy().tolist()))
