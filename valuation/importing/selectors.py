"""Reads of import batches (ops' import page and its progress)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import (
    QuerySet,
)

from valuation.models import (
    ImportBatch,
)


def import_batches_list() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")


def import_batch_rows_done(*, batch: ImportBatch) -> int:
    """Rows processed so far: the running import reports them through the cache."""
    from valuation.importing.services import import_progress_key

    if batch.status == ImportBatch.Status.RUNNING:
        return int(cache.get(import_progress_key(batch.pk), 0))
    return batch.rows_done
