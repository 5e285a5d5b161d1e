"""Selection governance (key 3) and the steering committee's review log."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models.account import Account, Designation
from kam.audit import audit_history
from kam.versioning import VersionedModel


class SelectionCriterion(VersionedModel):
    """A weighted criterion the steering committee scores accounts on (weights > 0)."""

    name = models.CharField(
        max_length=100,
        unique=True,
        error_messages={"unique": _("A criterion with this name already exists.")},
    )
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("The weight must be greater than 0."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CriterionScore(VersionedModel):
    """An account's score 1-5 on one criterion, with the reason for it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="criterion_scores")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rationale = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "criterion"], name="criterion_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="criterion_score_1_5",
                violation_error_message=_("The score must be between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.criterion}: {self.score}"


class QualifyingAnswers(models.Model):
    """The qualifying questions of the book, answered once per account (and kept up to date)."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="qualifying_answers"
    )
    type_of_work_fit = models.TextField(
        blank=True,
        help_text=_("What kind of work do they want, and does it fit what we do well?"),
    )
    budget = models.TextField(
        blank=True, help_text=_("Is there a budget, how large, who holds it?")
    )
    decision_criteria = models.TextField(blank=True, help_text=_("How will they decide?"))
    competitors = models.TextField(blank=True, help_text=_("Who else competes for the business?"))
    reason_for_buying = models.TextField(blank=True, help_text=_("Why are they buying at all?"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        verbose_name_plural = "qualifying answers"

    def __str__(self) -> str:
        return f"Qualifying answers · {self.account}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Translators: a designation request's status
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ExitLoss(models.TextChoices):
    """The question asked when an account is moved to exit: was it lost? (DOMAIN.md)"""

    RIVAL = "rival", _("Yes: lost to a rival")
    STOPPED = "stopped", _("Yes: the customer stopped buying")
    NOT_LOST = "not_lost", _("No: we chose to exit the account")


class DesignationRequest(models.Model):
    """The owner asks to move an account to another designation; an executive decides."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="designation_requests"
    )
    from_designation = models.CharField(max_length=20, choices=Designation.choices)
    to_designation = models.CharField(max_length=20, choices=Designation.choices)
    reason = models.TextField()
    # Asked of a move to exit only (blank otherwise); an approved "lost" answer records an
    # account_lost event, the outcome the churn backtest reads.
    exit_loss = models.CharField(max_length=10, choices=ExitLoss.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="designation_req_status_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="pending"),
                name="designation_request_one_pending",
                violation_error_message=_(
                    "This account already has a pending designation request."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(to_designation=F("from_designation")),
                name="designation_request_changes",
                violation_error_message=_("Ask for a designation other than the current one."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="designation_request_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.from_designation} → {self.to_designation}"


class ReviewMeeting(models.Model):
    """A steering-committee meeting: who was there, which accounts, what was decided."""

    date = models.DateField()
    title = models.CharField(max_length=200, default="Steering committee")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="review_meetings")
    accounts = models.ManyToManyField(Account, related_name="review_meetings")
    decisions = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"], name="review_meeting_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} {self.date}"
