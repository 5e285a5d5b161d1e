"""One input policy for every text and date a person or a file gives KAM.

- Text refuses NUL, other control characters and lone surrogates (halves of a UTF-16 pair
  that no UTF-8 text can hold). A long text (a TextField) may hold tabs and line breaks; a
  one-line text (a CharField) may not.
- Every text has a maximum length: a CharField its own, a long text `LONG_TEXT_MAX_LENGTH`.
- Dates lie between `DATE_MIN` and `DATE_MAX`: a year 7904 is a typing slip, and one such
  row would otherwise reach every analysis run.

`apply_to_models()` (called from `KamConfig.ready`) puts the policy's validators on every
text and date field of KAM's own models, so ModelForms (`full_clean`), DRF's model
serializers (which copy a model field's validators) and the imports (`text_problem`,
`date_problem`) all enforce the same rules. `SafeJSONParser` applies it to every string of an
API request body, custom fields included, and refuses bodies nested deeper than
`JSON_MAX_DEPTH`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

KAM_APPS = ("accounts", "relationships", "valuation", "portfolio")
LONG_TEXT_MAX_LENGTH = 20_000
JSON_MAX_DEPTH = 32
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2199, 12, 31)

# C0 and C1 control characters and DEL; tab, line feed and carriage return are told apart
# below because long texts may hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK_OR_TAB = re.compile(r"[\t\n\r\u2028\u2029]")
# Bidirectional overrides and isolates reorder what a one-line text shows (a name could show
# as another's); right-to-left scripts need none of them.
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool, max_length: int | None = None) -> str | None:
    """What is wrong with `value` as a text in plain words, or None when nothing is."""
    if "\x00" in value:
        return _("This text contains a NUL character, which no text may hold; remove it.")
    if _SURROGATE.search(value):
        return _(
            "This text contains a lone surrogate (half of a UTF-16 character pair), which is "
            "not a character; send the text as valid Unicode."
        )
    control = _CONTROL.search(value)
    if control:
        return _(
            "This text contains the control character %(code)s, which "
            "cannot be shown or exported; remove it."
        ) % {"code": f"U+{ord(control.group()):04X}"}
    if not multiline and _LINE_BREAK_OR_TAB.search(value):
        return _("This field is one line: remove the line breaks and tabs.")
    if not multiline and _BIDI_CONTROL.search(value):
        return _(
            "This text contains a bidirectional control character, which changes the order "
            "in which it is shown; remove it."
        )
    if max_length is not None and len(value) > max_length:
        return _("This text has %(length)s characters; at most %(most)s are allowed.") % {
            "length": number_format(len(value), force_grouping=True),
            "most": number_format(max_length, force_grouping=True),
        }
    return None


def printable(text: str) -> str:
    """`text` with what the policy refuses written as escapes (\\x00, \\ud800): for messages
    that quote a refused value and must themselves be storable."""
    if not (_CONTROL.search(text) or _SURROGATE.search(text)):
        return text
    return _SURROGATE.sub(_escape, _CONTROL.sub(_escape, text))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def date_problem(value: datetime.date) -> str | None:
    if DATE_MIN <= value <= DATE_MAX:
        return None
    return (
        f"{value.isoformat()} is outside the dates KAM accepts "
        f"({DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}); check the year."
    )


@deconstructible
class TextPolicyValidator:
    """The policy's text rule as a field validator (max length is the field's own)."""

    code = "text_policy"

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            problem = text_problem(value, multiline=self.multiline)
            if problem:
                raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextPolicyValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


@deconstructible
class DateRangeValidator:
    code = "date_range"

    def __call__(self, value: Any) -> None:
        if isinstance(value, datetime.date):
            problem = date_problem(value)
            if problem:
                raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator)

    def __hash__(self) -> int:
        return hash(type(self))


def _add_validator(field: models.Field[Any, Any], validator: Any) -> None:
    # Django keeps a field's own validators in `_validators` (not in its stubs).
    own: list[Any] = field._validators  # type: ignore[attr-defined]
    if validator not in own:
        field._validators = [*own, validator]  # type: ignore[attr-defined]
        field.__dict__.pop("validators", None)  # a cached_property combining both lists


def apply_to_models() -> None:
    """Put the policy on every text and date field of KAM's models (idempotent)."""
    for label in KAM_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__module__.startswith("simple_history") or model.__name__.startswith(
                "Historical"
            ):
                continue
            for field in model._meta.get_fields():  # noqa: SLF001
                if not isinstance(field, models.Field) or not field.editable:
                    continue
                if isinstance(field, models.TextField):
                    if field.max_length is None:
                        field.max_length = LONG_TEXT_MAX_LENGTH
                    # A TextField's max_length alone reaches only its form field.
                    _add_validator(field, MaxLengthValidator(field.max_length))
                    _add_validator(field, TextPolicyValidator(multiline=True))
                elif isinstance(field, models.CharField) and not field.choices:
                    _add_validator(field, TextPolicyValidator(multiline=False))
                elif isinstance(field, models.DateField) and not isinstance(
                    field, models.DateTimeField
                ):
                    _add_validator(field, DateRangeValidator())


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, path)
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))


def _depth_exceeds(text: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than `limit` (a linear scan)."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def body_problems(data: Any) -> dict[str, list[str]]:
    """The policy's complaints about every string of a parsed JSON body, by field path.
    Line breaks and tabs are left to the fields (long texts may hold them)."""
    problems: dict[str, list[str]] = {}
    for path, text in _strings(data):
        problem = text_problem(text, multiline=True)
        if problem:
            problems.setdefault(".".join(path) or "non_field_errors", []).append(problem)
    return problems


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "body_too_large"


def _read_bounded(stream: Any) -> bytes:
    """The body, refused (413) past DATA_UPLOAD_MAX_MEMORY_SIZE: DRF reads the raw stream,
    which Django's own limit does not cover."""
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    raw = stream.read(limit + 1) if stream is not None else b""
    if limit is not None and len(raw) > limit:
        raise BodyTooLarge(
            _("The body is larger than %(size)s MB; send less at a time.")
            % {"size": number_format(round(limit / 1e6), force_grouping=True)}
        )
    return bytes(raw)


class SafeJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting and text the policy refuses (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        raw = _read_bounded(stream)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(
                _("The body is not %(encoding)s text.") % {"encoding": encoding}
            ) from error
        if _depth_exceeds(text, JSON_MAX_DEPTH):
            raise exceptions.ParseError(
                _("The JSON body is nested deeper than %(depth)s levels; send a flatter body.")
                % {"depth": JSON_MAX_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from error
        problems = body_problems(data)
        if problems:
            raise exceptions.ValidationError(problems)
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _refuse_bad_text(data: Any) -> None:
    problems = body_problems(dict(data.lists()))
    if problems:
        raise exceptions.ValidationError(
            {key.rsplit(".", 1)[0]: messages for key, messages in problems.items()}
        )


class SafeFormParser(parsers.FormParser):
    """DRF's form parser under the same text policy as JSON bodies."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_bad_text(data)
        return data


class SafeMultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser under the same text policy (the fields, not the files)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_bad_text(parsed.data)
        return parsed
