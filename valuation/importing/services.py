"""Imports of data files: a batch is created, queued or run inline, executed under an
advisory lock, swept when its worker died, and its file purged after the retention period."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam import data_versions
from kam.rules import require
from kam.types import User
from notifications.models import Kind
from notifications.services import notify
from valuation.importing.files import file_digest, is_xlsx
from valuation.importing.kinds import spec_for
from valuation.importing.outcome import ImportOutcome, ImportRefused, ProgressCallback, RowError
from valuation.importing.rules import IMPORT_REFUSED, can_import
from valuation.importing.run import PROGRESS_EVERY, import_run
from valuation.models import (
    KINDS_WITHOUT_NATURAL_KEY,
    ImportBatch,
    ImportKind,
)
from valuation.tasks import import_batch_execute_task

# A CSV file up to this size imports inside the request; larger ones, and every XLSX file
# (a small workbook can unpack to a great many rows), import in the background (Celery) and
# the page follows their progress.
INLINE_IMPORT_MAX_BYTES = 5 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


# An import holds a PostgreSQL advisory lock (this key space, its batch id) for its whole
# transaction: the sweep tells an import at work from a dead one by it (the lock goes with
# the connection). A claimed batch gets this long to take it.
IMPORT_LOCK_SPACE = 0x4B414D  # "KAM"
IMPORT_CLAIM_GRACE = datetime.timedelta(seconds=30)


def import_progress_key(batch_id: int) -> str:
    return f"kam:import:{batch_id}:rows_done"


# --- imports --------------------------------------------------------------------------------


def _refuse_unknown_kind(kind: str) -> None:
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Unknown kind '%(kind)s'.") % {"kind": kind}})
    try:
        spec_for(kind)
    except ImportRefused as refused:
        raise ValidationError({"kind": refused.errors[0].message}) from refused


@transaction.atomic
def import_batch_create(
    *,
    kind: str,
    created_by: User | None,
    upload: UploadedFile | None = None,
    path: Path | None = None,
) -> ImportBatch:
    """Record a file to import. An upload is stored under MEDIA_ROOT/imports/; a `path`
    (the command line) is read where it is. The content hash is taken now. `created_by` is
    None for the command line; a user must be allowed to import (valuation.importing.rules),
    PermissionDenied otherwise. The batch keeps the language it is asked in: its messages
    (errors, outcome, notification) are written in it, even by a worker."""
    if created_by is not None:
        require(can_import(created_by), IMPORT_REFUSED)
    _refuse_unknown_kind(kind)
    if upload is not None and path is None:
        file_name = Path(upload.name or "upload").name
    elif path is not None and upload is None:
        file_name = path.name
    else:
        raise ValidationError(_("Give either an uploaded file or a path."))
    if not file_name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    if upload is not None and (oversized := upload_size_problem(size=upload.size)):
        raise ValidationError({"file": oversized})
    batch = ImportBatch(
        kind=kind,
        file_name=file_name[:255],
        created_by=created_by,
        language=translation.get_language() or "",
    )
    if upload is not None:
        batch.file.save(file_name, upload, save=False)
        source = Path(batch.file.path)
    else:
        assert path is not None  # noqa: S101 - narrowed by the check above
        if not path.is_file():
            raise ValidationError({"file": _("No such file: %(name)s.") % {"name": path.name}})
        source = path
    facts = file_digest(source)
    batch.sha256 = facts.sha256
    batch.file_size = facts.size
    batch.is_utf8 = facts.is_utf8
    batch.rows_total = max(facts.lines - 1, 0) if not is_xlsx(file_name) else 0
    batch.save()
    return batch


def upload_size_problem(*, size: int | str | None) -> str | None:
    """Why an upload of `size` bytes is refused (KAM_UPLOAD_MAX_BYTES), or None."""
    try:
        size = int(size or 0)
    except (TypeError, ValueError):
        return None
    limit = settings.KAM_UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    return _(
        "The file is %(size)s MB; an upload may be at most %(limit)s MB. "
        "Split it, or load it with the import_data command."
    ) % {"size": f"{size / 1e6:,.1f}", "limit": f"{limit / 1e6:,.0f}"}


def import_batch_queue(*, batch: ImportBatch) -> None:
    """Run the import in the background once the batch row is committed."""
    transaction.on_commit(lambda: import_batch_execute_task.delay(batch.pk))


def import_runs_in_background(*, batch: ImportBatch) -> bool:
    return is_xlsx(batch.file_name) or batch.file_size > INLINE_IMPORT_MAX_BYTES


def import_batch_start(*, batch: ImportBatch) -> bool:
    """Import a small CSV file now, anything else in the background; True when queued."""
    if import_runs_in_background(batch=batch):
        import_batch_queue(batch=batch)
        return True
    import_batch_execute(batch_id=batch.pk)
    return False


def import_batches_requeue() -> int:
    """Send queued imports the broker lost (a restart without persistence) to the workers
    again; the conditional claim makes a second delivery harmless. Returns how many."""
    before = timezone.now() - datetime.timedelta(seconds=settings.KAM_IMPORT_REQUEUE_SECONDS)
    requeued = 0
    for batch_id in ImportBatch.objects.filter(
        status=ImportBatch.Status.QUEUED, created_at__lt=before
    ).values_list("pk", flat=True):
        try:
            import_batch_execute_task.delay(batch_id)
        except Exception:  # noqa: BLE001 - the broker is down: the next sweep tries again
            break
        requeued += 1
    return requeued


def import_files_purge() -> int:
    """Delete uploaded files of finished imports older than KAM_IMPORT_FILE_RETENTION_DAYS
    (the batch keeps its name, hash, counts and errors). Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.KAM_IMPORT_FILE_RETENTION_DAYS)
    old = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED],
        finished_at__lt=cutoff,
    ).exclude(file="")
    deleted = 0
    for batch in old:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        deleted += 1
    return deleted


