"""Serializers of `assessments/`, `complaints/` and `events/` (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

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

KIND_MESSAGE = '"{input}" is not an event kind; use ' + ", ".join(EventKind.values) + "."


class AssessmentDimensionSerializer(StrictModelSerializer):
    # Ranges (0-10) are checked by the service, so the message names the dimension.
    expectation = serializers.DecimalField(max_digits=5, decimal_places=1)
    performance = serializers.DecimalField(max_digits=5, decimal_places=1)
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
            "invalid_choice": '"{input}" is not an assessment kind; use third_party, survey or '
            "business_review."
        },
    )
    dimensions = AssessmentDimensionSerializer(many=True, required=False)
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, help_text="0-10 (checked by the service)."
    )
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


class ComplaintSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        error_messages={
            "invalid_choice": '"{input}" is not a severity; use low, medium, high or critical.'
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
                    "blank": "Give the complaint a category (e.g. delivery, billing, quality).",
                    "required": "Give the complaint a category (e.g. delivery, billing, quality).",
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
