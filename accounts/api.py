"""REST endpoints for accounts and account teams (thin: gatekeeper, serializer, service)."""

from __future__ import annotations

from typing import Any, TypeVar

import django_filters
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts import selectors, services
from accounts.models import Account, Designation, TeamMember
from accounts.rules import (
    ACCOUNT_CHANGE_REFUSED,
    ACCOUNT_CREATE_REFUSED,
    TEAM_CHANGE_REFUSED,
    can_change_team,
    can_create_account,
    can_edit_account,
)
from accounts.serializers import AccountSerializer, AccountUpdateSerializer, TeamMemberSerializer
from kam.api import Conflict, FilterSet
from kam.rules import require
from kam.types import request_user
from kam.versioning import VersionedViewMixin, without_version

ModelT = TypeVar("ModelT", bound=Model)


def instance_of(serializer: BaseSerializer[Any], model: type[ModelT]) -> ModelT:
    """The row an update's serializer was given (DRF's update found it, or answered 404)."""
    instance = serializer.instance
    if not isinstance(instance, model):
        raise Http404(_("No such %(what)s.") % {"what": model._meta.verbose_name})
    return instance


class AccountPermission(BasePermission):
    """Account managers create accounts (they own them); only the owner changes one."""

    message = ACCOUNT_CHANGE_REFUSED

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS or view.action != "create":
            return True
        if can_create_account(request.user):
            return True
        self.message = ACCOUNT_CREATE_REFUSED
        return False

    def has_object_permission(self, request: Request, view: Any, obj: Account) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return can_edit_account(request.user, obj)


class AccountFilter(FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username")
    designation = django_filters.MultipleChoiceFilter(choices=Designation.choices)
    region = django_filters.CharFilter(field_name="region", lookup_expr="iexact")
    industry = django_filters.CharFilter(field_name="industry", lookup_expr="iexact")

    class Meta:
        model = Account
        fields = ["owner", "designation", "region", "industry", "external_id"]


class AccountViewSet(VersionedViewMixin, viewsets.ModelViewSet[Account]):
    """PUT/PATCH take the version edited (If-Match or `version`, kam/versioning.py)."""

    serializer_class = AccountSerializer
    permission_classes = [IsAuthenticated, AccountPermission]
    filterset_class = AccountFilter
    search_fields = ["name", "external_id", "industry"]
    ordering_fields = [
        "name",
        "designation",
        "region",
        "industry",
        "updated_at",
        "continuum_position",
    ]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Account]:
        return selectors.accounts_visible_to(self.request.user)

    def get_serializer_class(self) -> type[AccountSerializer]:
        if self.action in ("update", "partial_update"):
            return AccountUpdateSerializer
        return AccountSerializer

    def perform_create(self, serializer: BaseSerializer[Account]) -> None:
        # A version names one the client edited: a new account has none to compare.
        serializer.instance = services.account_create(
            created_by=request_user(self.request), **without_version(serializer.validated_data)
        )

    def perform_update(self, serializer: BaseSerializer[Account]) -> None:
        account = instance_of(serializer, Account)
        serializer.instance = services.account_update(
            account=account,
            updated_by=request_user(self.request),
            version=self.edited_version(account),
            **without_version(serializer.validated_data),
        )

    def perform_destroy(self, instance: Account) -> None:
        services.account_delete(account=instance, deleted_by=request_user(self.request))


class TeamMemberViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[TeamMember],
):
    """`accounts/{id}/team/`: everyone who can see the account reads it; the owner changes it."""

    serializer_class = TeamMemberSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "user__username"
    lookup_url_kwarg = "username"
    pagination_class = None
    # Another person in a PUT/PATCH, or a stale `version` of the member a POST sets again
    # (kam/schema.py documents it).
    schema_conflicts = {"create": ["409"], "update": ["409"], "partial_update": ["409"]}

    def get_account(self) -> Account:
        account = selectors.account_get_for_user(
            user=self.request.user, account_id=self.kwargs["account_pk"]
        )
        if self.request.method not in SAFE_METHODS:
            # refused before the body is read; the services refuse as well
            require(can_change_team(self.request.user, account), TEAM_CHANGE_REFUSED)
        return account

    def get_queryset(self) -> QuerySet[TeamMember]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no account
            return TeamMember.objects.none()
        return selectors.account_team(account=self.get_account())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        account = self.get_account()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.team_member_set(
            account=account, set_by=request_user(request), **serializer.validated_data
        )
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer[TeamMember]) -> None:
        member = serializer.instance
        if member is None:
            raise Http404(_("No such team member."))
        data = serializer.validated_data
        if data.get("user", member.user) != member.user:
            raise Conflict({"user": [_("To change the person, remove them and add another.")]})
        serializer.instance = services.team_member_set(
            account=member.account,
            user=member.user,
            function=data.get("function", member.function),
            is_executive_sponsor=data.get("is_executive_sponsor", member.is_executive_sponsor),
            version=self.edited_version(member),
            set_by=request_user(self.request),
        )

    def perform_destroy(self, instance: TeamMember) -> None:
        services.team_member_remove(
            account=instance.account, user=instance.user, removed_by=request_user(self.request)
        )
