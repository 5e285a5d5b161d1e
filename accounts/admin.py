from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
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
from accounts.services import account_delete


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]


class LocationInline(admin.TabularInline):
    model = AccountLocation
    extra = 0


class KnowledgeInline(admin.StackedInline):
    model = KnowledgeEntry
    extra = 0
    exclude = ["updated_by"]


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ["name", "external_id", "designation", "owner", "region", "industry"]
    list_filter = ["designation", "region"]
    search_fields = ["name", "external_id"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [TeamMemberInline, LocationInline, KnowledgeInline]

    def delete_model(self, request: HttpRequest, obj: Account) -> None:
        account_delete(account=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        with transaction.atomic():  # all the selected accounts, or none
            for account in queryset:
                account_delete(account=account)


@admin.register(CompetencyAssessment)
class CompetencyAssessmentAdmin(admin.ModelAdmin):
    list_display = ["manager", "assessed_on", "assessed_by", "initiative", "coaching_others"]
    list_filter = ["assessed_on"]
    search_fields = ["manager__username"]
    list_select_related = ["manager", "assessed_by"]
    autocomplete_fields = ["manager", "assessed_by"]


@admin.register(PayMix)
class PayMixAdmin(admin.ModelAdmin):
    list_display = ["manager", "effective_from", "salary", "bonus", "recorded_by"]
    search_fields = ["manager__username"]
    list_select_related = ["manager", "recorded_by"]
    autocomplete_fields = ["manager", "recorded_by"]
