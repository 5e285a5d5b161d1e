"""Endpoints that belong to no app. (Kept out of kam/api.py, which the DRF settings import.)"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from kam.roles import user_roles


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "username": serializers.CharField(),
            "roles": serializers.ListField(child=serializers.CharField()),
            "is_superuser": serializers.BooleanField(),
        },
    )
)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the caller is and which roles they hold (scripts check their token with it)."""
    user = request.user
    return Response(
        {
            "username": user.get_username(),
            "roles": sorted(user_roles(user)),
            "is_superuser": user.is_superuser,
        }
    )
