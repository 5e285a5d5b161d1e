"""Serializers of the selection-governance endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.governance.models import ExitLoss
from accounts.governance.selectors import pilot_warning_for
from accounts.models import (
    Account,
    CriterionScore,
    Designation,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from kam.api import StrictModelSerializer, StrictSerializer
from kam.types import User
from kam.versioning import VersionField


class SelectionCriterionSerializer(StrictModelSerializer):
    # More than 0 (the service checks it again): the field's minimum, so the schema states it.
    weight = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The weight must be greater than 0.")},
    )
    version = VersionField()

    class Meta:
        model = SelectionCriterion
        fields = ["id", "name", "description", "weight", "is_active", "version"]
        validators: list[Any] = []  # the service checks uniqueness and weight > 0
        extra_kwargs: dict[str, Any] = {"name": {"validators": []}}


class CriterionScoreSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    criterion = serializers.IntegerField(source="criterion_id")
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    scored_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    score = serializers.IntegerField()  # range message comes from the service
    version = VersionField(
        help_text="The version of the score you replace (a stale one answers 409); leave it "
        "out to replace whatever is stored."
    )

    class Meta:
        model = CriterionScore
        fields = [
            "id",
            "account",
            "criterion",
            "criterion_name",
            "score",
            "rationale",
            "scored_by",
            "scored_at",
            "version",
        ]
        read_only_fields = ["scored_at"]
        validators: list[Any] = []


class DesignationRequestSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id")
    to_designation = serializers.ChoiceField(
        choices=Designation.choices,
        error_messages={
            "invalid_choice": _(
                '"{input}" is not a designation; use candidate, pilot, strategic, transactional '
                "or exit."
            )
        },
    )
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    pilot_warning = serializers.SerializerMethodField()
    exit_loss = serializers.ChoiceField(
        choices=ExitLoss.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="A move to exit: was the account lost (rival, stopped) or not (not_lost)? "
        "Empty for any other move; an approved loss records an account_lost event.",
    )

    class Meta:
        model = DesignationRequest
        fields = [
            "id",
            "account",
            "from_designation",
            "to_designation",
            "reason",
            "exit_loss",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "pilot_warning",
        ]
        read_only_fields = [
            "from_designation",
            "status",
            "requested_at",
            "decided_at",
            "decision_comment",
        ]
        validators: list[Any] = []

    def get_pilot_warning(self, request: DesignationRequest) -> str | None:
        """For a pending move into pilot: the warning when it would make more than three."""
        if request.status != RequestStatus.PENDING or request.to_designation != Designation.PILOT:
            return None
        return pilot_warning_for(self.context.get("pilot_count", 0) + 1)


class DesignationDecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationDeclineSerializer(StrictSerializer):
    """A decline says why (the service checks it again): required, so the schema says so."""

    comment = serializers.CharField(
        error_messages={
            "required": _("Say why the request is declined."),
            "blank": _("Say why the request is declined."),
        }
    )


class ReviewMeetingSerializer(StrictModelSerializer):
    # Not empty (the service checks it again): so the schema states it (minItems).
    attendees = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        allow_empty=False,
        queryset=User.objects.filter(is_active=True),
        error_messages={
            "does_not_exist": _("No active user is called {value}."),
            "empty": _("Name at least one attendee."),
        },
    )
    accounts = serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=Account.objects.all(),
        error_messages={
            "does_not_exist": _("No account has id {pk_value}."),
            "empty": _("Name at least one account discussed."),
        },
    )

    class Meta:
        model = ReviewMeeting
        fields = ["id", "date", "title", "attendees", "accounts", "decisions"]


class SelectionRowSerializer(serializers.Serializer[Any]):
    criterion = serializers.IntegerField(source="criterion.pk")
    name = serializers.CharField(source="criterion.name")
    weight = serializers.DecimalField(source="criterion.weight", max_digits=6, decimal_places=2)
    score = serializers.IntegerField(source="score.score", allow_null=True, default=None)
    rationale = serializers.CharField(source="score.rationale", allow_null=True, default=None)


class SelectionSerializer(serializers.Serializer[Any]):
    attractiveness = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    criteria = SelectionRowSerializer(source="rows", many=True)


class QualifyingAnswersSerializer(StrictModelSerializer):
    # Null until the answers are first saved (the account's empty answers are shown).
    updated_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = QualifyingAnswers
        fields = [
            "type_of_work_fit",
            "budget",
            "decision_criteria",
            "competitors",
            "reason_for_buying",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
