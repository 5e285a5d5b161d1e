from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relationships.models import Contact, ContactGoal, Interaction


class ContactGoalInline(admin.TabularInline):
    model = ContactGoal
    extra = 0
    max_num = 3


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "account", "influence", "attitude", "is_active"]
    list_filter = ["influence", "attitude", "is_economic_buyer", "is_coach", "is_active"]
    search_fields = ["name", "title", "account__name"]
    raw_id_fields = ["account", "reports_to", "primary_contact"]
    inlines = [ContactGoalInline]


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "account", "user", "channel"]
    list_filter = ["channel"]
    search_fields = ["summary", "account__name"]
    raw_id_fields = ["account", "user", "contacts"]
    date_hierarchy = "date"
