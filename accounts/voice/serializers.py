"""Serializers of `assessments/`, `complaints/` and `events/` (CONTRACT.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from accounts.models import (
    AccountEvent,
    Assessment,
    AssessmentDimension,
    AssessmentKind,
    Complaint,
    EventKind,
    Severity,
)
from kam.api import StrictModelSerializer
from kam.types import User
from kam.versioning import VersionField


def _kind_message() -> str:
    # {input} is filled in by the API (DRF) with the value sent
    return _('"{input}" is not an event kind; use %(kinds)s.') % {
        "kinds": ", ".join(EventKind.values)
    }


KIND_MESSAGE = lazy(_kind_message, str)()


def _zero_to_ten(message: StrOrPromise) -> serializers.DecimalField:
    """A 0-10 score with one decimal, refused out of range with `message`. The range is the
    field's, so that the schema states it (kam/schema.py); the service checks it again for
    the pages and imports."""
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(10),
        error_messages={"min_value": message, "max_value": message},
    )


class AssessmentDimensionSerializer(StrictModelSerializer):
    expectation = _zero_to_ten(gettext_lazy("The expectation must be between 0 and 10."))
    performance = _zero_to_ten(gettext_lazy("The performance must be between 0 and 10."))
    gap = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)

    class Meta:
        model = AssessmentDimension
        fields = ["name", "expectation", "performance", "gap"]
        validators: list[Any] = []


class AssessmentSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    kind = serializers.ChoiceField(
        choices=AssessmentKind.choices,
        error_messages={
            "invalid_choice": gettext_lazy(
                '"{input}" is not an assessment kind; use third_party, survey or business_review.'
            )
        },
    )
    dimensions = AssessmentDimensionSerializer(many=True, required=False)
    score = _zero_to_ten(gettext_lazy("The score must be between 0 and 10."))
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = VersionField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "account",
            "kind",
            "date",
            "score",
            "notes",
            "dimensions",
            "created_by",
            "version",
        ]


CATEGORY_REQUIRED = gettext_lazy("Give the complaint a category (e.g. delivery, billing, quality).")


class ComplaintSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        error_messages={
            "invalid_choice": gettext_lazy(
                '"{input}" is not a severity; use low, medium, high or critical.'
            )
        },
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = VersionField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "account",
            "category",
            "severity",
            "opened_on",
            "resolved_on",
            "description",
            "created_by",
            "version",
        ]
        validators: list[Any] = []
        extra_kwargs = {
            "category": {
                "error_messages": {
                    "blank": CATEGORY_REQUIRED,
                    "required": CATEGORY_REQUIRED,
                }
            }
        }


class AccountEventSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    kind = serializers.ChoiceField(
        choices=EventKind.choices, error_messages={"invalid_choice": KIND_MESSAGE}
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = VersionField()

    class Meta:
        model = AccountEvent
        fields = ["id", "account", "kind", "date", "notes", "created_by", "version"]
