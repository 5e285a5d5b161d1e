"""The base of the API viewsets of an account's records (revenue, activities, the value
ledger, complaints, events, assessments…).

- Create resolves the account through the gatekeeper (404 when the caller cannot see it),
  then asks `create_allowed` (403 when they may not write under it).
- A change or a deletion asks `change_allowed` of the record (403) before the body is read.
- A record's account cannot change (409).
Both questions default to yes: the services enforce the feature's `can_*` rules anyway, and a
viewset whose refusal should come before the body's errors answers them with the same
predicates."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import Account
from accounts.selectors import account_get_for_user
from kam.api import Conflict
from kam.types import User, request_user
from kam.versioning import without_version

RecordT = TypeVar("RecordT", bound=models.Model)


class AccountRecordViewSet(viewsets.ModelViewSet[RecordT]):
    # A PUT/PATCH naming another account (kam/schema.py documents it).
    schema_conflicts: ClassVar[dict[str, list[str]]] = {
        "update": ["409"],
        "partial_update": ["409"],
    }
    permission_classes = [IsAuthenticated]
    write_refusal: StrOrPromise = gettext_lazy("You may not change this account's records.")

    def create_allowed(self, user: User, account: Account) -> bool:
        return True

    def change_allowed(self, user: User, record: RecordT) -> bool:
        return True

    @property
    def acting_user(self) -> User:
        """The signed-in caller (401 otherwise)."""
        return request_user(self.request)

    def _account_for_create(self, data: dict[str, Any]) -> Account:
        """The account named by `account` (popped from `data`), visible and writable."""
        user = self.acting_user
        account = account_get_for_user(user=user, account_id=data.pop("account_id"))
        if not self.create_allowed(user, account):
            raise PermissionDenied(self.write_refusal)
        return account

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS and not self.change_allowed(self.acting_user, obj):
            raise PermissionDenied(self.write_refusal)

    def _fields_for_update(self, serializer: BaseSerializer[RecordT]) -> dict[str, Any]:
        """The validated fields minus `account` (which may not change) and `version`."""
        data = without_version(serializer.validated_data)
        account_id = data.pop("account_id", None)
        instance = serializer.instance
        if account_id is not None and account_id != getattr(instance, "account_id", None):
            raise Conflict({"account": [_("A record cannot move to another account.")]})
        return data

    def _created(self, instance: RecordT) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
