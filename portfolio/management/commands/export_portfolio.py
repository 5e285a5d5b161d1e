"""export_portfolio [--run ID] --out FILE: a run's snapshots as CSV (or .xlsx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from portfolio.exports import snapshot_export_rows, table_write
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.selectors import analysis_run_latest_succeeded


class Command(BaseCommand):
    help = "Write a run's per-account figures (latest successful run by default) to CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--run", type=int, default=None, help="Run id (default: latest successful)"
        )
        parser.add_argument("--out", required=True, help="Output file; .xlsx for Excel, else CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run"] is not None:
            run = AnalysisRun.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(_("There is no analysis run %(run)s.") % {"run": options["run"]})
            if run.status != AnalysisRun.Status.SUCCEEDED:
                raise CommandError(
                    _("Run %(run)s is %(status)s; only a succeeded run has figures.")
                    % {"run": run.pk, "status": str(run.get_status_display()).lower()}
                )
        else:
            run = analysis_run_latest_succeeded()
            if run is None:
                raise CommandError(_("No analysis run has succeeded yet; run run_analysis first."))
        path = Path(options["out"])
        if not path.parent.exists():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        snapshots = (
            AccountSnapshot.objects.filter(run=run).select_related("account").order_by("account_id")
        )
        count = table_write(snapshot_export_rows(snapshots.iterator(chunk_size=2000)), path)
        self.stdout.write(
            _("Wrote %(count)s accounts of run %(run)s (as of %(as_of)s) to %(path)s.")
            % {"count": count, "run": run.pk, "as_of": run.as_of, "path": path}
        )
