"""Rows that bulk writers refer to without database foreign keys, held until they commit.

Service activities (the import) and analysis snapshots carry no foreign keys: checking a
key per row costs those million-row and ten-thousand-row writes too much. Their writers
instead lock the rows they refer to ``FOR KEY SHARE`` for the rest of their transaction,
so a deletion waits for them (``accounts.services.account_delete`` locks the account
first, then cascades; ``valuation.services.activity_type_delete`` locks the type first,
then refuses if it has activities), while ordinary edits of those rows do not.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def key_share_locked(
    model: Any, key: str = "id", *, ids: tuple[int, int] | None = None
) -> dict[Any, int]:
    """``key`` → id of every row of ``model`` whose key is set (with ``ids``, of the rows
    whose id is between its first and last, both included), locked FOR KEY SHARE on
    PostgreSQL until the current transaction ends (elsewhere only read: SQLite has one
    writer at a time)."""
    rows = model.objects.exclude(**{key: None})
    if ids is not None:
        rows = rows.filter(id__range=ids)
    if connection.vendor != "postgresql":
        return dict(rows.values_list(key, "id").iterator())
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(key).column)
    between = "" if ids is None else " AND id BETWEEN %s AND %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, id FROM {table} WHERE {column} IS NOT NULL{between}"  # noqa: S608
            " FOR KEY SHARE",
            list(ids or ()),
        )
        return dict(cursor.fetchall())


def share_locked(model: Any, *, pk: int, **conditions: Any) -> bool:
    """Whether the row of ``model`` with ``pk`` (and ``conditions``, field lookups) exists,
    locked ``FOR SHARE`` on PostgreSQL until the current transaction ends: others may hold
    it too (several writers at once), while an update of the row waits for them all
    (elsewhere only read: SQLite has one writer at a time)."""
    rows = model.objects.filter(pk=pk, **conditions)
    if connection.vendor != "postgresql":
        return bool(rows.exists())
    sql, parameters = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", parameters)
        return cursor.fetchone() is not None
