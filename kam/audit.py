"""The audit trail's shared parts: history for high-volume tables, muting history for a bulk
rewrite, and the log line of a refused access.

- Every account-scoped model keeps its changes with django-simple-history
  (`history = HistoricalRecords(...)`); HistoryRequestMiddleware gives each record the user
  of the page or API call. Bulk writes (imports, the demo) send no signals and write no
  per-row history; an import is recorded once, by its ImportBatch row.
- `RowHistoricalRecords` is for the tables written in bulk (revenue, forecasts, service
  activities): it records saves and the deletion of one row through `instance.delete()`,
  but connects no delete signal, so deleting an account still removes those rows in one
  statement per table instead of loading each and writing a history row per row.
- `history_muted()` disconnects simple-history's receivers for a bulk rewrite that is not
  a user's change (seed_demo --flush), for the same reason.
- `access_refused()` logs, on logger ``kam.access`` at WARNING, who was refused what at which
  path when a gatekeeper answers 404 for an object that exists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, router, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from simple_history.models import HistoricalRecords

from kam.types import AnyUser

access_logger = logging.getLogger("kam.access")

# Fields kept out of every history table: the optimistic lock's bookkeeping and the
# account's data version (raised by UPDATE on every write under the account).
UNTRACKED_FIELDS = ("field_versions", "data_version")

_muted = 0  # > 0 inside history_muted()


class AuditHistory(HistoricalRecords):
    """HistoricalRecords that remembers where it is connected (for `history_muted`)."""

    connected: ClassVar[list[tuple[Any, AuditHistory]]] = []
    tracks_deletes: ClassVar[bool] = True

    def finalize(self, sender: Any, **kwargs: Any) -> None:
        if self.cls is not sender:  # finalize runs for every class prepared
            return
        super().finalize(sender, **kwargs)
        if not self.tracks_deletes:
            post_delete.disconnect(self.post_delete, sender=sender)
            pre_delete.disconnect(self.pre_delete, sender=sender)
        AuditHistory.connected.append((sender, self))

    def receivers(self, sender: Any) -> list[tuple[Any, Any]]:
        found: list[tuple[Any, Any]] = [(post_save, self.post_save)]
        if self.tracks_deletes:
            found += [(post_delete, self.post_delete), (pre_delete, self.pre_delete)]
        return found


def audit_history(*, single_rows: bool = False) -> AuditHistory:
    """The `history` of an account-scoped model (`single_rows`: a table written in bulk)."""
    kind = RowHistoricalRecords if single_rows else AuditHistory
    return kind(excluded_fields=list(UNTRACKED_FIELDS))


class RowHistoricalRecords(AuditHistory):
    """History of single-row writes only: saves, and `instance.delete()` of one row."""

    tracks_deletes = False

    def add_extra_methods(self, cls: type[models.Model]) -> None:
        super().add_extra_methods(cls)
        records = self
        plain_delete = cls.delete

        def delete(
            self: models.Model, using: Any = None, keep_parents: bool = False
        ) -> tuple[int, dict[str, int]]:
            if _muted or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
                return plain_delete(self, using, keep_parents)
            using = using or router.db_for_write(type(self), instance=self)
            with transaction.atomic(using=using):
                records.create_historical_record(self, "-", using=using)
                return plain_delete(self, using, keep_parents)

        delete.__doc__ = plain_delete.__doc__
        cls.delete = delete  # type: ignore[method-assign]


@contextmanager
def history_muted() -> Iterator[None]:
    """No history written, and no history receiver connected, inside the block."""
    receivers = [
        (signal, receiver, sender)
        for sender, records in AuditHistory.connected
        for signal, receiver in records.receivers(sender)
    ]
    global _muted  # noqa: PLW0603 - one flag for the process, like the receivers
    for signal, receiver, sender in receivers:
        signal.disconnect(receiver, sender=sender)
    _muted += 1
    try:
        yield
    finally:
        _muted -= 1
        for signal, receiver, sender in receivers:
            signal.connect(receiver, sender=sender, weak=False)


def _current_path() -> str:
    """The path of the request being served (HistoryRequestMiddleware keeps it per thread)."""
    request = getattr(HistoricalRecords.context, "request", None)
    return str(getattr(request, "path", "") or "-")


def access_refused(*, user: AnyUser, what: str, path: str | None = None) -> None:
    """Log that `user` was refused `what` (an object that exists) at `path` (default: the
    path of the request being served)."""
    username = getattr(user, "username", "") or "anonymous"
    access_logger.warning(
        "access refused: user=%s (id %s) what=%s path=%s",
        username,
        getattr(user, "pk", None),
        what,
        path or _current_path(),
    )


def api_refusal_logged(exc: Exception, context: dict[str, Any]) -> None:
    """For the API's exception handler: a 404 of a detail route (`get_object` over the
    queryset visible to the caller) whose object exists is a refused access; log it."""
    from django.http import Http404
    from rest_framework.exceptions import NotFound

    if not isinstance(exc, Http404 | NotFound):
        return
    view = context.get("view")
    request = context.get("request")
    kwargs = context.get("kwargs") or {}
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    if view is None or request is None or not lookup or lookup not in kwargs:
        return
    try:
        model = view.get_queryset().model
        exists = model._base_manager.filter(
            **{getattr(view, "lookup_field", "pk"): kwargs[lookup]}
        ).exists()
    except Exception:  # noqa: BLE001 - a view whose queryset itself refuses; nothing to add
        return
    if exists:
        access_refused(
            user=request.user,
            what=f"{model._meta.verbose_name} {kwargs[lookup]}",
            path=request.path,
        )
