"""Migration valuation 0004 (service activities partitioned by id) keeps every row both ways,
those of segments too, and the id sequence and the segments carry on after each step."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import AccountFactory
from tests.valuation.factories import ActivityTypeFactory
from valuation.importing import segments

BEFORE = ("valuation", "0003_activities_bulk_friendly")
TABLE = "valuation_serviceactivity"


def migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def relkind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])
        return cursor.fetchone()[0]


def insert(account_id: int, type_id: int, quantity: str) -> int:
    """A row inserted as single-row writers do: the id comes from the table's default."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (account_id, activity_type_id, date, quantity)"  # noqa: S608
            " VALUES (%s, %s, '2025-01-02', %s) RETURNING id",
            [account_id, type_id, quantity],
        )
        return cursor.fetchone()[0]


def segment_with_one_row(account_id: int, type_id: int, quantity: str) -> int:
    segment = segments.segment_create()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {segment.table} (id, account_id, activity_type_id, date, quantity)"  # noqa: S608
            " VALUES (%s, %s, %s, '2025-01-03', %s)",
            [segment.first_id, account_id, type_id, quantity],
        )
    segments.segment_attach(segment)
    return segment.first_id


def rows() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, quantity::text FROM {TABLE} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_partitioning_migration_keeps_rows_and_ids_both_ways(owner: Any) -> None:
    account = AccountFactory(owner=owner)
    activity_type = ActivityTypeFactory()
    first = insert(account.pk, activity_type.pk, "1.00")
    loaded = segment_with_one_row(account.pk, activity_type.pk, "9.00")
    try:
        # when the migration is undone, then the table is plain again with both rows, and
        # new rows get ids after them
        migrate([BEFORE])
        assert relkind() == "r"
        second = insert(account.pk, activity_type.pk, "2.00")
        assert second > loaded
        assert rows() == [(first, "1.00"), (loaded, "9.00"), (second, "2.00")]
    finally:
        migrate(latest())

    # when it is applied again, then the table is partitioned and keeps every row; the id
    # sequence carries on, and the next segment begins above every id
    assert relkind() == "p"
    third = insert(account.pk, activity_type.pk, "3.00")
    assert third > second
    again = segment_with_one_row(account.pk, activity_type.pk, "8.00")
    assert again > third
    assert rows() == [
        (first, "1.00"),
        (loaded, "9.00"),
        (second, "2.00"),
        (third, "3.00"),
        (again, "8.00"),
    ]
