"""Optimistic locking for every record a user edits: one mechanism for models, services,
API views and pages (plans keep their own, older one in accounts/plans/services.py, which
this follows).

- A versioned model (`VersionedModel`) carries `version` (1 when created, raised by one on
  every change) and `field_versions` (each field's name → the version that last changed
  it), so a refusal can say which fields changed since the version a user edited.
- Services write through `versioned_update`: it compares the values with the row, writes
  only the fields that differ (`.update(**changed)`), and claims the row with a conditional
  UPDATE on (pk, version). Given the version the user edited, a stale one raises
  `VersionConflictError` and writes nothing. Given none, the row is locked for the
  read-compare-write, so two concurrent edits of different fields both survive (the same
  field: the later one wins, as the caller sent no version to compare).
- As with plans, any stale version is refused, even when the fields changed since are not
  the ones sent: the user sees the other change before their save lands.
- API views mix in `VersionedViewMixin`: an `ETag: "<version>"` on every GET, POST, PUT and
  PATCH answer that carries a version; the If-Match header or the body's `version` is the
  version edited; a stale If-Match answers 412, a stale body version 409, both with the
  current object and what changed since (field names and their current values).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.db import models, router, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

VERSION_HELP = (
    "The version you edited (as read from `version` or the ETag). A stale one answers 409 "
    "and writes nothing; leave it out to write the fields you send on top of whatever is "
    "stored."
)


class VersionedModel(models.Model):
    """Abstract base of every model a user edits: `version` and `field_versions`."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every change; an edit based on an older one is refused.",
    )
    field_versions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Each field's name → the version that last changed it.",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A plain save of an existing row (the admin, a service not written through
        `versioned_update`) still moves the version on and records the fields it changed,
        so no edit based on the version before it lands silently."""
        stored = None
        if not self._state.adding and self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        skip = {"version", "field_versions", *_auto_now_fields(type(self))}
        names = [
            field.name
            for field in self._meta.concrete_fields
            if field.name not in skip
            and (update_fields is None or field.name in update_fields)
            and getattr(stored, field.attname) != getattr(self, field.attname)
        ]
        self.version = stored.version + 1
        self.field_versions = {
            **(stored.field_versions or {}),
            **dict.fromkeys(names, self.version),
        }
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "field_versions"}
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class FieldChange:
    """A field changed since the version a user edited, and the version that changed it."""

    field: str
    version: int


class VersionConflictError(Exception):
    """An edit based on an old version: carries the current row and what changed since."""

    def __init__(self, *, current: models.Model, sent_version: int) -> None:
        self.current = current
        self.sent_version = sent_version
        self.current_version: int = current.version  # type: ignore[attr-defined]
        self.changes = changes_since(instance=current, version=sent_version)
        label = current._meta.verbose_name
        changed = _(", ").join(change.field for change in self.changes) or _("nothing you can edit")
        self.message = _(
            "This %(what)s was changed after you opened it (you edited version "
            "%(sent)s; it is now version %(current)s; changed: %(changed)s). "
            "Your changes were not saved: compare them with what changed, then save again."
        ) % {
            "what": label,
            "sent": sent_version,
            "current": self.current_version,
            "changed": changed,
        }
        super().__init__(self.message)


def changes_since(*, instance: models.Model, version: int) -> list[FieldChange]:
    """The fields of `instance` changed after `version`, oldest change first."""
    recorded: Mapping[str, int] = getattr(instance, "field_versions", None) or {}
    changes = [FieldChange(field=name, version=int(v)) for name, v in recorded.items()]
    return sorted(
        (change for change in changes if change.version > version),
        key=lambda change: (change.version, change.field),
    )


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if isinstance(field, models.ForeignKey):  # one-to-one fields are foreign keys too
        return bool(getattr(instance, field.attname) != getattr(value, "pk", value))
    return bool(getattr(instance, name) != value)


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in ("version", "field_versions")
    ]


@transaction.atomic
def versioned_update(
    *,
    instance: models.Model,
    values: Mapping[str, Any],
    version: int | None,
    touched: Iterable[str] = (),
    by: Any = None,
) -> tuple[Any, list[str]]:
    """Write the `values` (model field → value) that differ from the stored row, raising
    its version by one; `touched` names what the caller changes beside the row (a contact's
    goals) and counts as changed too. Returns the row as stored now and the names changed
    (none: nothing was written, the version stays). `by` is the acting user, for the
    audit trail.

    `version` is the version the user edited: a stale one raises VersionConflictError
    before anything is written. None writes on top of the stored row, locked meanwhile.
    The caller validates first; the post_save signal is sent as a save would send it (the
    account data version, the audit trail)."""
    model = type(instance)
    rows = model._base_manager.all()
    if version is None:
        current = rows.select_for_update(no_key=True).get(pk=instance.pk)
    else:
        current = rows.get(pk=instance.pk)
        if current.version != version:  # type: ignore[attr-defined]
            raise VersionConflictError(current=current, sent_version=version)
    version = int(current.version)  # type: ignore[attr-defined]
    changed = {name: value for name, value in values.items() if _differs(current, name, value)}
    names = [*changed, *(name for name in touched if name not in changed)]
    if not names:
        return current, []
    field_versions = {
        **(current.field_versions or {}),  # type: ignore[attr-defined]
        **dict.fromkeys(names, version + 1),
    }
    stamps = {name: timezone.now() for name in _auto_now_fields(model)}
    claimed = rows.filter(pk=instance.pk, version=version).update(
        **changed, **stamps, field_versions=field_versions, version=F("version") + 1
    )
    if claimed != 1:
        raise VersionConflictError(current=rows.get(pk=instance.pk), sent_version=version)
    fresh = rows.get(pk=instance.pk)
    if by is not None:
        # django-simple-history's user of the record
        fresh._history_user = by  # type: ignore[attr-defined]  # read by simple-history
    post_save.send(
        sender=model,
        instance=fresh,
        created=False,
        update_fields=frozenset([*changed, *stamps, "version", "field_versions"]),
        raw=False,
        using=router.db_for_write(model),
    )
    return fresh, names


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_versions(header: str) -> list[int] | None:
    """The versions an If-Match header names (`"3"`, `W/"3"`, a list); None for `*` or no
    header. Raises ValueError for a tag that is not one of ours."""
    header = (header or "").strip()
    if not header or header == "*":
        return None
    versions = []
    for tag in header.split(","):
        text = tag.strip().removeprefix("W/").strip()
        if not (len(text) >= 2 and text[0] == text[-1] == '"'):
            raise ValueError(tag)
        versions.append(int(text[1:-1]))
    return versions


class VersionField(serializers.IntegerField):
    """`version` in a versioned resource's body: read in answers, optional in requests."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", VERSION_HELP)
        super().__init__(**kwargs)


