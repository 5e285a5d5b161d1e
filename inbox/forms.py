from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Kind


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *Kind.choices], required=False)
    unread = forms.BooleanField(required=False, label=_("Unread only"))


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(required=False, max_length=2000)
    # The version the executive read: an approval of a plan changed since is refused.
    version = forms.IntegerField(
        min_value=1,
        error_messages={"required": _("The plan's version is missing: reload the page.")},
    )


class DesignationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    comment = forms.CharField(required=False, max_length=2000)


# Short words for the page's radio buttons (the model's labels say the same at length).
DELIVERY_CHOICES = [
    (Delivery.IMMEDIATE.value, _("At once")),
    (Delivery.DIGEST.value, _("Daily digest")),
    (Delivery.OFF.value, _("Off")),
]


class PreferencesForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args: object, initial_deliveries: dict[str, str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                choices=DELIVERY_CHOICES,
                initial=initial_deliveries.get(kind, Delivery.IMMEDIATE),
                label=label,
                widget=forms.RadioSelect,
            )
