"""run_analysis [--as-of YYYY-MM-DD]: one analysis in the foreground (same code as the workers)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portfolio.models import AnalysisRun
from portfolio.run_notices import analysis_run_notify
from portfolio.services import analysis_run_create, analysis_run_execute


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("%(value)s is not a date; use YYYY-MM-DD.") % {"value": value}
        ) from error


class Command(BaseCommand):
    help = "Run the portfolio analysis now, in the foreground, and print the run's id and counts."
    # The system checks import every URL conf and view (about a second); the workers that
    # run the nightly analysis skip them too. `manage.py check` and the test suite run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=str, default=None, help="YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
        try:
            run = analysis_run_create(
                as_of=as_of, requested_by=None, trigger=AnalysisRun.Trigger.COMMAND
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Run %(run)s as of %(as_of)s: running…") % {"run": run.pk, "as_of": as_of.isoformat()}
        )
        try:
            analysis_run_execute(run_id=run.pk)
        except Exception as error:
            run.refresh_from_db()
            analysis_run_notify(run_id=run.pk)
            raise CommandError(
                _("Run %(run)s failed: %(error)s")
                % {"run": run.pk, "error": run.error_display or error}
            ) from error
        analysis_run_notify(run_id=run.pk)
        run.refresh_from_db()
        self.stdout.write(
            ngettext(
                "Run %(run)s %(status)s: %(accounts)s accounts analysed, %(warnings)s warning, "
                "%(seconds)s s.",
                "Run %(run)s %(status)s: %(accounts)s accounts analysed, %(warnings)s warnings, "
                "%(seconds)s s.",
                len(run.warnings),
            )
            % {
                "run": run.pk,
                "status": str(run.get_status_display()).lower(),
                "accounts": run.accounts_analysed,
                "warnings": len(run.warnings),
                "seconds": f"{run.duration_seconds or 0:.1f}",
            }
        )
        for warning in run.warnings:
            self.stdout.write(_("  warning: %(warning)s") % {"warning": warning})