def import_batch_source(*, batch: ImportBatch) -> Path:
    return Path(batch.file.path)


def _already_loaded(batch: ImportBatch) -> ImportBatch | None:
    if batch.kind not in KINDS_WITHOUT_NATURAL_KEY:
        return None
    return (
        ImportBatch.objects.filter(
            kind=batch.kind, sha256=batch.sha256, status=ImportBatch.Status.SUCCEEDED
        )
        .exclude(pk=batch.pk)
        .first()
    )


def _already_loaded_error(earlier: ImportBatch | None) -> RowError:
    if earlier is None:
        message = _(
            "This file was already loaded. Its rows have no natural key, so loading it "
            "again would count every row twice; nothing was written."
        )
    else:
        message = _(
            "This file was already loaded on %(when)s UTC (import #%(id)s). Its rows have no "
            "natural key, so loading it again would count every row twice; nothing was written."
        ) % {"when": f"{earlier.finished_at:%Y-%m-%d %H:%M}", "id": earlier.pk}
    return RowError(0, "", message)


def _finish(
    batch: ImportBatch,
    *,
    status: str,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    outcome: ImportOutcome | None = None,
) -> None:
    """Record how the batch ended (its errors, or its counts when `outcome` is given)."""
    batch.status = status
    batch.message = message
    batch.finished_at = timezone.now()
    fields = ["status", "message", "finished_at"]
    if errors is not None:
        batch.errors = errors
        fields.append("errors")
    if outcome is not None:
        batch.rows_done = batch.rows_total = outcome.rows
        batch.rows_created = outcome.created
        batch.rows_updated = outcome.updated
        fields += ["rows_done", "rows_total", "rows_created", "rows_updated"]
    batch.save(update_fields=fields)
    cache.delete(import_progress_key(batch.pk))
    if status == ImportBatch.Status.FAILED and batch.created_by_id is not None:
        # Notification (issue 18): the ops user who started the import hears it failed.
        notify(
            recipients=[batch.created_by],
            kind=Kind.IMPORT_FAILED,
            message=_("The %(kind)s import of %(file)s failed: %(message)s")
            % {"kind": _import_kind_label(batch.kind), "file": batch.file_name, "message": message},
            url=reverse("valuation:import-detail", args=[batch.pk]),
            once_key=f"import-failed:{batch.pk}",
        )


def _import_kind_label(kind: str) -> str:
    return str(ImportKind(kind).label) if kind in ImportKind.values else kind


def import_batch_execute(
    *,
    batch_id: int,
    path: Path | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int | None = None,
) -> ImportBatch:
    """Claim a queued batch and import its file, all or nothing.

    Records `succeeded` with counts, or `failed` with every problem (row, column, message),
    in the batch's language (the one it was uploaded in). Unexpected errors are recorded on
    the batch and re-raised. `progress(rows_done)` is called while the file streams; the
    page reads the same count from the cache.
    """
    language = ImportBatch.objects.filter(pk=batch_id).values_list("language", flat=True).first()
    with translation.override(language or None):
        return _import_batch_execute(
            batch_id=batch_id, path=path, progress=progress, progress_every=progress_every
        )


