"""What a person must act on or know: one row per recipient, created by the service that made
it happen, inside that service's transaction (a rolled-back action leaves none)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted for approval")
    PLAN_RETURNED = "plan_returned", _("Plan returned for rework")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    DESIGNATION_REQUESTED = "designation_requested", _("Designation change requested")
    DESIGNATION_DECIDED = "designation_decided", _("Designation request decided")
    TEAM_MEMBER_ADDED = "team_member_added", _("Added to an account team")
    CHURN_STAGE_RISEN = "churn_stage_risen", _("Churn stage risen")
    ACTION_OVERDUE = "action_overdue", _("Plan action overdue")
    VALUE_UNCONFIRMED = "value_unconfirmed", _("Value entry not confirmed")
    IMPORT_FAILED = "import_failed", _("Import failed")
    ANALYSIS_FAILED = "analysis_failed", _("Analysis run failed")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("No e-mail")


class EmailStatus(models.TextChoices):
    NONE = "none", _("Not e-mailed")  # the preference is off, or the user has no address
    PENDING = "pending", _("Queued")  # sent at once by a task after the commit
    # claimed by one task, which is sending it: a redelivered task finds nothing to send
    SENDING = "sending", _("Being sent")
    DIGEST = "digest", _("Waiting for the digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set for what is said once only (an overdue action, a failed run): one row per user and key.
    once_key = models.CharField(max_length=120, blank=True, default="")
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_new_idx"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(
                fields=["email_status", "created_at"],
                condition=Q(email_status="digest"),
                name="notification_digest_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "once_key"],
                condition=~Q(once_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(email_status__in=EmailStatus.values),
                name="notification_email_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.message}"


class NotificationPreference(models.Model):
    """How a user wants one kind e-mailed; no row means at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        ordering = ["user_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_pref_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_pref_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.delivery}"
