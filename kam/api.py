"""API wiring shared by every app: pagination, filtering and error shape."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdFilter(django_filters.Filter):
    """A related object by its id: an id of nothing gives an empty list (django-filter's
    ModelChoiceFilter answers 400 "Select a valid choice" to any id it does not know, which
    also tells a caller which ids exist)."""

    field_class = forms.IntegerField


class FilterSet(django_filters.FilterSet):
    """The API's filter sets: a foreign key in `Meta.fields` filters by id (IdFilter)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose filter sets made from a view's `filterset_fields` are ours."""

    filterset_base = FilterSet


def django_validation_error_as_drf(error: DjangoValidationError) -> serializers.ValidationError:
    """Turn a service's ValidationError into the API's {field: [messages]} shape."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
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
