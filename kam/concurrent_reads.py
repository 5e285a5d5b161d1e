"""Read one consistent view of the database through several connections at once.

The nightly analysis spends most of its time waiting for PostgreSQL to aggregate millions
of rows. Split over several connections, that work runs on several cores; exported
snapshots (the mechanism behind parallel ``pg_dump``) make every connection see exactly the
data one transaction would have seen, so splitting changes the speed, never the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections, transaction

T = TypeVar("T")


def read_concurrently(reads: Sequence[Callable[[], T]]) -> list[T]:
    """Call each of `reads` (functions that only read the database) and return their
    results in order.

    On PostgreSQL, when the caller's connection is not inside a transaction, each read runs
    on a thread of its own with its own connection, and all of them read the snapshot
    exported by the caller's connection (REPEATABLE READ): rows committed meanwhile by
    others are invisible to every one of them alike. Elsewhere the reads run one after the
    other on the caller's connection: SQLite has one writer and small data, and inside a
    transaction other connections could not see its uncommitted rows.

    An exception raised by a read is raised here once every read has finished.
    """
    if len(reads) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [read() for read in reads]
    with transaction.atomic(), connection.cursor() as cursor:
        # Holding this transaction open keeps the exported snapshot importable.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="kam-read") as pool:
            futures = [pool.submit(_read_in_snapshot, read, snapshot) for read in reads]
            return [future.result() for future in futures]


def _read_in_snapshot(read: Callable[[], T], snapshot: str) -> T:
    """Run `read` on this thread's own connection, in a read-only transaction that imports
    `snapshot`; close the connection afterwards, so none outlives its read."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            return read()
    finally:
        connections.close_all()
