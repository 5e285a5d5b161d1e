"""notifications/: the signed-in user's own notifications, newest first (CONTRACT.md)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from kam.api import FilterSet
from kam.types import request_user
from notifications.models import Kind, Notification
from notifications.selectors import notifications_of
from notifications.serializers import (
    NotificationSerializer,
    ReadAllAnswerSerializer,
    ReadAllSerializer,
)
from notifications.services import notification_mark_read, notifications_mark_all_read


class NotificationFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="true: only unread; false: only read"
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet[Notification]
):
    """The signed-in user's notifications; another user's answers 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_of(user=request_user(self.request))

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark the notification read (again: no change)."""
        notification = self.get_object()
        notification = notification_mark_read(
            user=request_user(request), notification_id=notification.pk
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=ReadAllSerializer, responses=ReadAllAnswerSerializer)
    @action(
        detail=False,
        methods=["post"],
        url_path="read-all",
        filter_backends=[],
        pagination_class=None,
    )
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read (of one `kind`, if given)."""
        body = ReadAllSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = notifications_mark_all_read(
            user=request_user(request), kind=body.validated_data.get("kind", "")
        )
        return Response({"marked_read": count}, status=status.HTTP_200_OK)
