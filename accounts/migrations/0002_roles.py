"""The three role groups exist after `migrate` (DOMAIN.md: account_manager, executive, ops)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLE_NAMES = ("account_manager", "executive", "ops")


def create_roles(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
