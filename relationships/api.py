"""REST endpoints for contacts, interactions and coverage gaps (thin: gatekeeper,
serializer, service). Forbidden objects answer 404; visible but not allowed, 403."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Account
from accounts.record_api import AccountRecordViewSet
from accounts.selectors import account_get_for_user
from kam.api import Conflict, FilterSet, IdFilter, IntegerFilter
from kam.types import User, request_user
from kam.versioning import VersionedViewMixin
from relationships import rules, selectors, services
from relationships.models import (
    Attitude,
    BuyingRole,
    Contact,
    ContactInfluence,
    Influence,
    Interaction,
)
from relationships.serializers import (
    ContactInfluenceSerializer,
    ContactSerializer,
    CoverageGapSerializer,
    InteractionSerializer,
)


def _as_of(request: Request) -> date:
    """`?as_of=YYYY-MM-DD` when given (to replay a past day), else today."""
    raw = request.query_params.get("as_of")
    if raw is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError(
            {"as_of": [_('"%(value)s" is not a date; use YYYY-MM-DD.') % {"value": raw}]}
        ) from error


class ContactFilter(FilterSet):
    account = IdFilter(field_name="account")
    role = django_filters.ChoiceFilter(
        choices=BuyingRole.choices, method="filter_role", label=gettext_lazy("Buying role")
    )
    influence = django_filters.MultipleChoiceFilter(choices=Influence.choices)
    attitude = django_filters.MultipleChoiceFilter(choices=Attitude.choices)
    is_active = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label=gettext_lazy("Overdue"))
    primary_contact = django_filters.CharFilter(field_name="primary_contact__username")

    class Meta:
        model = Contact
        fields = ["account", "role", "influence", "attitude", "is_active", "overdue"]

    def filter_role(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return queryset.filter(**selectors.role_filter(value))


class ContactViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Contact],
):
    """`contacts/`: everyone who can see the account reads its contacts; only the account's
    owner adds or changes them. People who leave are marked `is_active: false` (no delete:
    they stay in the history). `?as_of=` judges `is_overdue` on another day. PUT/PATCH take
    the version edited (If-Match or `version`, kam/versioning.py)."""

    serializer_class = ContactSerializer
    # A PUT/PATCH naming another account (409), a stale version (409), a stale If-Match (412).
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}
    version_field_aliases = {
        "is_economic_buyer": "roles",
        "is_user_buyer": "roles",
        "is_technical_buyer": "roles",
        "is_coach": "roles",
    }
    permission_classes = [IsAuthenticated]
    filterset_class = ContactFilter
    search_fields = ["name", "title"]
    ordering_fields = ["name", "influence", "relationship_strength", "last_interaction_on"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Contact]:
        return selectors.contacts_visible_to(user=self.request.user, as_of=_as_of(self.request))

    def _fresh(self, contact: Contact) -> Contact:
        return selectors.contact_get_for_user(
            user=self.request.user, contact_id=contact.pk, as_of=_as_of(self.request)
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ContactSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        user = request_user(request)
        account = account_get_for_user(
            user=user, account_id=serializer.validated_data["account_id"]
        )
        contact = services.contact_create(
            account=account, created_by=user, **serializer.service_fields()
        )
        return Response(
            self.get_serializer(self._fresh(contact)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        contact = self.get_object()
        # asked before the body is read: a refusal comes before the body's errors
        if not rules.can_edit_contact(user, contact):
            raise PermissionDenied(rules.CONTACT_CHANGE_REFUSED)
        serializer = ContactSerializer(
            contact,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        moved = serializer.validated_data.get("account_id", contact.account_id)
        if moved != contact.account_id:
            raise Conflict(
                {
                    "account": [
                        _(
                            "A contact stays with its account; add the person to the other "
                            "account instead."
                        )
                    ]
                }
            )
        contact = services.contact_update(
            contact=contact,
            updated_by=user,
            version=self.edited_version(contact),
            **serializer.service_fields(),
        )
        return Response(self.get_serializer(self._fresh(contact)).data)


class InteractionFilter(FilterSet):
    account = IdFilter(field_name="account")
    contact = IdFilter(field_name="contacts", label="Contact id")
    user = django_filters.CharFilter(field_name="user__username")
    date = django_filters.DateFromToRangeFilter()
    channel = django_filters.CharFilter()

    class Meta:
        model = Interaction
        fields = ["account", "contact", "user", "date", "channel"]


class InteractionViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Interaction],
):
    """`interactions/`: readers of the account read them; the owner and team members log
    them (`date_after` / `date_before` filter by date). Who logged one corrects (PUT/PATCH,
    with the version edited: If-Match or `version`) or deletes it; its history keeps every
    change. An interaction stays with its account (409)."""

    serializer_class = InteractionSerializer
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}
    permission_classes = [IsAuthenticated]
    filterset_class = InteractionFilter
    search_fields = ["summary"]
    ordering_fields = ["date"]
    ordering = ["-date", "-id"]

    def get_queryset(self) -> QuerySet[Interaction]:
        return selectors.interactions_visible_to(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request_user(request)
        account = account_get_for_user(user=user, account_id=data["account_id"])
        interaction = services.interaction_log(
            account=account,
            logged_by=user,
            user=data.get("user", user),
            date=data["date"],
            channel=data["channel"],
            summary=data["summary"],
            contacts=data["contacts"],
        )
        fresh = selectors.interaction_get_for_user(user=user, interaction_id=interaction.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        interaction = self.get_object()
        if not rules.can_change_interaction(user, interaction):
            raise PermissionDenied(rules.INTERACTION_CHANGE_REFUSED)
        serializer = self.get_serializer(
            interaction, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        moved = data.pop("account_id", interaction.account_id)
        if moved != interaction.account_id:
            raise Conflict({"account": [_("An interaction stays with its account.")]})
        interaction = services.interaction_update(
            interaction=interaction,
            updated_by=user,
            version=self.edited_version(interaction),
            **data,
        )
        fresh = selectors.interaction_get_for_user(user=user, interaction_id=interaction.pk)
        return Response(self.get_serializer(fresh).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        interaction = self.get_object()
        if not rules.can_change_interaction(user, interaction):
            raise PermissionDenied(rules.INTERACTION_CHANGE_REFUSED)
        services.interaction_delete(interaction=interaction, deleted_by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoverageGapsView(APIView):
    """`accounts/{id}/coverage-gaps/`: the account's relationship coverage gaps, each with
    what to do in plain words (`contact` is the contact id, or null for account-wide gaps)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=CoverageGapSerializer(many=True),
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Judge on this day.")],
    )
    def get(self, request: Request, account_pk: int) -> Response:
        account = account_get_for_user(user=request.user, account_id=account_pk)
        gaps = selectors.coverage_gaps_for_account(account=account, as_of=_as_of(request))
        return Response(CoverageGapSerializer(gaps, many=True).data)


