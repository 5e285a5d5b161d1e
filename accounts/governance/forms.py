"""Forms of the selection-governance and steering-committee pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from accounts.governance.models import ExitLoss
from accounts.models import Account, Designation, QualifyingAnswers
from kam.types import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    weight = forms.DecimalField(
        max_digits=6, decimal_places=2, help_text="Greater than 0; relative to the others."
    )
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


class ScoreForm(forms.Form):
    score = forms.IntegerField(help_text="1 (poor fit) to 5 (excellent fit).")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class QualifyingForm(forms.ModelForm[QualifyingAnswers]):
    class Meta:
        model = QualifyingAnswers
        fields = [
            "type_of_work_fit",
            "budget",
            "decision_criteria",
            "competitors",
            "reason_for_buying",
        ]
        labels = {
            "type_of_work_fit": "Type of work and fit",
            "budget": "Budget",
            "decision_criteria": "Decision criteria",
            "competitors": "Competitors for the business",
            "reason_for_buying": "Reason for buying",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}

    def _post_clean(self) -> None:
        return


class DesignationRequestForm(forms.Form):
    to_designation = forms.ChoiceField(choices=Designation.choices, label="New designation")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # Asked of a move to exit (the service requires it then): the churn backtest's outcome.
    exit_loss = forms.ChoiceField(
        choices=[("", "—"), *ExitLoss.choices],
        required=False,
        label="Moving to exit: was the account lost?",
        help_text="A loss is recorded as an “account lost” event when the move is approved.",
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Comment"
    )


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DATE)
    title = forms.CharField(max_length=200, initial="Steering committee")
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label="Accounts discussed",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, accounts: QuerySet[Account] | None = None, **kwargs: Any):
        """`accounts`: the accounts the user may name (none unless given)."""
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.accounts_field.queryset = accounts

    @property
    def accounts_field(self) -> forms.ModelMultipleChoiceField[Account]:
        return cast("forms.ModelMultipleChoiceField[Account]", self.fields["accounts"])
