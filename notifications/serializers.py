from __future__ import annotations

from rest_framework import serializers

from kam.api import StrictModelSerializer, StrictSerializer
from notifications.models import Kind, Notification


class NotificationSerializer(StrictModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


class ReadAllAnswerSerializer(serializers.Serializer[dict[str, int]]):
    marked_read = serializers.IntegerField()
