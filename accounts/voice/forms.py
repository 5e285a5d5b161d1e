"""Forms of the voice-of-the-customer page; the rules are in accounts.voice.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import STANDARD_DIMENSIONS, AssessmentKind, EventKind, Severity
from kam.forms import DateInput

DATE = DateInput()


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(choices=AssessmentKind.choices, label=_("Kind"))
    date = forms.DateField(widget=DATE, label=_("Date"))
    score = forms.DecimalField(
        max_digits=5,
        decimal_places=1,
        label=_("Score"),
        help_text=_("0-10, the customer's overall rating."),
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Notes")
    )


class DimensionForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label=_("Dimension"))
    expectation = forms.DecimalField(
        max_digits=5,
        decimal_places=1,
        required=False,
        label=_("Expectation"),
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    performance = forms.DecimalField(
        max_digits=5,
        decimal_places=1,
        required=False,
        label=_("Performance"),
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )


DimensionFormSet = forms.formset_factory(DimensionForm, extra=2)


def dimension_formset(data: Any = None) -> Any:
    return DimensionFormSet(
        data, prefix="dimensions", initial=[{"name": name} for name in STANDARD_DIMENSIONS]
    )


def dimension_items(formset: Any) -> list[dict[str, Any]]:
    """Rows with any value filled in (a standard dimension left empty is skipped)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and (
            form.cleaned_data.get("expectation") is not None
            or form.cleaned_data.get("performance") is not None
            or (
                form.cleaned_data.get("name")
                and form.cleaned_data["name"] not in STANDARD_DIMENSIONS
            )
        )
    ]


class ComplaintForm(forms.Form):
    category = forms.CharField(
        max_length=100, label=_("Category"), help_text=_("e.g. delivery, billing, quality")
    )
    severity = forms.ChoiceField(
        choices=Severity.choices, initial=Severity.MEDIUM, label=_("Severity")
    )
    opened_on = forms.DateField(widget=DATE, label=_("Opened on"))
    resolved_on = forms.DateField(widget=DATE, required=False, label=_("Resolved on"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Description")
    )


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(widget=DATE, label=_("Resolved on"))


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        choices=EventKind.choices,
        label=_("Kind"),
        error_messages={
            "invalid_choice": _("%(value)s is not an event kind; choose one from the list.")
        },
    )
    date = forms.DateField(widget=DATE, label=_("Date"))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Notes")
    )
