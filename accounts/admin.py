from __future__ import annotations

from django.contrib import admin

from accounts.models import Account, AccountLocation, KnowledgeEntry, TeamMember


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
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "designation", "owner", "region", "industry"]
    list_filter = ["designation", "region"]
    search_fields = ["name", "external_id"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [TeamMemberInline, LocationInline, KnowledgeInline]
