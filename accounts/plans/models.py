"""Account plans (key 4's repeatable process): the four steps, objectives and actions.

Every change to a plan, an objective or an action is kept by django-simple-history, so
anyone who can read the plan can browse who changed what and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models.account import Account
from kam.audit import audit_history


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    # Translators: a plan's status
    APPROVED = "approved", _("Approved")


class AccountPlan(models.Model):
    """One plan per account and period; `version` grows by one on every save (optimistic lock)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(
        max_length=20, help_text=_('A label for the period, e.g. "2027" or "2027 H1".')
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    vision = models.TextField(blank=True, help_text=_("Where we want to be with this customer."))
    value_proposition = models.TextField(
        blank=True, help_text=_("The value we bring that the customer's business cares about.")
    )
    situation = models.TextField(blank=True, help_text=_("Step 1 · situation assessment."))
    strategy = models.TextField(blank=True, help_text=_("Step 2 · strategy."))
    expansion = models.TextField(blank=True, help_text=_("Step 4 · plan to expand."))
    version = models.PositiveIntegerField(default=1)
    return_comment = models.TextField(
        blank=True, help_text=_("Why the steering committee returned the plan (last return).")
    )
    approval_comment = models.TextField(
        blank=True, help_text=_("What the steering committee said when it approved the plan.")
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = audit_history()

    class Meta:
        ordering = ["-period_start", "account__name", "id"]
        indexes = [
            models.Index(fields=["account", "-period_start"], name="plan_account_period_idx"),
            models.Index(fields=["status", "submitted_at"], name="plan_status_submitted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period"],
                name="plan_unique_account_period",
                violation_error_message=_("This account already has a plan for that period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_end_after_start",
                violation_error_message=_("The period must end on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.period}"


class PlanObjective(models.Model):
    """A measurable objective: a metric with its target and where it stands now."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="objectives")
    metric = models.CharField(max_length=200)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    current = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.metric


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanAction(models.Model):
    """Step 3 of the plan: who does what by when."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_actions"
    )
    due = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    history = audit_history()

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["status", "due"], name="plan_action_status_due_idx"),
            models.Index(fields=["owner", "status", "due"], name="plan_action_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="plan_action_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title
