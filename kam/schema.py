"""The OpenAPI schema class of the whole API (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS).

drf-spectacular documents the answer a view gives when all goes well; this class adds, in one
place, the error answers every operation really gives, with their shapes:

- 400 `ValidationError` on every operation: a body or query parameter the API refuses (a NUL
  in the address is refused by kam/middleware.py on every path), as {field: [messages]} or
  {"detail": "..."} for a body that cannot be parsed.
- 401 `Error` on every operation: no credentials, or a token that is not (or no longer) valid.
- 403 `Error` on every operation: the role or the relation to the account does not allow it.
- 404 `Error` on operations with a path parameter or a body (the object, or the account the
  body names, does not exist or the caller cannot see it) and on paginated lists (a page
  past the last).
- 409 and 412 `VersionConflict` where a version or If-Match guards the write (the view's
  `schema_conflicts` names the actions and their codes).
- 409 `ValidationError` on every DELETE: the object's state does not allow it (kam/api.py).
- 413 and 415 `Error` where a body is read (too large; a media type the operation does not
  take).
- 429 `Error` on every operation (the rate limits, kam/settings.py's KAM_THROTTLE_*).

Request bodies also state the input policy (kam/input_policy.py): every text a `pattern`
without control characters (tabs and line breaks only in long texts), every date a year
from 1900 to 2199 (and the first of a month where the model wants it), every decimal the
digits the field takes. A property the body does not know is refused (`additionalProperties:
false`) where the serializer is strict (kam/api.py's RefuseUnknownFields); elsewhere it is
ignored, but its text passes the policy too (OpenAPI 3.0 cannot say the same of its name).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers

from kam.api import RefuseUnknownFields

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"
CONFLICT = "VersionConflict"

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "A refusal: `detail` says why.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": (
            "The request was refused: each key is a field (or `non_field_errors`, or `detail` "
            "for a body that could not be read), each value the messages for it (a list of "
            "strings, or the same shape again for a nested object or list of objects)."
        ),
        "additionalProperties": {},
    },
    CONFLICT: {
        "type": "object",
        "description": (
            "Nothing was written. A stale version: `current` is the object as it is now, "
            "`changes` what changed since the version sent. The object's state: the messages "
            "per field, as in a ValidationError."
        ),
        "additionalProperties": {},
        "properties": {
            "detail": {"type": "string"},
            "version": {"type": "array", "items": {"type": "string"}},
            "current_version": {"type": "integer"},
            "changes": {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
            "current": {"type": "object", "additionalProperties": {}},
        },
    },
}

DESCRIPTIONS = {
    "400": "The request was refused: see the messages per field.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The caller may not do this.",
    "404": "No such object, or the caller cannot see it (or a page past the last).",
    "409": "The version in the body is not the current one, or the object's state does not "
    "allow this.",
    "412": "The If-Match header does not match the current version.",
    "413": "The body is larger than the API takes (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    "415": "The body's media type is not one this operation takes.",
    "429": "Too many requests: try again after Retry-After seconds.",
}

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# The input policy (kam/input_policy.py) in the request schemas: no control character in any
# text (tab and line breaks only where a long text may hold them), dates from 1900 to 2199.
# A one-line text holds no line or paragraph separator and no bidirectional override or
# isolate either. Lone surrogates (refused too) are left out of the patterns: they are not
# characters, so a JSON Schema string cannot hold one, and a validator that works on Unicode
# text (jsonschema-rs, which schemathesis uses) cannot compile a range of them, and drops the
# whole pattern.
_NOT_IN_ANY_TEXT = "\\u007f-\\u009f"  # DEL, C1
_ONE_LINE_ONLY = "\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
ONE_LINE_TEXT = f"^[^\\u0000-\\u001f{_NOT_IN_ANY_TEXT}{_ONE_LINE_ONLY}]*$"
LONG_TEXT = f"^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f{_NOT_IN_ANY_TEXT}]*$"
DATE_IN_RANGE = "^(19|20|21)[0-9]{2}-"
SLUG = "^[-a-zA-Z0-9_]+$"
NOT_ONLY_SPACES = "^(?=\\s*\\S)"  # a text DRF does not strip to nothing
FIRST_OF_MONTH_IN_RANGE = "^(19|20|21)[0-9]{2}-[0-9]{2}-01$"
# A property a request body does not know is ignored, but its text passes the policy too.
UNKNOWN_PROPERTY = {
    "anyOf": [
        {"type": "string", "pattern": LONG_TEXT},
        {"type": "number"},
        {"type": "boolean"},
    ]
}


# A serializer field of any kind (DRF's Field is generic in four types).
AnyField = serializers.Field[Any, Any, Any, Any]


class KamAutoSchema(AutoSchema):
    """AutoSchema with the API's error answers (see the module docstring)."""

    def _error_ref(self, name: str) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error(self, code: str, name: str) -> dict[str, Any]:
        return {
            "description": DESCRIPTIONS[code],
            "content": {"application/json": {"schema": self._error_ref(name)}},
        }

    def _conflict_codes(self) -> list[str]:
        """The view names which of its actions compare versions: `schema_conflicts`, a
        mapping of action (or method) to the codes it answers when the version is stale."""
        conflicts: dict[str, list[str]] = getattr(self.view, "schema_conflicts", {})
        action = getattr(self.view, "action", None)
        return conflicts.get(action or "", conflicts.get(self.method, []))

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _is_paginated_list(self) -> bool:
        return (
            self.method == "GET"
            and self._is_list_view()
            and getattr(self.view, "pagination_class", None) is not None
        )

    def _map_serializer_field(self, field: Any, direction: str, *args: Any, **kwargs: Any) -> Any:
        """A related field over a nullable foreign key is nullable (DRF leaves allow_null off
        on read-only related fields, so `created_by` of a row whose author was deleted, or
        `reviewed_by` of a plan nobody reviewed yet, answered null against a string schema)."""
        schema = super()._map_serializer_field(field, direction, *args, **kwargs)
        if isinstance(field, serializers.RelatedField) and _nullable_model_field(field):
            schema["nullable"] = True
        if (
            direction == "request"
            and isinstance(field, serializers.RelatedField)
            and field.allow_null
            and isinstance(schema, dict)
        ):
            # DRF reads "" as null for a related field, so a nullable one takes "" too.
            schema.pop("minLength", None)
            pattern = schema.get("pattern")
            if isinstance(pattern, str) and pattern.startswith(NOT_ONLY_SPACES):
                schema["pattern"] = "^" + pattern.removeprefix(NOT_ONLY_SPACES)
        if (
            direction == "request"
            and isinstance(field, serializers.ManyRelatedField | serializers.ListField)
            and not field.allow_empty
            and isinstance(schema, dict)
        ):
            schema.setdefault("minItems", 1)  # drf-spectacular leaves allow_empty=False out
        if direction == "request" and isinstance(schema, dict):
            self._request_field_policy(field, schema)
        return schema

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            # A date parameter sent empty is refused (kam/api.py's FilterSet): the pattern
            # says so where `format: date` alone leaves it open.
            if parameter.get("in") == "query" and schema.get("format") == "date":
                schema.setdefault("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
            # A NUL anywhere in the address is refused (kam/middleware.py).
            elif (
                parameter.get("in") == "query"
                and schema.get("type") == "string"
                and not {"enum", "format", "pattern"} & set(schema)
            ):
                schema["pattern"] = "^[^\\u0000]*$"
        return operation

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        # A strict serializer refuses a field it does not have (kam/api.py); the others
        # ignore it, but its text passes the input policy too.
        strict = isinstance(force_instance(serializer), RefuseUnknownFields)
        schema["additionalProperties"] = False if strict else UNKNOWN_PROPERTY
        # A PATCH leaves every field optional, but for what `schema_patch_required` names.
        always = getattr(serializer, "schema_patch_required", ())
        if always and self.method == "PATCH":
            schema["required"] = sorted({*schema.get("required", []), *always})
        return schema

    def _request_field_policy(self, field: Any, schema: dict[str, Any]) -> None:
        if schema.get("type") != "string" or "enum" in schema:
            return
        if isinstance(field, serializers.DecimalField):
            schema["pattern"] = _decimal_pattern(field)
        elif isinstance(field, serializers.DateField):
            first_of_month = any(
                getattr(validator, "__name__", "") == "_require_first_of_month"
                for validator in field.validators
            )
            schema["pattern"] = FIRST_OF_MONTH_IN_RANGE if first_of_month else DATE_IN_RANGE
        elif isinstance(field, serializers.SlugField) and not field.allow_unicode:
            # DRF's slug rule (drf-spectacular leaves its validator out of the schema).
            schema["pattern"] = SLUG
        elif isinstance(field, serializers.RegexField):
            # The field's own grammar (it admits no control character): the policy's pattern
            # in its place would call schema-valid what the field refuses ("00" as a minute).
            schema["pattern"] = next(
                str(getattr(validator.regex, "pattern", validator.regex))
                for validator in field.validators
                if isinstance(validator, RegexValidator)
            )
        elif isinstance(field, serializers.CharField) and "format" not in schema:
            text = ONE_LINE_TEXT if _one_line(field) else LONG_TEXT
            if not field.allow_blank and field.trim_whitespace:
                # DRF strips the text first, so one of only spaces is blank: refused.
                text = NOT_ONLY_SPACES + text.removeprefix("^")
            schema.setdefault("pattern", text)

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors: dict[str, dict[str, Any]] = {
            "400": self._error("400", VALIDATION_ERROR),
            "401": self._error("401", ERROR),
            "403": self._error("403", ERROR),
        }
        # A body names objects too (an account the caller cannot see answers 404).
        if self._has_path_parameters() or self._is_paginated_list() or self.method in BODY_METHODS:
            errors["404"] = self._error("404", ERROR)
        if self.method == "DELETE":
            errors["409"] = self._error("409", VALIDATION_ERROR)
        for code in self._conflict_codes():
            errors[code] = self._error(code, CONFLICT)
        if self.method in BODY_METHODS:
            errors["413"] = self._error("413", ERROR)
            errors["415"] = self._error("415", ERROR)
        errors["429"] = self._error("429", ERROR)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses


def _model_field(field: AnyField) -> Any:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = field.source
    if model is None or not isinstance(source, str) or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


def _nullable_model_field(field: AnyField) -> bool:
    model_field = _model_field(field)
    return bool(model_field is not None and model_field.null)


def _one_line(field: AnyField) -> bool:
    """A model's CharField holds one line; a TextField, or a text no model field backs (a
    comment, a goal), may hold tabs and line breaks (kam/input_policy.py)."""
    model_field = _model_field(field)
    return isinstance(model_field, models.CharField) and not isinstance(
        model_field, models.TextField
    )


def _decimal_pattern(field: serializers.DecimalField) -> str:
    """The decimals DRF takes for the field: digits (at least one), at most its decimal
    places after the point, no sign when it cannot be negative. Its range too where a
    pattern can say it exactly: a bound of 1, 10, 100… (below it any fraction, at it none),
    and the least positive value as the minimum (not all zeros)."""
    places = field.decimal_places or 0
    whole = (field.max_digits - places) if field.max_digits else None
    low, high = field.min_value, field.max_value
    sign = "" if low is not None and low >= 0 else "-?"
    digits = f"[0-9]{{1,{whole}}}" if whole else "[0-9]+"
    fraction = f"(\\.[0-9]{{1,{places}}})?" if places else ""
    number = f"{digits}{fraction}"
    bound = _power_of_ten_bound(low, high)
    if bound is not None:
        below = f"[0-9]{{1,{bound}}}" if bound else "0"
        at = "1" + "0" * bound + (f"(\\.0{{1,{places}}})?" if places else "")
        number = f"({below}{fraction}|{at})"
    if low is not None and places and low == Decimal(1).scaleb(-places):
        return f"^(?=[0-9.]*[1-9]){number}$"  # at least the least positive value
    return f"^{sign}{number}$"


def _power_of_ten_bound(low: Any, high: Any) -> int | None:
    """k when the field's values lie within ±10**k (or 0 to 10**k) and reach it: the range a
    pattern of digits can state exactly; None otherwise."""
    if high is None or high <= 0:
        return None
    if low is not None and low < 0 and -low != high:
        return None
    if low is None:
        return None
    exponent = Decimal(high).log10()
    if exponent != exponent.to_integral_value() or exponent < 0:
        return None
    return int(exponent)
