"""Money both ways (key 6): revenue and forecasts, activity-based cost to serve, the value
ledger, and the import batches that load them.

Money is Decimal(14, 2) in one base currency. Revenue and forecasts are dated by the first
day of their month (`period_start`); the database refuses any other day.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Account, AccountLocation
from kam.audit import audit_history
from kam.versioning import VersionedModel


def money_field(
    *, verbose_name: StrOrPromise | None = None, default: Decimal | int | None = None
) -> models.DecimalField[str | float | Decimal | Combinable, Decimal]:
    """A money amount: Decimal(14, 2) in the base currency."""
    if default is None:
        return models.DecimalField(verbose_name, max_digits=14, decimal_places=2)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=default)


def _require_first_of_month(value: object) -> None:
    day = getattr(value, "day", None)
    if day is not None and day != 1:
        raise ValidationError(_("Use the first day of a month, e.g. 2024-03-01."))


class RevenueRecord(models.Model):
    """Revenue and cost of goods of one account location in one calendar month."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="revenue_records", verbose_name=_("account")
    )
    location = models.ForeignKey(
        AccountLocation,
        on_delete=models.RESTRICT,
        related_name="revenue_records",
        verbose_name=_("location"),
    )
    period_start = models.DateField(
        validators=[_require_first_of_month],
        help_text=_("First day of the month."),
        verbose_name=_("period start"),
    )
    revenue = money_field(verbose_name=_("revenue"))
    cost_of_goods = money_field(default=0, verbose_name=_("cost of goods"))

    history = audit_history(single_rows=True)

    class Meta:
        verbose_name = _("revenue record")
        verbose_name_plural = _("revenue records")
        ordering = ["account", "period_start", "location"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "location", "period_start"],
                name="revenue_natural_key",
                violation_error_message=_("This location already has a record for this month."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="revenue_period_first_of_month"
            ),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="revenue_not_negative"),
            models.CheckConstraint(
                condition=Q(cost_of_goods__gte=0), name="revenue_cost_of_goods_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["period_start"], name="revenue_period_idx")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.location_id} {self.period_start:%Y-%m}"


class Forecast(models.Model):
    """Forecast revenue of an account for one calendar month."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="forecasts", verbose_name=_("account")
    )
    period_start = models.DateField(
        validators=[_require_first_of_month],
        help_text=_("First day of the month."),
        verbose_name=_("period start"),
    )
    revenue = money_field(verbose_name=_("revenue"))

    history = audit_history(single_rows=True)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["account", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start"],
                name="forecast_natural_key",
                violation_error_message=_("This account already has a forecast for this month."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="forecast_period_first_of_month"
            ),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="forecast_not_negative"),
        ]
        indexes = [models.Index(fields=["period_start"], name="forecast_period_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period_start:%Y-%m}"


class ActivityType(models.Model):
    """A costed service activity (the book's Boise case), kept by ops."""

    code = models.SlugField(
        max_length=40,
        unique=True,
        error_messages={"unique": _("Another activity type already uses this code.")},
        verbose_name=_("code"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    unit = models.CharField(
        max_length=40,
        help_text=_("What one unit of quantity is, e.g. hour."),
        verbose_name=_("unit"),
    )
    is_investment = models.BooleanField(
        default=False,
        help_text=_("An investment in the relationship (dedicated team, executive visits…)."),
        verbose_name=_("is investment"),
    )

    history = audit_history()

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ActivityRate(models.Model):
    """Unit cost of an activity type from `effective_from` until the next rate."""

    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.CASCADE,
        related_name="rates",
        verbose_name=_("activity type"),
    )
    effective_from = models.DateField(verbose_name=_("effective from"))
    unit_cost = money_field(verbose_name=_("unit cost"))

    history = audit_history()

    class Meta:
        verbose_name = _("activity rate")
        verbose_name_plural = _("activity rates")
        ordering = ["activity_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity_type", "effective_from"],
                name="activity_rate_natural_key",
                violation_error_message=_("This activity type already has a rate from this date."),
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="activity_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type_id} from {self.effective_from}"


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    REVENUE = "revenue", _("Revenue")
    FORECASTS = "forecasts", _("Forecasts")
    ACTIVITY_TYPES = "activity_types", _("Activity types")
    ACTIVITY_RATES = "activity_rates", _("Activity rates")
    ACTIVITIES = "activities", _("Service activities")
    COMPLAINTS = "complaints", _("Complaints")
    EVENTS = "events", _("Account events")
    CONTACTS = "contacts", _("Contacts (buying-influence maps)")
    INTERACTIONS = "interactions", _("Interactions")


# Kinds whose rows have no natural key: a file already loaded is refused by its content hash.
KINDS_WITHOUT_NATURAL_KEY = (
    ImportKind.ACTIVITIES,
    ImportKind.COMPLAINTS,
    ImportKind.EVENTS,
    ImportKind.INTERACTIONS,
)


class ImportBatch(models.Model):
    """One uploaded file of one kind, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=ImportKind.choices, verbose_name=_("kind"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name=_("file"))
    file_size = models.BigIntegerField(default=0, verbose_name=_("file size"))
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("sha256"))
    is_utf8 = models.BooleanField(
        default=True, help_text=_("Set when the file is hashed."), verbose_name=_("is utf8")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows total"))
    rows_done = models.PositiveIntegerField(
        default=0, help_text=_("Rows processed so far."), verbose_name=_("rows done")
    )
    rows_created = models.PositiveIntegerField(default=0, verbose_name=_("rows created"))
    rows_updated = models.PositiveIntegerField(default=0, verbose_name=_("rows updated"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    message = models.TextField(blank=True, verbose_name=_("message"))
    # The language the file was uploaded in: its messages are written in it (a worker has no
    # request to take it from). Empty: the default language.
    language = models.CharField(max_length=10, blank=True, default="", verbose_name=_("language"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="import_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="import_status_valid",
            ),
            # The database backs the "already loaded" refusal even when two uploads race.
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=Q(status="succeeded")
                & Q(kind__in=[k.value for k in KINDS_WITHOUT_NATURAL_KEY]),
                name="import_file_loaded_once",
            ),
        ]
        indexes = [models.Index(fields=["kind", "-created_at"], name="import_kind_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class ServiceActivity(models.Model):
    """A quantity of one activity type performed for an account on a date.

    This is the high-volume table (a 1,000,000-row file is a normal load). On PostgreSQL it is
    partitioned by ranges of id: a large import loads a partition of its own and indexes it
    once (valuation/segments.py, migration 0004). There `id` takes its default from a
    sequence, not an identity (a partitioned table cannot have one in PostgreSQL 15): a
    migration altering `id` needs hand-written SQL. It carries no database-level foreign
    keys and only the one secondary index that pages need:
    - PostgreSQL checks a foreign key row by row (a trigger that locks the referenced row),
      which made a 1,000,000-row COPY about four times slower. Integrity is kept instead by
      (a) the import, which locks the accounts and activity types it resolves against
      (FOR KEY SHARE, in its one transaction) so none can be deleted while it writes, and
      refuses rows naming any other; and
      (b) Django's on_delete handling (CASCADE / PROTECT / SET_NULL run in the ORM); an
      account is deleted through accounts.services.account_delete, which locks it first so
      the deletion waits for an import holding it and then cascades to its rows too.
    - `(account, date)` serves every per-account read (the Value tab, API filters, the
      trailing-twelve-month cost); portfolio-wide reads (the nightly analysis) aggregate a
      date window over all accounts and scan anyway, so an `(activity_type, date)` or a date
      index would cost each import without serving a query. Measured on 1,000,000 rows
      (PostgreSQL backend CPU): this index costs about 4.5 s written in file order and about
      2 s written in sorted runs, as the import does; `(account)` alone costs the same; no
      secondary index would leave each account page scanning the whole table. BRIN would be
      cheap only while the table stays physically sorted by account, which other writers
      (the demo, single rows from the page) do not keep.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="service_activities",
        db_constraint=False,
        db_index=False,  # covered by activity_account_date_idx
        verbose_name=_("account"),
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="activities",
        db_constraint=False,
        db_index=False,
        verbose_name=_("activity type"),
    )
    date = models.DateField(verbose_name=_("date"))
    quantity = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("quantity"))
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        db_constraint=False,
        db_index=False,
        verbose_name=_("import batch"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("created by"),
    )

    history = audit_history(single_rows=True)

    class Meta:
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="activity_quantity_not_negative"
            )
        ]
        indexes = [
            models.Index(fields=["account", "date"], name="activity_account_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type_id} × {self.quantity} on {self.date}"


class Direction(models.TextChoices):
    DELIVERED = "delivered", _("Delivered to the account")
    RECEIVED = "received", _("Received from the account")


class ValueEntry(VersionedModel):
    """One entry of the value ledger: value we delivered to the account, or received from it."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="value_entries", verbose_name=_("account")
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, verbose_name=_("direction")
    )
    category = models.CharField(
        max_length=100,
        help_text=_("e.g. cost savings, productivity, referral, reference."),
        verbose_name=_("category"),
    )
    amount = money_field(verbose_name=_("amount"))
    date = models.DateField(verbose_name=_("date"))
    evidence = models.TextField(
        blank=True,
        help_text=_("How do we know? Document, metric, quote."),
        verbose_name=_("evidence"),
    )
    customer_confirmed = models.BooleanField(default=False, verbose_name=_("customer confirmed"))
    confirmed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The customer's person who confirmed it."),
        verbose_name=_("confirmed by"),
    )
    confirmed_on = models.DateField(null=True, blank=True, verbose_name=_("confirmed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    history = audit_history()

    class Meta:
        verbose_name = _("value entry")
        verbose_name_plural = _("value entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="value_direction_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="value_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(customer_confirmed=True, confirmed_on__isnull=False)
                | Q(customer_confirmed=False, confirmed_on__isnull=True),
                name="value_confirmation_dated",
                violation_error_message=_(
                    "A confirmed entry needs the date it was confirmed; "
                    "an unconfirmed one has none."
                ),
            ),
        ]
        indexes = [models.Index(fields=["account", "date"], name="value_account_date_idx")]

    def __str__(self) -> str:
        return f"{self.direction} {self.amount} on {self.date}"
