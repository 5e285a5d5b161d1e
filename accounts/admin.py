"""The admin: accounts with their team, locations and knowledge inline; competency and pay.

What the admin writes under an account raises its data version as the services do
(`account_data_changed`); deletions go through `account_delete`; a renamed user raises the
accounts whose pages name them (`user_shown_changed`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    Account,
    AccountLocation,
    CompetencyAssessment,
    KnowledgeEntry,
    PayMix,
    TeamMember,
)
from accounts.rules import can_edit_account
from accounts.services import account_data_changed, account_delete, user_shown_changed
from kam.types import User

# The user fields an account page shows (its owner, team, plan actions, contacts).
USER_SHOWN_FIELDS = frozenset({"username", "first_name", "last_name", "email"})


class TeamMemberInline(admin.TabularInline[TeamMember, Account]):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]


class LocationInline(admin.TabularInline[AccountLocation, Account]):
    model = AccountLocation
    extra = 0


class KnowledgeInline(admin.StackedInline[KnowledgeEntry, Account]):
    model = KnowledgeEntry
    extra = 0
    exclude = ["updated_by"]


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]  # simple-history's admin is untyped
    list_display = ["name", "external_id", "designation", "owner", "region", "industry"]
    list_filter = ["designation", "region"]
    search_fields = ["name", "external_id"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [TeamMemberInline, LocationInline, KnowledgeInline]

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        if obj is not None and not can_edit_account(request.user, obj):
            return False
        return bool(super().has_delete_permission(request, obj))

    def save_related(
        self, request: HttpRequest, form: ModelForm[Account], formsets: Any, change: bool
    ) -> None:
        """The account and its inlines are saved: raise the page's data version once."""
        super().save_related(request, form, formsets, change)
        if change or any(_formset_changed(formset) for formset in formsets):
            account_data_changed(account_ids=[form.instance.pk])

    def delete_model(self, request: HttpRequest, obj: Account) -> None:
        account_delete(account=obj, deleted_by=_admin_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        with transaction.atomic():  # all the selected accounts, or none
            for account in queryset:
                account_delete(account=account, deleted_by=_admin_user(request))


def _formset_changed(formset: BaseInlineFormSet[Any, Any, Any]) -> bool:
    return bool(formset.new_objects or formset.changed_objects or formset.deleted_objects)


def _admin_user(request: HttpRequest) -> User:
    """The admin's user (the admin site lets only signed-in staff in)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin site has signed the user in
    return user


@admin.register(CompetencyAssessment)
class CompetencyAssessmentAdmin(admin.ModelAdmin[CompetencyAssessment]):
    list_display = ["manager", "assessed_on", "assessed_by", "initiative", "coaching_others"]
    list_filter = ["assessed_on"]
    search_fields = ["manager__username"]
    list_select_related = ["manager", "assessed_by"]
    autocomplete_fields = ["manager", "assessed_by"]


@admin.register(PayMix)
class PayMixAdmin(admin.ModelAdmin[PayMix]):
    list_display = ["manager", "effective_from", "salary", "bonus", "recorded_by"]
    search_fields = ["manager__username"]
    list_select_related = ["manager", "recorded_by"]
    autocomplete_fields = ["manager", "recorded_by"]


admin.site.unregister(User)


@admin.register(User)
class KamUserAdmin(UserAdmin[User]):
    """Django's user admin; a changed name shows on the pages of the accounts naming them."""

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and USER_SHOWN_FIELDS & set(form.changed_data):
            user_shown_changed(user=obj)
