"""ensure_schedules: create the nightly analysis and the stuck-run sweep if missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portfolio.schedules import nightly_schedule_get


class Command(BaseCommand):
    help = "Create the default periodic jobs (idempotent; keeps ops' changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        schedule = nightly_schedule_get()
        words = {
            "minute": schedule.minute,
            "hour": schedule.hour,
            "days": schedule.day_of_week,
        }
        self.stdout.write(
            (
                _(
                    "Nightly analysis: minute %(minute)s, hour %(hour)s, days %(days)s (UTC), "
                    "enabled."
                )
                if schedule.enabled
                else _(
                    "Nightly analysis: minute %(minute)s, hour %(hour)s, days %(days)s (UTC), "
                    "disabled."
                )
            )
            % words
        )