def _import_batch_execute(
    *,
    batch_id: int,
    path: Path | None,
    progress: ProgressCallback | None,
    progress_every: int | None,
) -> ImportBatch:
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.get(pk=batch_id)
    if claimed != 1:
        return batch  # another worker took it, or it already ran
    source = path if path is not None else import_batch_source(batch=batch)

    earlier = _already_loaded(batch)
    if earlier is not None:
        error = _already_loaded_error(earlier)
        _finish(
            batch,
            status=ImportBatch.Status.FAILED,
            errors=[error.as_dict()],
            message=error.message,
        )
        return batch

    def report(rows_done: int) -> None:
        cache.set(import_progress_key(batch.pk), rows_done, timeout=3600)
        if progress is not None:
            progress(rows_done)

    facts_utf8 = batch.is_utf8 or is_xlsx(batch.file_name)
    try:
        with transaction.atomic():
            _hold_import_lock(batch.pk)
            outcome = import_run(
                kind=batch.kind,
                path=source,
                file_name=batch.file_name,
                batch_id=batch.pk,
                created_by_id=batch.created_by_id,
                is_utf8=facts_utf8,
                progress=report,
                expected_rows=batch.rows_total,
                progress_every=PROGRESS_EVERY if progress_every is None else progress_every,
            )
            # Marked in the same transaction as the rows: the partial unique constraint on
            # (kind, sha256) refuses a second load even when two uploads race.
            _finish(
                batch,
                status=ImportBatch.Status.SUCCEEDED,
                errors=[],
                message=_success_message(outcome.rows, outcome.created, outcome.updated),
                outcome=outcome,
            )
            # Imported rows are written in bulk, without save signals, and reach the account
            # list and the dashboard (the accounts' own fields, the last interaction): their
            # cached pages, counts and choices follow the accounts data's version.
            data_versions.bump(data_versions.ACCOUNTS)
    except ImportRefused as refused:
        batch.refresh_from_db(fields=["rows_done"])
        more = refused.total - len(refused.errors)
        message = _("The file was refused: %(count)s problem(s); nothing was written.") % {
            "count": refused.total
        }
        if more:
            message += " " + _("The first %(count)s are listed.") % {"count": len(refused.errors)}
        _finish(
            batch,
            status=ImportBatch.Status.FAILED,
            errors=[error.as_dict() for error in refused.errors],
            message=message,
        )
    except IntegrityError as error:
        if "import_file_loaded_once" not in str(error):
            _finish(
                batch,
                status=ImportBatch.Status.FAILED,
                message=_("Database error: %(error)s") % {"error": error},
            )
            raise
        refusal = _already_loaded_error(_already_loaded(batch))
        _finish(
            batch,
            status=ImportBatch.Status.FAILED,
            errors=[refusal.as_dict()],
            message=refusal.message,
        )
    except Exception as error:
        _finish(
            batch,
            status=ImportBatch.Status.FAILED,
            message=_("The import failed: %(error)s") % {"error": error},
        )
        raise
    return batch


def _import_lock_key(batch_id: int) -> tuple[int, int]:
    return IMPORT_LOCK_SPACE, batch_id % 2**31


def _hold_import_lock(batch_id: int) -> None:
    """Take the batch's advisory lock for the rest of the import's transaction (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _import_lock_key(batch_id))


def import_batches_reap() -> int:
    """Fail the running imports whose process or database connection is gone (a crashed
    worker or command, a database restart): their transaction was rolled back, so nothing
    of theirs was written, but nothing recorded that they ended either. An import at work
    holds its batch's advisory lock (`_hold_import_lock`); a batch claimed more than
    IMPORT_CLAIM_GRACE ago whose lock is free is dead. Returns how many were failed.
    PostgreSQL only (elsewhere imports run in-process)."""
    if connection.vendor != "postgresql":
        return 0
    claimed_before = timezone.now() - IMPORT_CLAIM_GRACE
    running = ImportBatch.objects.filter(
        status=ImportBatch.Status.RUNNING, started_at__lt=claimed_before
    ).values_list("pk", "language")
    failed = 0
    for batch_id, language in list(running):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", _import_lock_key(batch_id))
            if not cursor.fetchone()[0]:
                continue  # the import is at work
            failed += ImportBatch.objects.filter(
                pk=batch_id, status=ImportBatch.Status.RUNNING
            ).update(
                status=ImportBatch.Status.FAILED,
                finished_at=timezone.now(),
                message=_interrupted_message(language),
            )
    return failed


def _interrupted_message(language: str) -> str:
    with translation.override(language or None):
        return _(
            "The import was interrupted (its worker or the database stopped); "
            "nothing was written. Import the file again."
        )


def _success_message(rows: int, created: int, updated: int) -> str:
    unchanged = rows - created - updated
    return _(
        "Imported %(rows)s row(s): %(created)s new, %(updated)s changed, "
        "%(unchanged)s already up to date."
    ) % {
        "rows": f"{rows:,}",
        "created": f"{created:,}",
        "updated": f"{updated:,}",
        "unchanged": f"{unchanged:,}",
    }
