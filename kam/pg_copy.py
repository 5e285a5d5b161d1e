"""``COPY … FROM STDIN`` fed from an iterator of chunks (text, or bytes), as they are produced.

PostgreSQL writes one chunk while the caller formats the next (the import of a million
activities, the analysis's snapshots), and memory holds a chunk, not the whole data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.db import connection

READ_SIZE = 1 << 18  # bytes psycopg2 reads from the stream at a time


class CopyStream(io.RawIOBase):
    """A read-only file over an iterator of chunks (text, or bytes already encoded), for
    psycopg2's copy_expert."""

    def __init__(self, chunks: Iterator[str] | Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""
        self.offset = 0
        # An exception of the chunk iterator (e.g. ImportRefused for an unreadable CSV file):
        # psycopg2 would turn it into a cancelled query, so it ends the stream and
        # `copy_from_chunks` raises it again once COPY has returned.
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        while self.offset >= len(self.pending):
            try:
                chunk = next(self.chunks)
                self.pending = chunk if isinstance(chunk, bytes) else chunk.encode()
            except StopIteration:
                return b""
            except Exception as error:  # noqa: BLE001 - raised again after COPY
                self.error = error
                return b""
            self.offset = 0
        start = self.offset
        self.offset = len(self.pending) if size is None or size < 0 else start + size
        return self.pending[start : self.offset]


def copy_from_chunks(sql: str, chunks: Iterator[str] | Iterator[bytes]) -> None:
    """Run `sql` (a ``COPY … FROM STDIN``) on the current connection with `chunks` as its
    data. An exception of the iterator is raised here, after COPY; the rows sent so far
    are undone with the caller's transaction."""
    stream = CopyStream(chunks)
    with connection.cursor() as cursor:
        try:
            # Positional: Django's debug cursor (DEBUG, or queries being captured) passes
            # only positional arguments through to psycopg2.
            cursor.copy_expert(sql, stream, READ_SIZE)
        except Exception:
            if stream.error is not None:
                raise stream.error from None
            raise
    if stream.error is not None:
        raise stream.error
