"""API shapes of contacts, interactions and coverage gaps (validation of meaning is in the
services; these only check types)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kam.api import StrictModelSerializer
from kam.schema import ONE_LINE_TEXT
from kam.types import User
from kam.versioning import VersionField
from relationships.models import (
    Attitude,
    Channel,
    Contact,
    ContactInfluence,
    Influence,
    Interaction,
)
from relationships.selectors import GapRow

GOALS_HELP = (
    'Up to three goals. Send a list of strings ("Cut freight cost") or of objects '
    "{text, metric, target, current} (metric names what is measured, target and current are "
    "numbers). Always returned as objects {position, text, metric, target, current}; sending "
    "goals replaces all of the person's goals."
)


# A goal's text as relationships.services reads it: one line of text, up to 300 characters.
GOAL_TEXT = {"type": "string", "minLength": 1, "maxLength": 300, "pattern": ONE_LINE_TEXT}
# A goal's target or current value as the API takes it: a decimal written as the API answers
# it ("12.50"; relationships.services: under 10**12, at most 2 decimals), or null.
GOAL_NUMBER = "^-?[0-9]{1,12}(\\.[0-9]{1,2})?$"
GOAL_NUMBER_SCHEMA = {"type": "string", "nullable": True, "pattern": GOAL_NUMBER}


GOAL_NUMBER_PROBLEM = {
    "target": _(
        'The target of goal %(number)s is a number written as a text, like "12.50" (at most '
        "12 digits before and 2 after the point), or null."
    ),
    "current": _(
        'The current value of goal %(number)s is a number written as a text, like "12.50" (at '
        "most 12 digits before and 2 after the point), or null."
    ),
}


@extend_schema_field(
    {
        "type": "array",
        "maxItems": 3,
        "items": {
            "oneOf": [
                GOAL_TEXT,
                {
                    "type": "object",
                    "properties": {
                        "position": {"type": "integer", "readOnly": True},
                        "text": GOAL_TEXT,
                        "metric": {"type": "string", "maxLength": 100, "pattern": ONE_LINE_TEXT},
                        "target": GOAL_NUMBER_SCHEMA,
                        "current": GOAL_NUMBER_SCHEMA,
                    },
                    "required": ["text"],
                    # relationships.services refuses a goal's unknown parts.
                    "additionalProperties": False,
                },
            ]
        },
    }
)
class GoalsField(serializers.Field[Any, Any, list[dict[str, Any]], Any]):
    default_error_messages = {
        # Braces doubled: DRF formats the message (fail() calls str.format).
        "not_a_list": _(
            "Send the goals as a list (of texts, or of {{text, metric, target, current}})."
        )
    }

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        problems = [
            str(GOAL_NUMBER_PROBLEM[part] % {"number": number})
            for number, item in enumerate(data, start=1)
            if isinstance(item, dict)
            for part in ("target", "current")
            if item.get(part) is not None
            # re.search as a JSON Schema validator reads a pattern (its $ lets a final line
            # break through, which the service strips)
            and not (isinstance(item[part], str) and re.search(GOAL_NUMBER, item[part]))
        ]
        if problems:
            raise serializers.ValidationError(problems)
        return data

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        return [
            {
                "position": goal.position,
                "text": goal.text,
                "metric": goal.metric,
                "target": None if goal.target is None else str(goal.target),
                "current": None if goal.current is None else str(goal.current),
            }
            for goal in value.all()
        ]


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "string",
            "enum": ["economic_buyer", "user_buyer", "technical_buyer", "coach"],
        },
    }
)
class RolesField(serializers.Field[Any, Any, list[str], Any]):
    default_error_messages = {
        "not_a_list": _('Send the roles as a list, e.g. ["economic_buyer", "coach"].')
    }

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        return data

    def to_representation(self, value: Any) -> list[str]:
        return list(value)


# DRF formats these with str.format: {input} is the value sent.
INFLUENCE_CHOICE_MESSAGE = _('"{input}" is not an influence level; use high, medium or low.')
ATTITUDE_CHOICE_MESSAGE = _('"{input}" is not an attitude; use supporter, neutral or detractor.')
CHANNEL_CHOICE_MESSAGE = _('"{input}" is not a channel; use email, phone, meeting, video or other.')


class ContactSerializer(StrictModelSerializer):
    account = serializers.IntegerField(
        source="account_id", help_text="Id of the account (set on creation only)."
    )
    account_name = serializers.CharField(source="account.name", read_only=True)
    roles = RolesField(required=False, help_text="Buying roles; unknown names are refused.")
    goals = GoalsField(required=False, help_text=GOALS_HELP)
    influence = serializers.ChoiceField(
        choices=Influence.choices,
        required=False,
        error_messages={"invalid_choice": INFLUENCE_CHOICE_MESSAGE},
    )
    attitude = serializers.ChoiceField(
        choices=Attitude.choices,
        required=False,
        error_messages={"invalid_choice": ATTITUDE_CHOICE_MESSAGE},
    )
    preferred_channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        error_messages={"invalid_choice": CHANNEL_CHOICE_MESSAGE},
    )
    primary_contact = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No active user is called {value}.")},
        help_text="Username of our person holding the relationship (owner or team member).",
    )
    reports_to = serializers.IntegerField(
        source="reports_to_id",
        required=False,
        allow_null=True,
        help_text="Id of the contact (same account) this person reports to.",
    )
    last_interaction_on = serializers.DateField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    version = VersionField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "account_name",
            "name",
            "title",
            "roles",
            "influence",
            "attitude",
            "goals",
            "preferred_channel",
            "contact_frequency_days",
            "primary_contact",
            "relationship_strength",
            "evidence",
            "evidence_verified_on",
            "reports_to",
            "is_active",
            "left_on",
            "last_interaction_on",
            "is_overdue",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "name": {
                "error_messages": {
                    "blank": _("Give the person's name."),
                    "required": _("Give the person's name."),
                }
            },
        }
        validators: list[Any] = []

    def service_fields(self) -> dict[str, Any]:
        """validated_data renamed to the service's keyword arguments."""
        data = dict(self.validated_data)
        data.pop("account_id", None)
        data.pop("version", None)  # the view hands it to the service (kam.versioning)
        if "reports_to_id" in data:
            data["reports_to"] = data.pop("reports_to_id")
        return data


