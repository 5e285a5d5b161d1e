"""Analysis runs (a small state machine), their per-account snapshots and the parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeAlias

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kam.audit import audit_history
from kam.versioning import VersionedModel


def _weight(default: int, help_text: StrOrPromise) -> models.DecimalField[Any, Decimal]:
    return models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=help_text,
    )


def _days(default: int, help_text: StrOrPromise) -> models.PositiveSmallIntegerField[Any, int]:
    return models.PositiveSmallIntegerField(
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text=help_text,
    )


class AnalysisParameters(VersionedModel):
    """The analysis parameters of DOMAIN.md; one row (pk=1), every change kept in history."""

    discount_rate = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.1000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Yearly discount rate d for lifetime value (0.10 = 10 %)."),
    )
    horizon_years = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Years H summed in lifetime value."),
    )
    base_retention = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.9000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Yearly retention of an account with no churn signal (0-1)."),
    )
    acquisition_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("25000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Cost of winning one new small account."),
    )
    small_account_revenue = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "Typical revenue of a small account when no transactional account has revenue."
        ),
    )
    margin_target = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1000"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_("Net margin at or above which an account is profitable enough (0.10 = 10 %)."),
    )
    attractiveness_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Attractiveness (0-100) at or above which an account is attractive."),
    )
    # The churn signal table (DOMAIN.md "Churn signals"): weights, thresholds, at_risk_score.
    weight_recurring_problems = _weight(
        20, _("Churn score points (0-100) of the signal recurring problems.")
    )
    weight_satisfaction_decline = _weight(
        15, _("Churn score points (0-100) of the signal satisfaction declining.")
    )
    weight_key_influencer_neglected = _weight(
        15, _("Churn score points (0-100) of the signal key influencer neglected.")
    )
    weight_coverage_gap = _weight(10, _("Churn score points (0-100) of the signal coverage gap."))
    weight_revenue_decline = _weight(
        15, _("Churn score points (0-100) of the signal revenue declining.")
    )
    weight_competitor_activity = _weight(
        15, _("Churn score points (0-100) of the signal competitor activity.")
    )
    weight_ultimatum = _weight(
        25, _("Churn score points (0-100) of the signal ultimatum or broken promise.")
    )
    weight_litigation = _weight(40, _("Churn score points (0-100) of the signal litigation."))
    at_risk_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Churn score (0-100) from which an account counts as at churn risk."),
    )
    recurring_complaints = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Recurring problems: complaints of one category that fire the signal."),
    )
    recurring_days = _days(90, _("Recurring problems: the days up to the as-of date counted."))
    low_satisfaction_score = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("Satisfaction declining: a latest score (0-10) at or below this fires."),
    )
    satisfaction_drop = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("Satisfaction declining: a fall of at least this many points fires."),
    )
    neglect_factor = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Key influencer neglected: last contact older than this × the desired "
            "contact frequency."
        ),
    )
    revenue_decline_ratio = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.9000"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("Revenue declining: TTM below this share of the year before fires."),
    )
    competitor_days = _days(180, _("Competitor activity: the days up to the as-of date counted."))
    ultimatum_days = _days(180, _("Ultimatum: the days up to the as-of date counted."))
    litigation_days = _days(365, _("Litigation: the days up to the as-of date counted."))
    updated_at = models.DateTimeField(auto_now=True)
    history = audit_history()

    class Meta:
        verbose_name_plural = _("analysis parameters")
        constraints = [
            models.CheckConstraint(condition=Q(discount_rate__gte=0), name="param_discount_ge_0"),
            models.CheckConstraint(condition=Q(horizon_years__gte=1), name="param_horizon_ge_1"),
            models.CheckConstraint(
                condition=Q(base_retention__gte=0) & Q(base_retention__lte=1),
                name="param_retention_0_1",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Analysis parameters")


class AnalysisRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        PAGE = "page", _("Ops page")
        API = "api", _("API")
        COMMAND = "command", _("Command line")

    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parameters = models.JSONField(default=dict, help_text=_("The parameters the run used."))
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done."))
    progress_message = models.CharField(max_length=200, blank=True)
    accounts_analysed = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    cost_by_activity_type = models.JSONField(
        default=list, blank=True, help_text=_("Cost-to-serve Pareto of the run's window.")
    )

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-as_of"], name="run_status_asof_idx"),
            models.Index(fields=["-queued_at"], name="run_queued_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="run_status_valid",
            ),
            # At most one run per as-of date is waiting or running at any time.
            models.UniqueConstraint(
                fields=["as_of"],
                condition=Q(status__in=["queued", "running"]),
                name="run_one_active_per_as_of",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} as of {self.as_of} ({self.status})"

    @property
    def at_risk_score_used(self) -> str:
        """The at_risk_score this run scored with, as people read it ("25", "27.5"); DOMAIN.md's
        default 25 for a run stored before the parameter existed."""
        return f"{float(self.parameters.get('at_risk_score', 25)):g}"

    @property
    def progress_message_display(self) -> str:
        """The progress message in the reader's language (the run stores the English words
        of portfolio.services, marked there for translation)."""
        return gettext(self.progress_message) if self.progress_message else ""

    @property
    def error_display(self) -> str:
        """The error in the reader's language when it is one of the product's own (the
        sweep's); an exception's text stays as it was raised."""
        return gettext(self.error) if self.error else ""

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or self.heartbeat_at
        return None if end is None else (end - self.started_at).total_seconds()


# The type of a decimal field of the snapshot (what it accepts, what it reads as).
SnapshotDecimal: TypeAlias = "models.DecimalField[str | float | Decimal | Combinable, Decimal]"


def _money(verbose_name: StrOrPromise) -> SnapshotDecimal:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, default=Decimal("0"))


def _ratio(verbose_name: StrOrPromise) -> SnapshotDecimal:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=6, default=Decimal("0"))


class Segment(models.TextChoices):
    INVEST = "invest", _("Invest")
    DEVELOP = "develop", _("Develop")
    MAINTAIN = "maintain", _("Maintain")
    REASSESS = "reassess", _("Reassess")


class AccountSnapshot(models.Model):
    """One account's figures in one run (DOMAIN.md 'Portfolio analysis: definitions')."""

    # No index of their own: the unique (run, account) index serves lookups by run, the
    # (account, run) index lookups by account. No database foreign keys either: a run
    # writes 10,000 snapshots at once, and checking each row's two keys at commit cost
    # more than a tenth of the run. The run's writer keeps them true instead: it takes a
    # key-share lock on the accounts it writes for and skips accounts deleted since it
    # read them; its run exists (its status UPDATE comes first, and nothing in the product
    # deletes runs)
    # (services.analysis_run_execute); deletions cascade in the ORM, an account's after
    # accounts.services.account_delete has waited for such a writer.
    run = models.ForeignKey(
        AnalysisRun,
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_index=False,
        db_constraint=False,
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_index=False,
        db_constraint=False,
    )
    revenue_y1 = _money(_("Revenue Y1"))
    revenue_y2 = _money(_("Revenue Y2"))
    revenue_ttm = _money(_("Revenue TTM"))
    revenue_3y = _money(_("Revenue, three years"))
    growth_rate = _ratio(_("Growth rate"))
    forecast_2y = _money(_("Forecast, two years"))
    gross_margin_ttm = _money(_("Gross margin TTM"))
    cost_to_serve_ttm = _money(_("Cost to serve TTM"))
    net_profit_ttm = _money(_("Net profit TTM"))
    retention_investment_ttm = _money(_("Retention investment TTM"))
    value_delivered_ttm = _money(_("Value delivered TTM"))
    value_received_ttm = _money(_("Value received TTM"))
    value_ratio = models.DecimalField(
        _("Value ratio (delivered / received)"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
    )
    margin = _ratio(_("Net margin"))
    churn_score = models.PositiveSmallIntegerField(_("Churn score"), default=0)
    churn_stage = models.PositiveSmallIntegerField(_("Churn stage"), default=0)
    # DOMAIN.md: churn_score ≥ the run's at_risk_score; the one "at churn risk" number.
    at_risk = models.BooleanField(_("At churn risk"), default=False)
    retention = _ratio(_("Retention"))
    ltv = _money(_("Lifetime value"))
    replacement_customers = models.PositiveIntegerField(_("Replacement customers"), default=0)
    replacement_cost = _money(_("Replacement cost"))
    attractiveness = models.DecimalField(
        _("Attractiveness (0-100)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    segment = models.CharField(_("Segment"), max_length=10, choices=Segment.choices)
    signals = models.JSONField(default=list, blank=True)
    # The Y3 cost to serve split by activity type: {code: cost in currency units (2 dp)},
    # types with no cost left out. The dashboard sums it over any filtered set of accounts.
    cost_by_activity_type = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["account_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="snapshot_one_per_account"),
        ]
        indexes = [
            models.Index(fields=["account", "run"], name="snapshot_account_run_idx"),
            # The dashboard's capped lists: largest revenue, creators/drainers, churn risk.
            models.Index(fields=["run", "-revenue_ttm"], name="snapshot_run_revenue_idx"),
            models.Index(fields=["run", "net_profit_ttm"], name="snapshot_run_profit_idx"),
            # The churn-risk list: the at-risk accounts by revenue at risk.
            models.Index(
                fields=["run", "-revenue_ttm"],
                condition=Q(at_risk=True),
                name="snapshot_run_at_risk_idx",
            ),
            models.Index(
                models.F("run"),
                (models.F("value_delivered_ttm") + models.F("value_received_ttm")).desc(),
                name="snapshot_run_exchange_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in run {self.run_id}"


# The per-account figures, in the order exports and the API show them (DOMAIN.md names).
SNAPSHOT_FIGURES = [
    "revenue_ttm",
    "revenue_3y",
    "revenue_y1",
    "revenue_y2",
    "growth_rate",
    "forecast_2y",
    "gross_margin_ttm",
    "cost_to_serve_ttm",
    "net_profit_ttm",
    "retention_investment_ttm",
    "value_delivered_ttm",
    "value_received_ttm",
    "value_ratio",
    "margin",
    "churn_score",
    "churn_stage",
    "at_risk",
    "retention",
    "ltv",
    "replacement_customers",
    "replacement_cost",
    "attractiveness",
    "segment",
]
