"""Forms of the selection-governance and steering-committee pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.governance.models import ExitLoss
from accounts.models import Account, Designation, QualifyingAnswers
from kam.forms import DateInput
from kam.types import User

DATE = DateInput()


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Description")
    )
    weight = forms.DecimalField(
        max_digits=6,
        decimal_places=2,
        label=_("Weight"),
        help_text=_("Greater than 0; relative to the others."),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("In use"))


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score"), help_text=_("1 (poor fit) to 5 (excellent fit)."))
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Rationale")
    )


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
            "type_of_work_fit": _("Type of work and fit"),
            "budget": _("Budget"),
            "decision_criteria": _("Decision criteria"),
            "competitors": _("Competitors for the business"),
            "reason_for_buying": _("Reason for buying"),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}

    def _post_clean(self) -> None:
        return


class DesignationRequestForm(forms.Form):
    to_designation = forms.ChoiceField(choices=Designation.choices, label=_("New designation"))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Reason")
    )
    # Asked of a move to exit (the service requires it then): the churn backtest's outcome.
    exit_loss = forms.ChoiceField(
        choices=[("", "—"), *ExitLoss.choices],
        required=False,
        label=_("Moving to exit: was the account lost?"),
        help_text=_("A loss is recorded as an “account lost” event when the move is approved."),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Comment")
    )


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DATE, label=_("Date"))
    title = forms.CharField(max_length=200, initial=_("Steering committee"), label=_("Title"))
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        required=False,
        label=_("Attendees"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label=_("Accounts discussed"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    decisions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Decisions")
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account] | None = None, **kwargs: Any):
        """`accounts`: the accounts the user may name (none unless given)."""
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.accounts_field.queryset = accounts

    @property
    def accounts_field(self) -> forms.ModelMultipleChoiceField[Account]:
        return cast("forms.ModelMultipleChoiceField[Account]", self.fields["accounts"])
