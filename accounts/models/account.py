"""Strategic accounts, their locations, knowledge profile and account team (keys 1 and 3)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.audit import audit_history
from kam.versioning import VersionedModel


class Designation(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    PILOT = "pilot", _("Pilot")
    STRATEGIC = "strategic", _("Strategic")
    TRANSACTIONAL = "transactional", _("Transactional")
    EXIT = "exit", _("Exit")


class BuyingHierarchyLevel(models.IntegerChoices):
    COMMODITY = 1, _("1 · Commodity, bought on price")
    QUALITY = 2, _("2 · Quality-differentiated")
    SOLUTIONS = 3, _("3 · Solves business problems")
    PARTNER = 4, _("4 · Strategic partner")


class Account(VersionedModel):
    external_id = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": _("Another account already uses this external id.")},
        help_text=_("The customer's id in the systems around KAM (ERP, CRM). Optional, unique."),
    )
    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    designation = models.CharField(
        max_length=20, choices=Designation.choices, default=Designation.CANDIDATE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_accounts"
    )
    buying_hierarchy_level = models.PositiveSmallIntegerField(
        choices=BuyingHierarchyLevel.choices,
        default=BuyingHierarchyLevel.COMMODITY,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    continuum_position = models.PositiveSmallIntegerField(
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 = purely transactional, 100 = fully strategic partnership."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by one on every write to what the account 360 page shows (the account's own
    # rows, its team, contacts, interactions, plans, revenue, activities, ledger, ...; see
    # accounts.services.account_data_changed, which every such service calls; imports, which write
    # in bulk, change the cache key through the latest import instead). Pages cached per
    # account carry it in their cache key, so a write makes the next read draw afresh in
    # every process. Written only by that UPDATE (never through a form).
    data_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    history = audit_history()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name"], name="account_name_idx"),
            models.Index(fields=["designation", "name"], name="account_designation_idx"),
            models.Index(fields=["region", "name"], name="account_region_idx"),
            models.Index(fields=["owner", "name"], name="account_owner_idx"),
            models.Index(fields=["updated_at"], name="account_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(buying_hierarchy_level__gte=1) & Q(buying_hierarchy_level__lte=4),
                name="account_buying_level_1_4",
            ),
            models.CheckConstraint(
                condition=Q(continuum_position__gte=0) & Q(continuum_position__lte=100),
                name="account_continuum_0_100",
            ),
            models.CheckConstraint(
                condition=Q(designation__in=Designation.values), name="account_designation_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LocationKind(models.TextChoices):
    SITE = "site", _("Site")
    BUSINESS_UNIT = "business_unit", _("Business unit")


class AccountLocation(models.Model):
    """A site or business unit of the customer; revenue is recorded per location."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=LocationKind.choices, default=LocationKind.SITE)

    history = audit_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="location_unique_per_account")
        ]

    def __str__(self) -> str:
        return self.name


class KnowledgeArea(models.TextChoices):
    ORGANISATION = "organisation", _("The customer's organisation")
    SUPPLIERS = "suppliers", _("Its suppliers")
    CUSTOMERS = "customers", _("Its customers")
    COMPETITORS = "competitors", _("Its competitors")
    ALLIANCES = "alliances", _("Its JV and alliance partners")
    OUR_COMPETITORS = "our_competitors", _("Our competitors at this account")


class KnowledgeEntry(models.Model):
    """One structured fact of the account knowledge profile."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="knowledge")
    area = models.CharField(max_length=20, choices=KnowledgeArea.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["area", "title"]
        indexes = [models.Index(fields=["account", "area"], name="knowledge_account_area_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__in=KnowledgeArea.values), name="knowledge_area_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TeamFunction(models.TextChoices):
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Customer service")
    FINANCE = "finance", _("Finance")
    ENGINEERING = "engineering", _("Engineering")
    OPERATIONS = "operations", _("Operations")
    # Translators: a team member's function (a senior manager of the supplier)
    EXECUTIVE = "executive", _("Executive")
    OTHER = "other", _("Other")


class TeamMember(VersionedModel):
    """A member of the cross-functional account team; at most one is the executive sponsor."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    function = models.CharField(max_length=20, choices=TeamFunction.choices)
    is_executive_sponsor = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-is_executive_sponsor", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="team_member_unique"),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(is_executive_sponsor=True),
                name="team_one_executive_sponsor",
                violation_error_message=_("This account already has an executive sponsor."),
            ),
            models.CheckConstraint(
                condition=Q(function__in=TeamFunction.values), name="team_function_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "account"], name="team_user_account_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.account}"
