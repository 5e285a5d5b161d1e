"""Page forms of the valuation app; services do the validation that needs the database."""

from __future__ import annotations

from django import forms

from valuation.models import ActivityType, Direction

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

CATEGORY_SUGGESTIONS = [
    "cost savings",
    "productivity",
    "revenue growth",
    "risk reduction",
    "innovation",
    "reference",
    "referral",
    "volume commitment",
    "co-development",
    "faster payment",
]


class ValueEntryForm(forms.Form):
    direction = forms.ChoiceField(choices=Direction.choices)
    category = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"list": "value-categories"}),
        help_text="e.g. cost savings, productivity, reference, referral.",
    )
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    date = forms.DateField(widget=DATE_INPUT)
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How do we know? A report, a metric, the customer's words.",
    )
    customer_confirmed = forms.BooleanField(required=False, label="Confirmed by the customer")
    confirmed_by = forms.CharField(
        required=False, max_length=200, help_text="The customer's person who confirmed it."
    )
    confirmed_on = forms.DateField(required=False, widget=DATE_INPUT, label="Confirmed on")


class ValueEntryConfirmForm(forms.Form):
    """The customer confirmed an entry: who, and when. `version` is the entry's as the page
    showed it, so a confirmation of an entry changed meanwhile is refused, not merged."""

    confirmed_by = forms.CharField(
        max_length=200,
        label="Confirmed by",
        help_text="The customer's person who confirmed it.",
        error_messages={"required": "Say who at the customer confirmed it."},
    )
    confirmed_on = forms.DateField(
        widget=DATE_INPUT,
        label="On",
        error_messages={"required": "Give the date they confirmed it."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ServiceActivityForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.order_by("name"),
        to_field_name="code",
        empty_label="Choose an activity",
    )
    date = forms.DateField(widget=DATE_INPUT)
    quantity = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(max_length=40, help_text="Letters, digits, '-' and '_'.")
    name = forms.CharField(max_length=120)
    unit = forms.CharField(max_length=40, help_text="What one unit is: hour, order, visit…")
    is_investment = forms.BooleanField(required=False, label="An investment in the relationship")


class ActivityRateForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.order_by("code"),
        to_field_name="code",
        empty_label="Choose an activity type",
    )
    effective_from = forms.DateField(widget=DATE_INPUT)
    unit_cost = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class ListFilterForm(forms.Form):
    account = forms.CharField(required=False, label="Account (external id)")
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")
