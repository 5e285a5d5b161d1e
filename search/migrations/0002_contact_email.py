"""Contacts are found by their e-mail address too: the contact index is rebuilt on (name,
title, email), the expression search/documents.py now queries."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SEPARATORS = "-./@_:+<>&#=?~"


def _expression(columns: tuple[str, ...]) -> str:
    text = " || ' ' || ".join(f"COALESCE(\"{name}\", '')" for name in columns)
    spaces = " " * len(SEPARATORS)
    return (
        f"to_tsvector('simple'::regconfig, translate(kam_unaccent({text}), "
        f"'{SEPARATORS}', '{spaces}'))"
    )


def _rebuild(schema_editor: Any, columns: tuple[str, ...]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('DROP INDEX IF EXISTS "search_contact_gin"')
        cursor.execute(
            'CREATE INDEX "search_contact_gin" ON "relationships_contact" '
            f"USING gin ({_expression(columns)})"
        )


def forwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(schema_editor, ("name", "title", "email"))


def backwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(schema_editor, ("name", "title"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_indexes"),
        ("relationships", "0007_contact_external_id_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
