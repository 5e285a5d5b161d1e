"""Page forms of the valuation app; services do the validation that needs the database."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.forms import DateInput
from valuation.models import ActivityType, Direction

DATE_INPUT = DateInput()

# Suggested categories (a free text: the user's language is stored as typed).
CATEGORY_SUGGESTIONS = [
    _("cost savings"),
    _("productivity"),
    _("revenue growth"),
    _("risk reduction"),
    _("innovation"),
    _("reference"),
    _("referral"),
    _("volume commitment"),
    _("co-development"),
    _("faster payment"),
]


class ValueEntryForm(forms.Form):
    direction = forms.ChoiceField(choices=Direction.choices, label=_("Direction"))
    category = forms.CharField(
        max_length=100,
        label=_("Category"),
        widget=forms.TextInput(attrs={"list": "value-categories"}),
        help_text=_("e.g. cost savings, productivity, reference, referral."),
    )
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, label=_("Amount"))
    date = forms.DateField(widget=DATE_INPUT, label=_("Date"))
    evidence = forms.CharField(
        required=False,
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How do we know? A report, a metric, the customer's words."),
    )
    customer_confirmed = forms.BooleanField(required=False, label=_("Confirmed by the customer"))
    confirmed_by = forms.CharField(
        required=False,
        max_length=200,
        label=_("Confirmed by"),
        help_text=_("The customer's person who confirmed it."),
    )
    confirmed_on = forms.DateField(required=False, widget=DATE_INPUT, label=_("Confirmed on"))


class ValueEntryConfirmForm(forms.Form):
    """The customer confirmed an entry: who, and when. `version` is the entry's as the page
    showed it, so a confirmation of an entry changed meanwhile is refused, not merged."""

    confirmed_by = forms.CharField(
        max_length=200,
        label=_("Confirmed by"),
        help_text=_("The customer's person who confirmed it."),
        error_messages={"required": _("Say who at the customer confirmed it.")},
    )
    confirmed_on = forms.DateField(
        widget=DATE_INPUT,
        # Translators: the day the customer confirmed a value entry ("Confirmed by … On …").
        label=_("On"),
        error_messages={"required": _("Give the date they confirmed it.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ServiceActivityForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.order_by("name"),
        to_field_name="code",
        label=_("Activity type"),
        empty_label=_("Choose an activity"),
    )
    date = forms.DateField(widget=DATE_INPUT, label=_("Date"))
    quantity = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, label=_("Quantity"))


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(
        max_length=40, label=_("Code"), help_text=_("Letters, digits, '-' and '_'.")
    )
    name = forms.CharField(max_length=120, label=_("Name"))
    unit = forms.CharField(
        max_length=40, label=_("Unit"), help_text=_("What one unit is: hour, order, visit…")
    )
    is_investment = forms.BooleanField(required=False, label=_("An investment in the relationship"))


class ActivityRateForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.order_by("code"),
        to_field_name="code",
        label=_("Activity type"),
        empty_label=_("Choose an activity type"),
    )
    effective_from = forms.DateField(widget=DATE_INPUT, label=_("Effective from"))
    unit_cost = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, label=_("Unit cost")
    )


class ListFilterForm(forms.Form):
    account = forms.CharField(required=False, label=_("Account (external id)"))
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label=_("From"))
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label=_("To"))
