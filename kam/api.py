"""API wiring shared by every app: pagination, filtering and error shape."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kam.audit import api_refusal_logged


def _json_type_problem(field: Any, value: Any) -> str | None:
    """What is wrong with the JSON type of `value` for `field`, or None: a text and a decimal
    (as the API answers it) are JSON strings, a true/false is a JSON boolean, a whole number a
    JSON integer. DRF turned 0 into "0" or false, and "7" into 7, where the schema states the
    type."""
    if value is None:
        return None  # null: the field's allow_null decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else _("Give true or false.")
    if isinstance(field, serializers.DecimalField):
        return None if isinstance(value, str) else _('Give the number as a text, e.g. "12.50".')
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else _("Give a text (a JSON string).")
    if isinstance(field, serializers.IntegerField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else _("Give a whole number.")
    return None


class RefuseUnknownFields:
    """A JSON body naming a field the serializer does not have answers 400 with a message on
    that name (DRF dropped it silently, so a misspelt field was a change that never happened),
    and so does a value of another JSON type than the field's (`_json_type_problem`).
    Read-only fields may be sent back as a GET answered them; they are ignored as before.
    Form posts (the browsable API's, with their CSRF token) are left as they were."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            fields = self.fields  # type: ignore[attr-defined]
            problems = {
                str(name): [_("Unknown field: this body has no such field.")]
                for name in data
                if name not in fields
            }
            for name, value in data.items():
                field = fields.get(name)
                problem = (
                    None if field is None or field.read_only else _json_type_problem(field, value)
                )
                if problem:
                    problems[str(name)] = [problem]
            if problems:
                raise serializers.ValidationError(problems)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(RefuseUnknownFields, serializers.Serializer[Any]):
    pass


class StrictModelSerializer(RefuseUnknownFields, serializers.ModelSerializer[Any]):
    pass


class StandardPagination(PageNumberPagination):
    """`page` from 1, `page_size` from 1 to 500 (50 when not given): a page or page size that
    is not such a number, or either sent twice, answers 400 (DRF's default quietly used 50, or
    the last, and read an empty page as the first), a page past the last 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        # Asked first by paginate_queryset: a page or page size sent twice is refused (the
        # schema gives each once; DRF read the last).
        for name in (self.page_query_param, self.page_size_query_param):
            if len(request.query_params.getlist(name)) > 1:
                raise serializers.ValidationError({name: [_("Give it once.")]})
        page = request.query_params.get(self.page_query_param)
        if page is not None and not (page.isascii() and page.isdigit() and page.strip("0")):
            # DRF read an empty page as the first and a word as 404; the schema says a number.
            raise serializers.ValidationError(
                {self.page_query_param: [_("Give a whole number from 1.")]}
            )
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # (a number of thousands of digits is no size, and int() of it raises)
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(most)s.") % {"most": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


class IdFilter(django_filters.Filter):
    """A related object by its id: an id of nothing gives an empty list (django-filter's
    ModelChoiceFilter answers 400 "Select a valid choice" to any id it does not know, which
    also tells a caller which ids exist)."""

    field_class = forms.IntegerField


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is refused instead of ignored (django-filter's
    BooleanFilter read `?customer_confirmed=yes` as no filter at all)."""

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: unset
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes 0.5 for an integer field)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # an integer, not a decimal


class FilterSet(django_filters.FilterSet):
    """The API's filter sets, strict about what they are sent: a foreign key in `Meta.fields`
    filters by id (IdFilter); a boolean is true or false; a parameter that is not free text
    (a date, a number, a choice) sent empty answers 400 instead of being ignored, as the
    schema gives it a type that an empty value does not have."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.IntegerField: {"filter_class": IntegerFilter},
        models.SmallIntegerField: {"filter_class": IntegerFilter},
        models.BigIntegerField: {"filter_class": IntegerFilter},
        models.PositiveIntegerField: {"filter_class": IntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flt in self.filters.values():
            if isinstance(flt, django_filters.BooleanFilter):
                flt.field_class = StrictBooleanField
                # django-filter's BooleanWidget reads what it does not know as None.
                flt.extra["widget"] = forms.TextInput
                flt.__dict__.pop("_field", None)  # a form field built before the change

    def _filter_of(self, parameter: str) -> Any:
        if parameter in self.filters:
            return self.filters[parameter]
        name, _, _suffix = parameter.rpartition("_")  # a range's `date_after`, `date_before`
        return self.filters.get(name)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for parameter in self.data or {}:
            flt = self._filter_of(parameter)
            if flt is None or isinstance(flt, django_filters.CharFilter):
                continue
            values = self.data.getlist(parameter) if isinstance(self.data, QueryDict) else []
            if "" in values and flt.field_name is not None:
                self.form.add_error(
                    None if parameter not in self.form.fields else parameter,
                    f"{parameter}: give a value, or leave the parameter out.",
                )
                valid = False
        return valid


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose filter sets made from a view's `filterset_fields` are ours."""

    filterset_base = FilterSet


class Conflict(exceptions.APIException):
    """409: the request is well formed, but the object's state does not allow it (a plan no
    longer a draft, a record asked to move to another account)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object's state does not allow this.")
    default_code = "conflict"


@contextmanager
def state_conflicts_as_409(*fields: str) -> Iterator[None]:
    """A service's ValidationError about nothing but `fields` (the object's state, such as
    a plan's `status`) answers 409 instead of 400."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(fields):
            raise Conflict(error.message_dict) from error
        raise


def django_validation_error_as_drf(error: DjangoValidationError) -> serializers.ValidationError:
    """Turn a service's ValidationError into the API's {field: [messages]} shape."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    api_refusal_logged(exc, context)  # a 404 for an object that exists is logged
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_as_drf(exc)
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if (
        response is not None
        and isinstance(exc, serializers.ValidationError)
        and request is not None
        and request.method == "DELETE"
    ):
        # A DELETE has no body to be wrong: what refuses it is the object's state (a plan
        # past draft, an activity type with activities), a conflict.
        response.status_code = status.HTTP_409_CONFLICT
    return response
