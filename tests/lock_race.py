"""A deletion racing a bulk writer that holds what it refers to (kam.row_locks): the writer
locks and writes in a transaction on one thread; the deletion starts on another while the
writer holds; the deletion must wait; then the writer commits."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections, transaction

WAIT = 10  # seconds; generous, the steps take milliseconds


def delete_while_a_writer_holds(
    *, write: Callable[[], None], delete: Callable[[], None]
) -> list[BaseException]:
    """Run `write` (in a transaction that stays open) and, once it has run, `delete`; check
    that the deletion waits for the writer's commit. Returns what either raised."""
    holding = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                write()
                holding.set()
                release.wait(WAIT)
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    def deleter() -> None:
        try:
            delete()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    writing = threading.Thread(target=writer)
    writing.start()
    assert holding.wait(WAIT), errors
    deleting = threading.Thread(target=deleter)
    deleting.start()
    deleting.join(0.5)
    waited = deleting.is_alive()
    release.set()
    writing.join(WAIT)
    deleting.join(WAIT)
    assert waited, "the deletion should wait for the writer's lock"
    return errors
