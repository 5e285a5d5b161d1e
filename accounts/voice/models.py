"""Voice of the customer (key 2): assessments, complaints and account events.

The nightly portfolio analysis reads these tables for its churn signals
(`recurring_problems`, `satisfaction_decline`, `competitor_activity`, `ultimatum`,
`litigation`), so the names and kinds below follow CONTRACT.md exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models.account import Account
from kam.audit import audit_history
from kam.versioning import VersionedModel

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


class AssessmentKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("Third-party assessment")
    SURVEY = "survey", _("Satisfaction survey")
    BUSINESS_REVIEW = "business_review", _("Business review")


class Assessment(VersionedModel):
    """How the customer rates us on a date: an overall score 0-10 and per-dimension detail."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    date = models.DateField()
    score = models.DecimalField(max_digits=3, decimal_places=1, validators=SCORE_VALIDATORS)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["account", "date"], name="assessment_account_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10),
                name="assessment_score_0_10",
                violation_error_message=_("The score must be between 0 and 10."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.kind} {self.date}"


STANDARD_DIMENSIONS = ("Service quality", "Relationship quality")


class AssessmentDimension(models.Model):
    """The customer's expectation against our performance on one dimension (both 0-10)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=100)
    expectation = models.DecimalField(max_digits=3, decimal_places=1, validators=SCORE_VALIDATORS)
    performance = models.DecimalField(max_digits=3, decimal_places=1, validators=SCORE_VALIDATORS)

    history = audit_history()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "name"],
                name="assessment_dimension_unique",
                violation_error_message=_("Each dimension appears once per assessment."),
            ),
            models.CheckConstraint(
                condition=Q(expectation__gte=0)
                & Q(expectation__lte=10)
                & Q(performance__gte=0)
                & Q(performance__lte=10),
                name="assessment_dimension_0_10",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def gap(self) -> object:
        """Performance minus expectation: negative means we fall short."""
        return self.performance - self.expectation


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Complaint(VersionedModel):
    """One complaint; `category` is stored lower-case so recurring problems group reliably."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="complaints")
    category = models.CharField(max_length=100)
    severity = models.CharField(max_length=20, choices=Severity.choices, default=Severity.MEDIUM)
    opened_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["account", "opened_on"], name="complaint_account_opened_idx"),
            models.Index(
                fields=["account", "category", "opened_on"], name="complaint_category_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("opened_on")),
                name="complaint_resolved_after_opened",
                violation_error_message=_("A complaint cannot be resolved before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="complaint_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.opened_on})"


class EventKind(models.TextChoices):
    COMPETITOR_EVALUATION = "competitor_evaluation", _("Competitor evaluation")
    RFP_ISSUED = "rfp_issued", _("RFP issued")
    PERFORMANCE_STANDARDS = "performance_standards", _("Performance standards imposed")
    ULTIMATUM = "ultimatum", _("Ultimatum")
    BROKEN_COMMITMENT = "broken_commitment", _("Broken commitment")
    LITIGATION = "litigation", _("Litigation")
    KEY_CONTACT_LEFT = "key_contact_left", _("Key contact left")
    # The outcome the churn score tries to foresee (DOMAIN.md "Backtest").
    ACCOUNT_LOST = "account_lost", _("Account lost (stopped buying or moved to a rival)")
    OTHER = "other", _("Other")


class AccountEvent(VersionedModel):
    """Something that happened at the account and matters for churn (the defection cycle)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    date = models.DateField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "date"], name="event_account_date_idx"),
            models.Index(fields=["kind", "date"], name="event_kind_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.date})"