AT_LEAST_ONE_CONTACT = _("Choose at least one person you were in touch with.")


class ContactIdsField(serializers.ListField):
    def to_representation(self, data: Any) -> list[Any]:
        return [contact.pk for contact in data.all()]


class InteractionSerializer(StrictModelSerializer):
    account = serializers.IntegerField(source="account_id", help_text="Id of the account.")
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        error_messages={"does_not_exist": _("No active user is called {value}.")},
        help_text="Our person (username); defaults to the caller.",
    )
    contacts = ContactIdsField(
        child=serializers.IntegerField(),
        min_length=1,
        error_messages={"min_length": AT_LEAST_ONE_CONTACT, "empty": AT_LEAST_ONE_CONTACT},
        help_text="Ids of the account's contacts who took part (at least one).",
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        error_messages={"invalid_choice": CHANNEL_CHOICE_MESSAGE},
    )

    logged_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who wrote it down: they may correct (PUT/PATCH) or delete it.",
    )
    version = VersionField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "account",
            "contacts",
            "user",
            "date",
            "channel",
            "summary",
            "logged_by",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "summary": {
                "error_messages": {"blank": _("Write a line on what was discussed or agreed.")}
            }
        }


# bound to one gap, or (many=True) to the list of an account's gaps
class CoverageGapSerializer(serializers.Serializer[GapRow | list[GapRow]]):
    code = serializers.CharField()
    message = serializers.CharField()
    contact = serializers.IntegerField(allow_null=True, help_text="Contact id, or null.")
    contact_name = serializers.CharField()


class ContactInfluenceSerializer(StrictModelSerializer):
    """`contact-influences/`: "source influences target", beyond the reporting line."""

    account = serializers.IntegerField(
        source="account_id", help_text="Id of the account (set on creation only)."
    )
    # A field called "source" shadows Field.source for the type checker only: DRF's metaclass
    # moves declared fields off the class.
    source = serializers.IntegerField(  # type: ignore[assignment]
        source="source_id", help_text="Id of the contact who influences."
    )
    target = serializers.IntegerField(
        source="target_id",
        help_text="Id of the contact influenced (another person of the same account).",
    )
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    strength = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        help_text="How strongly, 1 (a little) to 5 (decisively); 3 when left out.",
    )
    version = VersionField()

    class Meta:
        model = ContactInfluence
        fields = [
            "id",
            "account",
            "source",
            "source_name",
            "target",
            "target_name",
            "strength",
            "note",
            "version",
        ]
        read_only_fields = ["id"]
        validators: list[Any] = []

    def service_fields(self) -> dict[str, Any]:
        """validated_data renamed to the service's keyword arguments (no account, version)."""
        data = dict(self.validated_data)
        data.pop("account_id", None)
        data.pop("version", None)
        for name in ("source", "target"):
            if f"{name}_id" in data:
                data[name] = data.pop(f"{name}_id")
        return data
