"""The periodic jobs of the notifications (django-celery-beat, editable in the admin like the
nightly analysis): the daily checks at 06:00 UTC (plan actions overdue, value unconfirmed),
the daily digest at 07:00 UTC, and the account managers' weekly summary on Mondays at 07:00."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SCHEDULES = [
    # name, task, minute, hour, day_of_week
    ("Daily notification checks", "inbox.tasks.daily_checks_task", "0", "6", "*"),
    ("Daily notification digest", "notifications.tasks.daily_digest_task", "0", "7", "*"),
    ("Weekly summary for account managers", "inbox.tasks.weekly_summary_task", "0", "7", "1"),
]


def create(apps: Any, schema_editor: Any) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_week in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        # A missed tick expires instead of running late (a day's digest is sent once).
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, expire_seconds=6 * 60 * 60
        )


def remove(apps: Any, schema_editor: Any) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
