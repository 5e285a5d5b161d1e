"""The admin of contacts, lines of influence and interactions. A change there shows on the
account 360 page like any other: each save or deletion raises the data version of the
accounts it touched."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.services import account_data_changed
from relationships.models import Contact, ContactGoal, ContactInfluence, Interaction

RecordT = TypeVar("RecordT", bound=Contact | Interaction | ContactInfluence)


class ContactGoalInline(admin.TabularInline[ContactGoal, Contact]):
    model = ContactGoal
    extra = 0
    max_num = 3


class _BumpsAccountData(SimpleHistoryAdmin[RecordT]):
    """After a save (with its inlines and many-to-many links) or a deletion, raise the data
    version of the record's account."""

    def save_related(
        self, request: HttpRequest, form: BaseModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        account_data_changed(account_ids=[form.instance.account_id])

    def delete_model(self, request: HttpRequest, obj: RecordT) -> None:
        account_id = obj.account_id
        super().delete_model(request, obj)
        account_data_changed(account_ids=[account_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RecordT]) -> None:
        account_ids = list(queryset.values_list("account_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        account_data_changed(account_ids=account_ids)


@admin.register(Contact)
class ContactAdmin(_BumpsAccountData[Contact]):
    list_display = ["name", "title", "account", "influence", "attitude", "is_active"]
    list_filter = ["influence", "attitude", "is_economic_buyer", "is_coach", "is_active"]
    search_fields = ["name", "title", "account__name"]
    raw_id_fields = ["account", "reports_to", "primary_contact"]
    inlines = [ContactGoalInline]


@admin.register(Interaction)
class InteractionAdmin(_BumpsAccountData[Interaction]):
    list_display = ["date", "account", "user", "channel"]
    list_filter = ["channel"]
    search_fields = ["summary", "account__name"]
    raw_id_fields = ["account", "user", "contacts"]
    date_hierarchy = "date"


@admin.register(ContactInfluence)
class ContactInfluenceAdmin(_BumpsAccountData[ContactInfluence]):
    list_display = ["source", "target", "strength", "account"]
    search_fields = ["source__name", "target__name", "account__name"]
    raw_id_fields = ["account", "source", "target"]
