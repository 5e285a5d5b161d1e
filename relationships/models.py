"""Buying-influence maps (key 5): the customer's people, their roles and goals, and our
interactions with them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account
from kam.audit import audit_history
from kam.versioning import VersionedModel


class BuyingRole(models.TextChoices):
    ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
    USER_BUYER = "user_buyer", _("User buyer")
    TECHNICAL_BUYER = "technical_buyer", _("Technical buyer")
    COACH = "coach", _("Coach")


# API role name → Contact boolean field, in display order.
ROLE_FIELDS: dict[str, str] = {
    BuyingRole.ECONOMIC_BUYER.value: "is_economic_buyer",
    BuyingRole.USER_BUYER.value: "is_user_buyer",
    BuyingRole.TECHNICAL_BUYER.value: "is_technical_buyer",
    BuyingRole.COACH.value: "is_coach",
}


class Influence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    DETRACTOR = "detractor", _("Detractor")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting in person")
    VIDEO = "video", _("Video call")
    OTHER = "other", _("Other")


class Contact(VersionedModel):
    """One person at the customer, with the roles they play in buying from us."""

    # The verbose names are the fields' names in words: a person's history lists them.

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(
        pgettext_lazy("a person's", "name"),
        max_length=200,
        error_messages={"blank": _("Give the person's name.")},
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_(
            "The person's id in the system the map came from (CRM, spreadsheet); unique "
            "per account, the key of the contacts import."
        ),
    )
    email = models.EmailField(_("email"), blank=True)
    is_economic_buyer = models.BooleanField(_("is economic buyer"), default=False)
    is_user_buyer = models.BooleanField(_("is user buyer"), default=False)
    is_technical_buyer = models.BooleanField(_("is technical buyer"), default=False)
    is_coach = models.BooleanField(_("is coach"), default=False)
    influence = models.CharField(
        _("influence"), max_length=10, choices=Influence.choices, default=Influence.MEDIUM
    )
    attitude = models.CharField(
        _("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    contact_frequency_days = models.PositiveIntegerField(
        _("contact frequency days"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("How often we want to be in touch, in days."),
    )
    primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_contact_for",
        verbose_name=_("primary contact"),
        help_text=_("Who on our side holds this relationship (the owner or a team member)."),
    )
    relationship_strength = models.PositiveSmallIntegerField(
        _("relationship strength"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("How do you know? What did they say or do?")
    )
    evidence_verified_on = models.DateField(_("evidence verified on"), null=True, blank=True)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("reports to"),
    )
    is_active = models.BooleanField(
        _("is active"),
        default=True,
        help_text=_("A person who left stays in the history, inactive."),
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the person left the customer (set with is_active false; today when not given)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = audit_history()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["account", "name"], name="contact_account_name_idx"),
            models.Index(fields=["name"], name="contact_name_idx"),
            models.Index(fields=["influence", "attitude"], name="contact_influence_idx"),
            # Partial indexes behind the "find decision makers" role filters.
            models.Index(
                fields=["account"], condition=Q(is_economic_buyer=True), name="contact_eb_idx"
            ),
            models.Index(
                fields=["account"], condition=Q(is_user_buyer=True), name="contact_ub_idx"
            ),
            models.Index(
                fields=["account"], condition=Q(is_technical_buyer=True), name="contact_tb_idx"
            ),
            models.Index(fields=["account"], condition=Q(is_coach=True), name="contact_coach_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~Q(external_id=""),
                name="contact_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(relationship_strength__gte=1) & Q(relationship_strength__lte=5),
                name="contact_strength_1_5",
            ),
            models.CheckConstraint(
                condition=Q(contact_frequency_days__gte=1), name="contact_frequency_positive"
            ),
            models.CheckConstraint(
                condition=Q(influence__in=Influence.values), name="contact_influence_valid"
            ),
            models.CheckConstraint(
                condition=Q(attitude__in=Attitude.values), name="contact_attitude_valid"
            ),
            models.CheckConstraint(
                condition=Q(preferred_channel__in=Channel.values), name="contact_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        """The API names of the buying roles this person plays, in display order."""
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def role_labels(self) -> list[str]:
        return [str(BuyingRole(role).label) for role in self.roles]


class ContactGoal(models.Model):
    """One of a contact's top three goals, optionally measured (metric, target, current)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="goals", verbose_name=_("contact")
    )
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)], verbose_name=_("position")
    )
    text = models.CharField(max_length=300, verbose_name=_("text"))
    metric = models.CharField(max_length=100, blank=True, verbose_name=_("metric"))
    target = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("target")
    )
    current = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("current")
    )

    history = audit_history()

    class Meta:
        verbose_name = _("contact goal")
        verbose_name_plural = _("contact goals")
        ordering = ["contact", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "position"], name="goal_unique_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=3), name="goal_position_1_3"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Interaction(VersionedModel):
    """A touch point between one of our people and one or more of the customer's people."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("user"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions_logged",
        help_text=_(
            "Who wrote it down (they may correct or delete it); none for older records, "
            "whose `user` may."
        ),
        verbose_name=_("logged by"),
    )
    date = models.DateField(verbose_name=_("date"))
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.MEETING, verbose_name=_("channel")
    )
    summary = models.TextField(
        error_messages={"blank": _("Write a line on what was discussed or agreed.")},
        verbose_name=_("summary"),
    )
    contacts = models.ManyToManyField(
        Contact, related_name="interactions", verbose_name=_("contacts")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    history = audit_history()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "-date"], name="interaction_account_date_idx"),
            models.Index(fields=["date"], name="interaction_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="interaction_channel_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_channel_display()}"


class ContactInfluence(VersionedModel):
    """A line of influence beyond the reporting line: `source` sways `target` (both people
    of the same account), with a strength and a note on how."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="contact_influences",
        verbose_name=_("account"),
    )
    source = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="influences_on", verbose_name=_("source")
    )
    target = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="influenced_by", verbose_name=_("target")
    )
    strength = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How strongly the source sways the target, 1 (a little) to 5 (decisively)."),
        verbose_name=_("strength"),
    )
    note = models.TextField(
        blank=True, help_text=_("How do they sway them? What did you see?"), verbose_name=_("note")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = audit_history()

    class Meta:
        verbose_name = _("contact influence")
        verbose_name_plural = _("contact influences")
        ordering = ["account", "source", "target", "id"]
        indexes = [models.Index(fields=["account"], name="influence_account_idx")]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="influence_unique_pair"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="influence_not_self"
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=1) & Q(strength__lte=5), name="influence_strength_1_5"
            ),
        ]

    def __str__(self) -> str:
        return _("%(source)s influences %(target)s") % {
            "source": self.source,
            "target": self.target,
        }
