"""Serializers of the plan endpoints (CONTRACT.md `plans/`): shape and field types only;
the rules live in accounts.plans.services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import AccountPlan, ActionStatus, PlanAction, PlanObjective
from kam.api import StrictModelSerializer, StrictSerializer
from kam.types import User


class PlanObjectiveSerializer(StrictModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = PlanObjective
        fields = ["id", "metric", "target", "current"]
        extra_kwargs = {"current": {"required": False, "allow_null": True}}


class PlanActionSerializer(StrictModelSerializer):
    id = serializers.IntegerField(required=False)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("No active user is called {value}.")},
    )
    status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        required=False,
        error_messages={
            "invalid_choice": _('"{input}" is not a status; use open, done or cancelled.')
        },
    )

    class Meta:
        model = PlanAction
        fields = ["id", "title", "owner", "due", "status"]


class AccountPlanSerializer(StrictModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    objectives = PlanObjectiveSerializer(many=True, required=False)
    actions = PlanActionSerializer(many=True, required=False)
    submitted_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    reviewed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version you edited; required on PUT/PATCH unless If-Match is sent.",
    )

    class Meta:
        model = AccountPlan
        fields = [
            "id",
            "account",
            "account_name",
            "period",
            "period_start",
            "period_end",
            "status",
            "vision",
            "value_proposition",
            "situation",
            "strategy",
            "expansion",
            "objectives",
            "actions",
            "version",
            "return_comment",
            "approval_comment",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "return_comment",
            "approval_comment",
            "submitted_at",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        # The account is resolved through the gatekeeper in the view (404 when invisible),
        # and uniqueness is checked by the service, so one message is used everywhere.
        extra_kwargs = {"account": {"read_only": True}}
        validators: list[Any] = []


class AccountPlanCreateSerializer(AccountPlanSerializer):
    account = serializers.IntegerField(help_text="The account's id.")
    period_start = serializers.DateField(
        required=False,
        help_text='Optional: the dates follow from `period` ("2027", "2027 H1", "2027 Q3"); '
        "give period_start and period_end together for another span.",
    )
    period_end = serializers.DateField(required=False)

    class Meta(AccountPlanSerializer.Meta):
        extra_kwargs: dict[str, Any] = {}


class PlanWorkflowSerializer(StrictSerializer):
    """A transition's body: `version` only (and `comment` on approval and return); any other
    field is refused, so a comment sent with a submit is not silently dropped."""

    version = serializers.IntegerField(
        required=False, help_text="Optional: refuse the transition if the plan moved on."
    )


class PlanApproveSerializer(PlanWorkflowSerializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Optional: what the committee says to the owner with its approval.",
    )


REWORK = _("Say what the owner should rework before resubmitting.")


class PlanReturnSerializer(PlanWorkflowSerializer):
    # Not blank (the service checks it again): so the schema says so (minLength).
    comment = serializers.CharField(error_messages={"required": REWORK, "blank": REWORK})


class FieldChangeSerializer(serializers.Serializer[Any]):
    """field, label, old, new. Built in get_fields: a field named `label` declared on the
    class would stand where DRF's Field keeps its own `label` attribute."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {name: serializers.CharField() for name in ("field", "label", "old", "new")}


class HistoryEntrySerializer(serializers.Serializer[Any]):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    subject = serializers.CharField()
    kind = serializers.CharField()
    changes = FieldChangeSerializer(many=True)
