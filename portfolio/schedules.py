"""The periodic jobs, kept in the database by django-celery-beat so ops can change them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from kam.rules import require
from kam.types import User
from portfolio.rules import SCHEDULE_REFUSED, can_edit_schedule

NIGHTLY_NAME = "Nightly portfolio analysis"
REAPER_NAME = "Sweep stuck analysis runs"


@dataclass(frozen=True)
class NightlySchedule:
    minute: str
    hour: str
    day_of_week: str
    enabled: bool


@transaction.atomic
def schedules_ensure() -> PeriodicTask:
    """Create the default entries if missing (idempotent; ops' later changes are kept)."""
    nightly = PeriodicTask.objects.filter(name=NIGHTLY_NAME).first()
    if nightly is None:
        # 02:00 every day, UTC: https://crontab.guru/#0_2_*_*_*
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour="2",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        nightly = PeriodicTask.objects.create(
            name=NIGHTLY_NAME,
            task="portfolio.tasks.nightly_analysis_task",
            crontab=crontab,
            # A backlog never runs the same night twice: a missed tick expires.
            expire_seconds=6 * 60 * 60,
        )
    if not PeriodicTask.objects.filter(name=REAPER_NAME).exists():
        every_five, _ = IntervalSchedule.objects.get_or_create(
            every=5, period=IntervalSchedule.MINUTES
        )
        PeriodicTask.objects.create(
            name=REAPER_NAME,
            task="portfolio.tasks.analysis_runs_reap_task",
            interval=every_five,
            expire_seconds=4 * 60,
        )
    return nightly


def nightly_schedule_get() -> NightlySchedule:
    task = schedules_ensure()
    crontab = task.crontab
    return NightlySchedule(
        minute=crontab.minute if crontab else "0",
        hour=crontab.hour if crontab else "2",
        day_of_week=crontab.day_of_week if crontab else "*",
        enabled=task.enabled,
    )


@transaction.atomic
def nightly_schedule_update(
    *, changed_by: User, minute: str, hour: str, day_of_week: str, enabled: bool
) -> NightlySchedule:
    """Change when the nightly analysis runs (cron fields, UTC). PermissionDenied unless
    `changed_by` may (portfolio.rules); ValidationError for a cron field that is not one."""
    require(can_edit_schedule(changed_by), gettext(SCHEDULE_REFUSED))
    crontab = CrontabSchedule(
        minute=minute.strip(),
        hour=hour.strip(),
        day_of_week=day_of_week.strip() or "*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    try:
        crontab.full_clean(exclude=["timezone"])
    except ValidationError as error:
        raise ValidationError(
            {
                field: gettext("Not a valid cron value: %(problems)s")
                % {"problems": " ".join(msgs)}
                for field, msgs in error.message_dict.items()
            }
        ) from error
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=crontab.minute,
        hour=crontab.hour,
        day_of_week=crontab.day_of_week,
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    task = schedules_ensure()
    task.crontab = crontab
    task.enabled = enabled
    task.save(update_fields=["crontab", "enabled"])
    return nightly_schedule_get()
