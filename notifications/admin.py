from __future__ import annotations

from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "user", "kind", "message", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    raw_id_fields = ["user"]
