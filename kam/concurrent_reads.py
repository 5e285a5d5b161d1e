"""Read one consistent view of the database through several connections at once.

The nightly analysis spends most of its time waiting for PostgreSQL to aggregate millions
of rows. Split over several connections, that work runs on several cores while the caller
goes on; an exported snapshot (the mechanism behind parallel ``pg_dump``) makes every
connection see exactly the data the caller's transaction sees, so splitting changes the
speed, never the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections, transaction

T = TypeVar("T")
# The block spreads its work over connections already: a query's own parallel workers
# would only compete with the other connections for the same cores.
NO_PARALLEL_WORKERS = "SET LOCAL max_parallel_workers_per_gather = 0"
Submit = Callable[[Callable[[], Any]], "Future[Any]"]


@contextmanager
def shared_snapshot() -> Iterator[Submit]:
    """A block in which the caller's connection and every read submitted to it see one
    snapshot of the database. Yields ``submit(read) -> Future``, where ``read`` is a
    function that only reads the database.

    On PostgreSQL, when the caller is not inside a transaction already, the block is a
    read-only REPEATABLE READ transaction of the caller's connection that exports its
    snapshot, and each submitted read runs on a thread of its own with its own connection
    importing it: rows committed by others meanwhile are invisible to all of them alike;
    their queries get no parallel workers of their own.
    Elsewhere ``submit`` runs the read at once on the caller's connection and returns its
    finished future: SQLite has one writer and small data, and inside a transaction other
    connections could not see its uncommitted rows.

    Leaving the block waits for every read; ``Future.result()`` raises a read's error.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield _read_now
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute(NO_PARALLEL_WORKERS)
            # Importable while this transaction stays open, that is until every read ends.
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        with ThreadPoolExecutor(thread_name_prefix="kam-read") as pool:
            yield lambda read: pool.submit(_read_in_snapshot, read, snapshot)


def _read_now(read: Callable[[], T]) -> Future[T]:
    future: Future[T] = Future()
    try:
        future.set_result(read())
    except Exception as error:  # noqa: BLE001 - handed to the caller through the future
        future.set_exception(error)
    return future


def _read_in_snapshot(read: Callable[[], T], snapshot: str) -> T:
    """Run `read` on this thread's own connection, in a read-only transaction that imports
    `snapshot`; close the connection afterwards, so none outlives its read."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            cursor.execute(NO_PARALLEL_WORKERS)
            return read()
    finally:
        connections.close_all()