class VersionedViewMixin:
    """For the viewsets of versioned resources (before the DRF base classes).

    The update path calls `self.edited_version(instance)` for the version to hand to the
    service (None when the caller sent neither If-Match nor `version`) and drops `version`
    from the data; a VersionConflictError raised anywhere in the view becomes a 412 (the
    version came from If-Match) or 409 (from the body) with the current object."""

    # kam/schema.py documents these answers of these actions.
    schema_conflicts: ClassVar[dict[str, list[str]]] = {
        "update": ["409", "412"],
        "partial_update": ["409", "412"],
    }
    # Model field → the field of the answer that shows it (a contact's role flags → roles).
    version_field_aliases: ClassVar[dict[str, str]] = {}
    _stale_status: int = status.HTTP_409_CONFLICT

    def edited_version(self, instance: Any) -> int | None:
        request: Request = self.request  # type: ignore[attr-defined]
        try:
            tags = if_match_versions(request.headers.get("If-Match", ""))
        except ValueError as error:
            raise ValidationError(
                {
                    "version": [
                        _("If-Match %(tag)s is not an ETag of ours.")
                        % {"tag": request.headers["If-Match"]}
                    ]
                }
            ) from error
        raw: Any = request.data.get("version") if isinstance(request.data, Mapping) else None
        body: int | None = None
        if raw not in (None, ""):
            try:
                body = int(raw)
            except (TypeError, ValueError) as error:
                raise ValidationError({"version": [_("Send the version as a number.")]}) from error
        current: int = instance.version
        if tags is not None and current not in tags:
            self._stale_status = status.HTTP_412_PRECONDITION_FAILED
            raise VersionConflictError(current=instance, sent_version=max(tags))
        if body is not None:
            self._stale_status = status.HTTP_409_CONFLICT
            if body != current:
                raise VersionConflictError(current=instance, sent_version=body)
            return body
        if tags is not None:
            self._stale_status = status.HTTP_412_PRECONDITION_FAILED
            return current
        return None

    def conflict_current(self, conflict: VersionConflictError) -> dict[str, Any]:
        """The object as the API shows it now (the view's serializer on a fresh read)."""
        lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        # A POST that replaces a record (a criterion score) has no object in its path.
        in_path = lookup in getattr(self, "kwargs", {})
        fresh = self.get_object() if in_path else conflict.current  # type: ignore[attr-defined]
        return dict(self.get_serializer(fresh).data)  # type: ignore[attr-defined]

    def conflict_response(self, conflict: VersionConflictError) -> Response:
        current = self.conflict_current(conflict)
        changes = []
        seen: set[str] = set()
        for change in conflict.changes:
            name = self.version_field_aliases.get(change.field, change.field)
            if name in seen:
                continue
            seen.add(name)
            changes.append(
                {"field": name, "value": current.get(name), "changed_in_version": change.version}
            )
        version = current.get("version", conflict.current_version)
        return Response(
            {
                "detail": conflict.message,
                "version": [conflict.message],
                "current_version": version,
                "changes": changes,
                "current": current,
            },
            status=self._stale_status,
            headers={"ETag": etag(version)},
        )

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, VersionConflictError):
            return self.conflict_response(exc)
        response: Response = super().handle_exception(exc)  # type: ignore[misc]  # a mixin
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        data = getattr(response, "data", None)
        if (
            request.method in ("GET", "POST", "PUT", "PATCH")
            and 200 <= response.status_code < 300
            and isinstance(data, Mapping)
            and isinstance(data.get("version"), int)
            and not response.has_header("ETag")
        ):
            response["ETag"] = etag(data["version"])
        return response


