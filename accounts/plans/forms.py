"""Forms of the plan pages; the rules are in accounts.plans.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ActionStatus
from kam.forms import DateInput
from kam.types import User

DATE = DateInput()


class PlanForm(forms.Form):
    period = forms.CharField(
        max_length=20,
        label=_("Period"),
        help_text=_(
            'A label such as "2027", "2027 H1" or "2027 Q3"; leave the dates empty and they '
            "follow from it."
        ),
    )
    period_start = forms.DateField(widget=DATE, required=False, label=_("Period start"))
    period_end = forms.DateField(widget=DATE, required=False, label=_("Period end"))
    vision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Vision")
    )
    value_proposition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Value proposition")
    )
    situation = forms.CharField(
        label=_("1 · Situation assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    strategy = forms.CharField(
        label=_("2 · Strategy"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    expansion = forms.CharField(
        label=_("4 · Plan to expand"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ObjectiveForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    metric = forms.CharField(max_length=200, required=False, label=_("Metric"))
    target = forms.DecimalField(max_digits=14, decimal_places=2, required=False, label=_("Target"))
    current = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label=_("Current")
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("metric") or data.get("target") is not None or data.get("id"))


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200, required=False, label=_("Title"))
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        required=False,
        label=_("Owner"),
        error_messages={"invalid_choice": _("Choose an active user from the list.")},
    )
    due = forms.DateField(widget=DATE, required=False, label=_("Due"))
    status = forms.ChoiceField(
        choices=ActionStatus.choices, initial=ActionStatus.OPEN, label=_("Status")
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("title") or data.get("due") or data.get("id"))


# One blank row to start with; the page's "Add objective" and "Add action" buttons add more
# (static/js/formset-rows.js), and a plan that has rows shows no blank one (plan_form_rows).
ObjectiveFormSet = forms.formset_factory(ObjectiveForm, extra=1, can_delete=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=1, can_delete=True)


def formset_items(formset: Any) -> list[dict[str, Any]]:
    """Rows the user filled in and did not mark for deletion, as service input."""
    items = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        item = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        if not item.get("id"):
            item.pop("id", None)
        items.append(item)
    return items


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the owner rework?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the owner (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Beside the return form on one page: ids of its own.
        kwargs.setdefault("auto_id", "id_approve_%s")
        super().__init__(*args, **kwargs)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, label=_("Status"))