class ContactInfluenceFilter(FilterSet):
    account = IdFilter(field_name="account")
    # a whole id: 0.5 answers 400, as the schema's integer says
    contact = IntegerFilter(method="filter_contact", label="Contact id (as source or target)")

    class Meta:
        model = ContactInfluence
        fields = ["account", "contact"]

    def filter_contact(
        self, queryset: QuerySet[ContactInfluence], name: str, value: int
    ) -> QuerySet[ContactInfluence]:
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


class ContactInfluenceViewSet(VersionedViewMixin, AccountRecordViewSet[ContactInfluence]):
    """`contact-influences/`: "source influences target" between two people of the same
    account, beyond the reporting line. Everyone who can see the account reads them; only
    its owner draws, changes or removes them (like contacts). PUT/PATCH take the version
    edited (If-Match or `version`); a line cannot move to another account (409)."""

    serializer_class = ContactInfluenceSerializer
    filterset_class = ContactInfluenceFilter
    ordering_fields = ["strength", "id"]
    ordering = ["id"]
    schema_conflicts = {"update": ["409", "412"], "partial_update": ["409", "412"]}
    write_refusal = rules.CONTACT_CHANGE_REFUSED

    def get_queryset(self) -> QuerySet[ContactInfluence]:
        return selectors.influences_visible_to(user=self.request.user)

    def create_allowed(self, user: User, account: Account) -> bool:
        return rules.can_add_contact(user, account)

    def change_allowed(self, user: User, record: ContactInfluence) -> bool:
        return rules.can_add_contact(user, record.account)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ContactInfluenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = self._account_for_create(dict(serializer.validated_data))
        influence = services.influence_create(
            account=account, created_by=self.acting_user, **serializer.service_fields()
        )
        return self._created(influence)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        influence = self.get_object()
        serializer = ContactInfluenceSerializer(
            influence, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        moved = serializer.validated_data.get("account_id", influence.account_id)
        if moved != influence.account_id:
            raise Conflict({"account": [_("A line of influence stays with its account.")]})
        influence = services.influence_update(
            influence=influence,
            updated_by=self.acting_user,
            version=self.edited_version(influence),
            **serializer.service_fields(),
        )
        fresh = self.get_queryset().get(pk=influence.pk)
        return Response(self.get_serializer(fresh).data)

    def perform_destroy(self, instance: ContactInfluence) -> None:
        services.influence_delete(influence=instance, deleted_by=self.acting_user)