def without_version(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validated data minus `version` (the view hands it to the service on its own)."""
    return {name: value for name, value in data.items() if name != "version"}


def version_snapshot(*, model: type[models.Model], pk: Any, version: int) -> Any:
    """The row as it was at `version`, from its audit trail (django-simple-history), or
    None when the model keeps none or the trail has no record of that version."""
    history = getattr(model, "history", None)
    if history is None:
        return None
    record = (
        history.filter(**{model._meta.pk.attname: pk, "version": version})
        .order_by("-history_date")
        .first()
    )
    if record is None:
        return None
    # Built by hand: the record's `.instance` trips over excluded fields the model lacks.
    return model(
        **{
            field.attname: getattr(record, field.attname)
            for field in model._meta.concrete_fields
            if hasattr(record, field.attname)
        }
    )


@dataclass
class PageConflict:
    """A refused stale save of a form, as the page shows it (as plan pages do): the user's
    input kept, the fields only the other person changed taken from the current row, the
    fields both changed kept as the user typed them with the other value beside them, and
    the form's version moved on so saving again stores the result."""

    message: str
    version: int
    data: QueryDict  # the POST to bind the form to again
    taken: list[str]  # labels of the fields taken from the current row
    clashes: dict[str, str]  # form field → the other person's value, as shown
    clash_labels: list[str]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def _put(data: QueryDict, name: str, field: forms.Field, value: Any) -> None:
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    elif isinstance(value, (list, tuple)):
        data.setlist(name, [str(item) for item in value])
    elif value is None:
        data[name] = ""
    elif hasattr(value, "isoformat"):
        data[name] = value.isoformat()
    else:
        data[name] = str(value)


def page_conflict(
    *,
    conflict: VersionConflictError,
    form: forms.BaseForm,
    current: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    aliases: Mapping[str, str] | None = None,
    unknown_before: Iterable[str] = (),
) -> PageConflict:
    """Compare the user's POST (`form`, bound) with the row now (`current`: form field →
    value as the form shows it) and as it was at the version they edited (`before`, None
    when not known; `unknown_before` names fields whose old value is not known)."""
    aliases = aliases or {}
    unknown = set(unknown_before)
    changed = []
    for change in conflict.changes:
        name = aliases.get(change.field, change.field)
        if name in form.fields and name not in changed:
            changed.append(name)
    data = QueryDict(mutable=True)  # every value of a many-valued field kept
    data.update(form.data)
    data["version"] = str(conflict.current_version)
    taken: list[str] = []
    clashes: dict[str, str] = {}
    clash_labels: list[str] = []
    for name in changed:
        field = form.fields[name]
        posted = form[name].data
        theirs = current.get(name)
        if not field.has_changed(theirs, posted):
            continue  # the user typed what is stored now
        touched = before is None or name in unknown or field.has_changed(before.get(name), posted)
        if touched:
            clashes[name] = _shown(theirs)
            clash_labels.append(str(field.label or name.replace("_", " ")))
        else:
            _put(data, name, field, theirs)
            taken.append(str(field.label or name.replace("_", " ")))
    return PageConflict(
        message=conflict.message,
        version=conflict.current_version,
        data=data,
        taken=taken,
        clashes=clashes,
        clash_labels=clash_labels,
    )


def page_conflict_errors(form: forms.BaseForm, page: PageConflict) -> None:
    """Mark each field both people changed on the form bound to `page.data`."""
    form.is_valid()
    for name, theirs in page.clashes.items():
        form.add_error(
            name,
            _(
                "Changed meanwhile to “%(theirs)s”. Your input is kept here: check it before "
                "saving again."
            )
            % {"theirs": theirs},
        )
