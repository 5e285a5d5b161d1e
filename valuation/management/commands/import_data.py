"""python manage.py import_data KIND FILE: load a CSV or XLSX file of one kind, all or nothing."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from valuation.importing.kinds import SPECS
from valuation.importing.services import import_batch_create, import_batch_execute
from valuation.models import ImportBatch


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _("'%(value)s' is not a whole number of rows above 0.") % {"value": text}
        )
    return value


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, header row) or .xlsx file of one kind. Any bad row refuses the "
        "whole file and every problem is listed; re-importing the same file changes nothing."
    )
    # The system checks import every URL conf and view (a second or more at start-up, a
    # fifth of a 1,000,000-row import's time); `manage.py check` and the test suite run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(SPECS), help="What the file holds.")
        parser.add_argument("file", type=Path, help="Path of the .csv or .xlsx file.")
        parser.add_argument(
            "--progress-every",
            type=_positive_int,
            default=50_000,
            help="Print progress every N rows (default 50000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        path: Path = options["file"]
        started = time.monotonic()
        try:
            batch = import_batch_create(kind=kind, created_by=None, path=path)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        def progress(rows_done: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                _("  … %(rows)s rows read (%(seconds)s s)")
                % {"rows": f"{rows_done:,}", "seconds": f"{elapsed:.1f}"}
            )
            self.stdout.flush()

        self.stdout.write(
            _("Importing %(file)s as %(kind)s (import #%(id)s)")
            % {"file": path.name, "kind": kind, "id": batch.pk}
        )
        batch = import_batch_execute(
            batch_id=batch.pk,
            path=path,
            progress=progress,
            progress_every=options["progress_every"],
        )
        elapsed = time.monotonic() - started
        if batch.status == ImportBatch.Status.SUCCEEDED:
            self.stdout.write(self.style.SUCCESS(f"{batch.message} ({elapsed:.1f} s)"))
            return
        for problem in batch.errors:
            where = _("row %(row)s") % {"row": problem["row"]} if problem["row"] else _("file")
            if problem["column"]:
                where = _("%(where)s, column %(column)s") % {
                    "where": where,
                    "column": problem["column"],
                }
            self.stderr.write(f"{where}: {problem['message']}")
        raise CommandError(batch.message or _("The import failed."))
