"""PostgreSQL full-text search: the unaccent extension (when it can be created), an
immutable `kam_unaccent(text)`, and one GIN index per searched table on the expression
search/documents.py queries. Nothing on SQLite (the search falls back to plain matching)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Frozen here as created (search/documents.py must keep querying the same expressions).
DOCUMENTS = [
    ("search_account_gin", "accounts_account", ("name", "external_id", "industry")),
    ("search_contact_gin", "relationships_contact", ("name", "title")),
    ("search_plan_gin", "accounts_accountplan", ("period", "strategy")),
    ("search_complaint_gin", "accounts_complaint", ("category", "description")),
    ("search_interaction_gin", "relationships_interaction", ("summary",)),
]

UNACCENT = """
CREATE OR REPLACE FUNCTION kam_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""
# Where the extension is not available: case is still ignored, accents are not.
PLAIN = """
CREATE OR REPLACE FUNCTION kam_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT $1 $$
"""


SEPARATORS = "-./@_:+<>&#=?~"


def _expression(columns: tuple[str, ...]) -> str:
    text = " || ' ' || ".join(f"COALESCE(\"{name}\", '')" for name in columns)
    spaces = " " * len(SEPARATORS)
    return f"to_tsvector('simple'::regconfig, translate(kam_unaccent({text}), '{SEPARATORS}', '{spaces}'))"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT kam_unaccent")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            cursor.execute(UNACCENT)
        except Exception:  # noqa: BLE001 - no right to create extensions: plain text
            cursor.execute("ROLLBACK TO SAVEPOINT kam_unaccent")
            cursor.execute(PLAIN)
        else:
            cursor.execute("RELEASE SAVEPOINT kam_unaccent")
        for name, table, columns in DOCUMENTS:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({_expression(columns)})'
            )


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _columns in DOCUMENTS:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("DROP FUNCTION IF EXISTS kam_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_criteria_team_version"),
        ("relationships", "0005_contact_influence"),
    ]

    operations = [migrations.RunPython(create, remove)]
