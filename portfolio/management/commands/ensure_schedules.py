"""ensure_schedules: create the nightly analysis and the stuck-run sweep if missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portfolio.schedules import nightly_schedule_get


class Command(BaseCommand):
    help = "Create the default periodic jobs (idempotent; keeps ops' changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        schedule = nightly_schedule_get()
        self.stdout.write(
            f"Nightly analysis: minute {schedule.minute}, hour {schedule.hour}, "
            f"days {schedule.day_of_week} (UTC), {'enabled' if schedule.enabled else 'disabled'}."
        )
