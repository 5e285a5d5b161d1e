from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Account, TeamMember
from kam.api import StrictModelSerializer
from kam.types import User
from kam.versioning import VersionField


class AccountSerializer(StrictModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        error_messages={"does_not_exist": _("No active user is called {value}.")},
    )
    external_id = serializers.CharField(
        max_length=64, required=False, allow_null=True, allow_blank=True
    )
    version = VersionField()

    class Meta:
        model = Account
        fields = [
            "id",
            "external_id",
            "name",
            "industry",
            "region",
            "designation",
            "owner",
            "buying_hierarchy_level",
            "continuum_position",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "name": {
                "error_messages": {
                    "blank": _("Give the account a name."),
                    "required": _("Give the account a name."),
                }
            }
        }
        # Uniqueness is checked by the service (full_clean) so one message is used everywhere.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["designation"].error_messages["invalid_choice"] = _(
            '"{input}" is not a designation; use candidate, pilot, strategic, transactional '
            "or exit."
        )
        return fields


class AccountUpdateSerializer(AccountSerializer):
    """PUT and PATCH: the designation is read-only here (the schema says so), because it changes
    only through a designation request. A body that sends another designation anyway is handed
    to the service, which refuses it and says how to change it: it is not dropped in silence."""

    class Meta(AccountSerializer.Meta):
        read_only_fields = [*AccountSerializer.Meta.read_only_fields, "designation"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        sent = self.initial_data if isinstance(self.initial_data, Mapping) else {}
        if "designation" in sent:
            attrs["designation"] = sent["designation"]
        return attrs


class TeamMemberSerializer(StrictModelSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("No active user is called {value}.")},
    )

    version = VersionField()

    class Meta:
        model = TeamMember
        fields = ["user", "function", "is_executive_sponsor", "version"]
        validators: list[Any] = []
