"""The one write of the kinds with a natural key: insert the new rows, update the rows that
differ, leave the others alone (re-importing a file writes nothing), in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import Row

WRITE_BATCH_SIZE = 2000

M = TypeVar("M", bound=models.Model)


def batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= WRITE_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def assign(instance: models.Model, fields: Sequence[str], values: Iterable[Any]) -> bool:
    """Set the fields that differ; True when anything changed."""
    changed = False
    for name, value in zip(fields, values, strict=True):
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed and hasattr(instance, "updated_at"):
        instance.updated_at = timezone.now()
    return changed


@dataclass(frozen=True)
class Upsert(Generic[M]):
    """How rows (the natural key's values, then the other values) meet `model`'s table."""

    model: type[M]
    key_fields: tuple[str, ...]  # the model's fields of the natural key, in the rows' order
    value_fields: tuple[str, ...]  # the model's fields the rest of each row sets
    # Written with the values when a row changed (e.g. the record's version).
    also_update: tuple[str, ...] = ()
    # Called for each changed instance, with its values before the change.
    on_change: Callable[[M, list[Any]], None] | None = None


def upsert_rows(spec: Upsert[M], rows: Iterator[Row], outcome: ImportOutcome) -> ImportOutcome:
    """Insert or update `rows` on the natural key, WRITE_BATCH_SIZE at a time, counting
    created, updated and unchanged rows in `outcome`."""
    for batch in batches(rows):
        _upsert_batch(spec, batch, outcome)
    return outcome


def _upsert_batch(spec: Upsert[M], batch: list[Row], outcome: ImportOutcome) -> None:
    width = len(spec.key_fields)
    manager = spec.model._default_manager
    existing = {
        tuple(getattr(instance, name) for name in spec.key_fields): instance
        for instance in manager.filter(
            **{
                f"{name}__in": {row[index] for row in batch}
                for index, name in enumerate(spec.key_fields)
            }
        )
    }
    new: list[M] = []
    changed: list[M] = []
    for row in batch:
        instance = existing.get(tuple(row[:width]))
        if instance is None:
            new.append(
                spec.model(**dict(zip(spec.key_fields + spec.value_fields, row, strict=True)))
            )
            continue
        before = [getattr(instance, name) for name in spec.value_fields]
        if assign(instance, spec.value_fields, row[width:]):
            if spec.on_change is not None:
                spec.on_change(instance, before)
            changed.append(instance)
        else:
            outcome.unchanged += 1
    manager.bulk_create(new)
    if changed:
        manager.bulk_update(changed, [*spec.value_fields, *spec.also_update])
    outcome.created += len(new)
    outcome.updated += len(changed)
