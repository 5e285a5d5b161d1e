"""export_portfolio [--run ID] --out FILE: a run's snapshots as CSV (or .xlsx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
                raise CommandError(f"There is no analysis run {options['run']}.")
            if run.status != AnalysisRun.Status.SUCCEEDED:
                raise CommandError(
                    f"Run {run.pk} is {run.status}; only a succeeded run has figures."
                )
        else:
            run = analysis_run_latest_succeeded()
            if run is None:
                raise CommandError("No analysis run has succeeded yet; run run_analysis first.")
        path = Path(options["out"])
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        snapshots = (
            AccountSnapshot.objects.filter(run=run).select_related("account").order_by("account_id")
        )
        count = table_write(snapshot_export_rows(snapshots.iterator(chunk_size=2000)), path)
        self.stdout.write(f"Wrote {count} accounts of run {run.pk} (as of {run.as_of}) to {path}.")
