"""Run by test_sqlite_concurrency.py in a process of its own, with KAM's settings on a SQLite
file: several threads, each a person saving (a transaction that reads, then writes) at the
same moment. Prints how many saves succeeded and the errors met; exit 1 on any error."""

from __future__ import annotations

import os
import sys
import threading

import django

THREADS = 4
SAVES = 25


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS saves (id INTEGER PRIMARY KEY, value TEXT)")
        cursor.execute("INSERT OR REPLACE INTO saves (id, value) VALUES (1, 'first')")
        cursor.execute("PRAGMA journal_mode")
        print(f"journal {cursor.fetchone()[0]}")  # noqa: T201
    connection.close()
    errors: list[str] = []
    done = [0]
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def person(number: int) -> None:
        start.wait()
        try:
            for save in range(SAVES):
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("SELECT value FROM saves WHERE id = 1")  # read first …
                        cursor.fetchone()
                        cursor.execute(  # … then write, as a form's save does
                            "UPDATE saves SET value = %s WHERE id = 1", [f"{number}/{save}"]
                        )
                    with lock:
                        done[0] += 1
                except Exception as error:  # noqa: BLE001 - counted and printed
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"saved {done[0]} of {THREADS * SAVES}")  # noqa: T201
    for error in sorted(set(errors)):
        print(f"error {error}")  # noqa: T201
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
