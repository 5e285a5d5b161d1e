"""Forms of key 4's pages: record a competency assessment, record a pay mix."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import COMPETENCY_DIMENSIONS
from accounts.selectors import account_managers
from kam.forms import DateInput

SCORE_ERRORS = {
    "required": _("Score this from 1 to 5."),
    "invalid": _("Score this with a whole number from 1 to 5."),
    "min_value": _("Scores run from 1 to 5."),
    "max_value": _("Scores run from 1 to 5."),
}


class CompetencyAssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Notes"),
        help_text=_("What you saw: examples, agreed development actions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("assessed_on", timezone.localdate())
        for dimension in COMPETENCY_DIMENSIONS:
            self.fields[dimension.field] = forms.IntegerField(
                label=dimension.label,
                min_value=1,
                max_value=5,
                help_text=dimension.description,
                error_messages=SCORE_ERRORS,
                widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1}),
            )

    def scores(self) -> dict[str, int]:
        return {d.field: self.cleaned_data[d.field] for d in COMPETENCY_DIMENSIONS}

    def score_fields(self, group: str) -> list[forms.BoundField]:
        return [self[d.field] for d in COMPETENCY_DIMENSIONS if d.group == group]

    @property
    def capability_fields(self) -> list[forms.BoundField]:
        return self.score_fields("capability")

    @property
    def consultative_fields(self) -> list[forms.BoundField]:
        return self.score_fields("consultative")


class PayMixForm(forms.Form):
    manager = forms.ModelChoiceField(
        queryset=account_managers(),
        to_field_name="username",
        label=_("Manager"),
        error_messages={"invalid_choice": _("Choose an account manager from the list.")},
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    salary = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label=_("Salary"),
        help_text=_("Fixed salary per year, as an amount or a percentage of total pay."),
    )
    bonus = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label=_("Bonus"),
        help_text=_("Target bonus per year, in the same unit as the salary."),
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Notes")
    )
