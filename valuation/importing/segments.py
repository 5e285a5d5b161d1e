"""Segments: the partitions that large activities imports load (PostgreSQL only).

`valuation_serviceactivity` is partitioned by ranges of `id` (migration 0004). Rows written
one at a time get ids from the id sequence and land in the main partition, below
`MAIN_ID_LIMIT`. A large import instead takes the next segment number `n` and:

1. creates a plain table for the ids [n << 32, (n + 1) << 32), with the parent's columns,
   NOT NULL and CHECK constraints, and a CHECK of that id range (so attaching it later
   needs no scan to prove its rows belong there);
2. loads it with COPY, giving each row its id: no index is maintained row by row;
3. builds its primary key and its (account, date) index by sorting, once (`segment_attach`);
4. attaches it to the parent. ATTACH PARTITION takes a SHARE UPDATE EXCLUSIVE lock on the
   parent until commit: pages and other writers go on reading and writing it meanwhile,
   but two large imports attach one after the other, and schema changes, VACUUM and
   ANALYZE of the parent wait for the import to end.

All of it happens in the import's transaction: a refused file leaves no table behind, and
until commit no other session sees the segment's rows. Measured on 1,000,000 rows, loading
and indexing a segment costs about half of what the same COPY into the indexed table costs
(bench/import_activities.py).

Each segment is one more partition for queries that cannot prune by id (an account's
activities probe every partition's (account, date) index), so only files of at least
`settings.KAM_IMPORT_SEGMENT_ROWS` rows take a segment; smaller ones go to the main partition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from valuation.models import ServiceActivity

SEGMENT_BITS = 32
# The main partition holds the ids below this (below the first segment's, if migration 0004
# was undone and applied again with rows of segments in the table).
MAIN_ID_LIMIT = 1 << SEGMENT_BITS
# The columns every activities COPY fills, in this order (the importer's text lines and the
# columnar reader's binary rows are written so); `id` only when the writer gives the ids.
COLUMNS = (
    "id",
    "account_id",
    "date",
    "activity_type_id",
    "quantity",
    "import_batch_id",
    "created_by_id",
)


def copy_columns(*, with_ids: bool) -> tuple[str, ...]:
    return COLUMNS if with_ids else COLUMNS[1:]


def copy_sql(table: str, *, with_ids: bool, binary: bool) -> str:
    """``COPY table (columns) FROM STDIN``, in the text or the binary format."""
    columns = ", ".join(copy_columns(with_ids=with_ids))
    return f"COPY {table} ({columns}) FROM STDIN" + (" WITH (FORMAT binary)" if binary else "")


# Sorting 1,000,000 index entries in memory instead of in temporary files.
INDEX_BUILD_MEMORY = "256MB"


def _parent() -> str:
    return ServiceActivity._meta.db_table


@dataclass(frozen=True)
class Segment:
    number: int

    @property
    def table(self) -> str:
        return f"{_parent()}_s{self.number}"

    @property
    def first_id(self) -> int:
        return self.number << SEGMENT_BITS

    @property
    def end_id(self) -> int:
        return (self.number + 1) << SEGMENT_BITS

    def copy_sql(self) -> str:
        """COPY of the segment's rows, ids given, in the binary format."""
        return copy_sql(self.table, with_ids=True, binary=True)


def segment_create() -> Segment:
    """A new, empty, unattached segment table (inside the caller's transaction)."""
    parent = _parent()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [f"{parent}_segment_seq"])
        (number,) = cursor.fetchone()
        segment = Segment(number)
        cursor.execute(
            f"CREATE TABLE {segment.table} (LIKE {parent} INCLUDING CONSTRAINTS,"  # noqa: S608
            f" CONSTRAINT {segment.table}_id_range"
            f" CHECK (id >= {segment.first_id} AND id < {segment.end_id}))"
        )
    return segment


def segment_attach(segment: Segment) -> None:
    """Build the segment's indexes by sort, then make it a partition of the parent (whose
    partitioned indexes adopt them)."""
    parent = _parent()
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        # A constraint, not a bare unique index: ATTACH adopts only a constraint's index for
        # the parent's primary key (it would build a second one otherwise).
        cursor.execute(
            f"ALTER TABLE {segment.table} ADD CONSTRAINT {segment.table}_pkey PRIMARY KEY (id)"
        )
        cursor.execute(
            f"CREATE INDEX {segment.table}_account_date ON {segment.table} (account_id, date)"
        )
        cursor.execute("SET LOCAL maintenance_work_mem TO DEFAULT")
        cursor.execute(
            f"ALTER TABLE {parent} ATTACH PARTITION {segment.table}"
            f" FOR VALUES FROM ({segment.first_id}) TO ({segment.end_id})"
        )
