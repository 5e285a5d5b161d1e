"""Support for account managers (key 4): competency assessments and the pay-mix history.

Source: the book digest (*The Seven Keys to Managing Strategic Accounts*, key 4, "HR support
for account managers"). It lists two things to assess a strategic account manager on:

* five capabilities and motivations ("以下面5个能力和意愿为中心"): taking the initiative,
  committing time and energy to succeed, volunteering help and support, building technical
  depth, and coaching others;
* the consultative strategic-account-manager competency model ("顾问式战略大客户经理能力
  模型"), ten competencies: understands the customer's processes and industry and manages
  the relationship; shows leadership; uses a consultative approach; behaves as an
  entrepreneur; is creative in solving problems; uses personal strengths well; shows
  organisational skills; thinks and acts strategically; runs the account-management
  process; knows the supplier's (our own) processes and industry.

Each assessment is one dated row holding a 1-5 score for all fifteen dimensions; a new
assessment adds a row, so the history and the trend per dimension are kept.

The pay mix (the digest: salary 75-85 %, bonus 15-25 % "usually balances"; its summary
narrows this to 75-80 / 15-20) is stored as effective-dated salary and bonus figures, either
amounts in the base currency or percentages: only their ratio is judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class CompetencyDimension:
    field: str
    label: StrOrPromise  # lazy: read in the reader's language
    group: str  # "capability" or "consultative"
    description: StrOrPromise


CAPABILITY = "capability"
CONSULTATIVE = "consultative"
GROUP_LABELS = {
    CAPABILITY: _("The five capabilities"),
    CONSULTATIVE: _("Consultative competency model"),
}

# The fifteen scored dimensions, in the order pages, exports and the API show them.
COMPETENCY_DIMENSIONS: tuple[CompetencyDimension, ...] = (
    CompetencyDimension(
        "initiative",
        _("Initiative"),
        CAPABILITY,
        _(
            "Positions themself as the advocate, plans and proposes, spots gaps and fixes them, "
            "keeps a fallback when things do not go to plan."
        ),
    ),
    CompetencyDimension(
        "commitment_of_time",
        _("Commitment of time"),
        CAPABILITY,
        _(
            "Puts the work first, prepares plans to succeed, invests time in preparation and in "
            "improving their own skills."
        ),
    ),
    CompetencyDimension(
        "helping_others",
        _("Helping others"),
        CAPABILITY,
        _("Volunteers help and advice, is patient with newcomers and proud of their success."),
    ),
    CompetencyDimension(
        "technical_depth",
        _("Technical depth"),
        CAPABILITY,
        _(
            "Knows our products, the key technologies, processes and business methods, and "
            "follows new developments."
        ),
    ),
    CompetencyDimension(
        "coaching_others",
        _("Coaching others"),
        CAPABILITY,
        _("Coaches towards the business goals and keeps the team learning."),
    ),
    CompetencyDimension(
        "customer_insight",
        _("Customer insight"),
        CONSULTATIVE,
        _("Understands the customer's processes and industry and manages the relationship."),
    ),
    CompetencyDimension("leadership", _("Leadership"), CONSULTATIVE, _("Shows leadership.")),
    CompetencyDimension(
        "consultative_approach",
        _("Consultative approach"),
        CONSULTATIVE,
        _("Works as a consultant to the customer, not as a seller of products."),
    ),
    CompetencyDimension(
        "entrepreneurial_behaviour",
        _("Entrepreneurial behaviour"),
        CONSULTATIVE,
        _("Acts as the owner of the account's business."),
    ),
    CompetencyDimension(
        "creative_problem_solving",
        _("Creative problem solving"),
        CONSULTATIVE,
        _("Is creative in solving problems."),
    ),
    CompetencyDimension(
        "personal_strengths",
        _("Use of personal strengths"),
        CONSULTATIVE,
        _("Uses their personal strengths well."),
    ),
    CompetencyDimension(
        "organisational_skills",
        _("Organisational skills"),
        CONSULTATIVE,
        _("Organises people and work across our functions."),
    ),
    CompetencyDimension(
        "strategic_thinking",
        _("Strategic thinking"),
        CONSULTATIVE,
        _("Thinks and acts strategically."),
    ),
    CompetencyDimension(
        "account_process",
        _("Account-management process"),
        CONSULTATIVE,
        _("Runs the account-management process: assess, strategy, actions, plan to expand."),
    ),
    CompetencyDimension(
        "supplier_knowledge",
        _("Knowledge of our business"),
        CONSULTATIVE,
        _("Knows our own processes and industry."),
    ),
)
COMPETENCY_FIELDS: tuple[str, ...] = tuple(d.field for d in COMPETENCY_DIMENSIONS)


def _score_field(dimension: CompetencyDimension) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        verbose_name=dimension.label,
        help_text=dimension.description,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class CompetencyAssessment(models.Model):
    """One assessment of an account manager by an executive; scores 1 (weak) to 5 (strong)."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competency_assessments"
    )
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    initiative = _score_field(COMPETENCY_DIMENSIONS[0])
    commitment_of_time = _score_field(COMPETENCY_DIMENSIONS[1])
    helping_others = _score_field(COMPETENCY_DIMENSIONS[2])
    technical_depth = _score_field(COMPETENCY_DIMENSIONS[3])
    coaching_others = _score_field(COMPETENCY_DIMENSIONS[4])
    customer_insight = _score_field(COMPETENCY_DIMENSIONS[5])
    leadership = _score_field(COMPETENCY_DIMENSIONS[6])
    consultative_approach = _score_field(COMPETENCY_DIMENSIONS[7])
    entrepreneurial_behaviour = _score_field(COMPETENCY_DIMENSIONS[8])
    creative_problem_solving = _score_field(COMPETENCY_DIMENSIONS[9])
    personal_strengths = _score_field(COMPETENCY_DIMENSIONS[10])
    organisational_skills = _score_field(COMPETENCY_DIMENSIONS[11])
    strategic_thinking = _score_field(COMPETENCY_DIMENSIONS[12])
    account_process = _score_field(COMPETENCY_DIMENSIONS[13])
    supplier_knowledge = _score_field(COMPETENCY_DIMENSIONS[14])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manager_id", "-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["manager", "assessed_on"], name="competency_manager_date_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                name=f"competency_{name}_1_5",
            )
            for name in COMPETENCY_FIELDS
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} assessed on {self.assessed_on}"

    def _average(self, group: str) -> float:
        scores: list[int] = [
            getattr(self, d.field) for d in COMPETENCY_DIMENSIONS if d.group == group
        ]
        return round(sum(scores) / len(scores), 1)

    @property
    def capability_average(self) -> float:
        return self._average(CAPABILITY)

    @property
    def consultative_average(self) -> float:
        return self._average(CONSULTATIVE)


class PayMix(models.Model):
    """An account manager's pay mix from `effective_from` until the next row's date."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pay_mixes"
    )
    effective_from = models.DateField()
    salary = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Fixed salary per year, as an amount or a percentage of total pay."),
    )
    bonus = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Target bonus per year, in the same unit as the salary."),
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manager_id", "-effective_from"]
        verbose_name = _("pay mix")
        verbose_name_plural = _("pay mixes")
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "effective_from"],
                name="pay_mix_one_per_day",
                violation_error_message=_("This manager already has a pay mix from that date."),
            ),
            models.CheckConstraint(
                condition=Q(salary__gte=0) & Q(bonus__gte=0), name="pay_mix_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(salary__gt=0) | Q(bonus__gt=0),
                name="pay_mix_total_positive",
                violation_error_message=_("Salary and bonus cannot both be zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} from {self.effective_from}"
