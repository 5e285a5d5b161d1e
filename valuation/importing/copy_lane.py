"""The COPY lane of activities: the row reader's rows as COPY text, and the columnar
reader's binary COPY (valuation.importing.columnar) streamed from a read-ahead thread while
PostgreSQL writes the previous chunk, into the table or into a segment of its own
(valuation.importing.segments)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db import transaction

from kam.bulk import copy_from_chunks
from valuation.importing import segments
from valuation.importing.outcome import ImportOutcome, ProgressCallback
from valuation.importing.specs import ImportContext, Row
from valuation.models import ServiceActivity

if TYPE_CHECKING:
    from valuation.importing.kinds.activities import ActivitiesParser


T = TypeVar("T")


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _End:
    pass


class ReadAhead(Generic[T]):
    """Runs a generator (of COPY chunks and progress counts) in a thread, at most `depth`
    items ahead.

    Reading and checking the file (Python) then overlaps with PostgreSQL writing the chunks
    already sent: psycopg2 releases the GIL while it sends a chunk. Memory stays bounded by
    `depth` chunks. An exception in the generator is raised again in the consumer; `close`
    stops the thread when the consumer gives up early."""

    def __init__(self, chunks: Iterator[T], depth: int = 4) -> None:
        self.queue: queue.Queue[T | _Failed | _End] = queue.Queue(maxsize=depth)
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._produce, args=(chunks,), name="kam-import-reader", daemon=True
        )
        self.thread.start()

    def _put(self, item: T | _Failed | _End) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _produce(self, chunks: Iterator[T]) -> None:
        try:
            for chunk in chunks:
                if not self._put(chunk):
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the consumer thread
            self._put(_Failed(error))
        else:
            self._put(_End())
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator stopped early releases what it holds (its file) now

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self.queue.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()


def _copy_tail(context: ImportContext) -> str:
    null = "\\N"
    batch = null if context.batch_id is None else context.batch_id
    user = null if context.created_by_id is None else context.created_by_id
    return f"\t{batch}\t{user}\n"


# Activities reach COPY in sorted runs of this many rows. A run ordered by (account, date)
# fills the (account, date) index leaf after leaf instead of at random, which took
# PostgreSQL's share of a 1,000,000-row import from about 8 to about 5 CPU-seconds (see
# bench/import_activities.py); a run of 100,000 lines holds about 5 MB.
COPY_SORT_RUN = 100_000


def _copy_line(account_key: str, type_id: int, day: str, amount: str, tail: str) -> str:
    """One COPY line in the column order of `segments.COLUMNS` (without the id)."""
    return f"{account_key}\t{day}\t{type_id}\t{amount}{tail}"


def copy_activities(chunks: Iterator[str] | Iterator[bytes], *, binary: bool = False) -> None:
    """COPY into the table, in COPY's text format (`_copy_line`) or, with `binary`, in the
    binary format the columnar reader writes (same columns, same order)."""
    table = ServiceActivity._meta.db_table
    copy_from_chunks(segments.copy_sql(table, with_ids=False, binary=binary), chunks)


def copy_activity_rows(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    """The row reader's activities into the table through COPY's text format, in sorted
    runs of COPY_SORT_RUN rows."""
    outcome = context.outcome
    tail = _copy_tail(context)
    pad = "019d"  # any bigint id: sorted as text, the lines sort by account, then date

    def chunks() -> Iterator[str]:
        lines: list[str] = []
        for account_id, type_id, day, amount in rows:
            lines.append(_copy_line(format(account_id, pad), type_id, day, amount, tail))
            if len(lines) >= COPY_SORT_RUN:
                outcome.created += len(lines)
                lines.sort()
                yield "".join(lines)
                lines = []
        outcome.created += len(lines)
        if lines:
            lines.sort()
            yield "".join(lines)

    copy_activities(chunks())
    return outcome


def import_activities_columnar(
    path: Path,
    parser: ActivitiesParser,
    *,
    width: int,
    context: ImportContext,
    segment: bool,
    progress: ProgressCallback | None,
    progress_every: int,
) -> int | None:
    """Load a plain activities CSV file through the columnar reader (valuation.importing.columnar):
    into a segment of its own when `segment`, else into the table. Returns the number of
    rows loaded, or None, having undone everything it wrote, when the file needs the
    row-by-row reader (it is not plain, or a value is bad)."""
    # Imported here: pyarrow costs start-up time that only this lane needs.
    from valuation.importing import columnar

    try:
        with transaction.atomic():  # a savepoint: a file handed over leaves nothing behind
            target = segments.segment_create() if segment else None
            chunks = columnar.activity_copy_chunks(
                path,
                parser,
                width=width,
                first_id=None if target is None else target.first_id,
                batch_id=context.batch_id,
                created_by_id=context.created_by_id,
                # Progress is reported per chunk: a chunk holds progress_every rows (50,000
                # by default; a command asking for progress every row gets 1-row chunks).
                rows_per_chunk=progress_every,
            )
            reader = ReadAhead(chunks)
            rows = 0

            def copy_chunks() -> Iterator[bytes]:
                nonlocal rows
                for item in reader:
                    if isinstance(item, bytes):
                        yield item
                        continue
                    rows = item
                    if progress is not None:
                        progress(rows)  # in this thread, like every other use of the callback

            try:
                if target is None:
                    copy_activities(copy_chunks(), binary=True)
                else:
                    copy_from_chunks(target.copy_sql(), copy_chunks())
                    segments.segment_attach(target)
            finally:
                reader.close()
    except columnar.NotColumnar:
        return None
    context.outcome.created = rows
    return rows
