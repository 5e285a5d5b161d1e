"""Forms of the relationship pages. They check types only; the services check meaning and
their messages are put beside the fields (see `kam.forms.form_errors_apply`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kam.forms import DateInput
from kam.types import User
from relationships.models import Attitude, BuyingRole, Channel, Contact, Influence

GOAL_NUMBERS = (1, 2, 3)
GOAL_PARTS = ("text", "metric", "target", "current")
GOAL_NUMBER_MESSAGE = gettext_lazy("Enter a number, such as 40 or 12.5 (at most 2 decimals).")


def goal_field(number: int, part: str) -> str:
    """The form field of one part of one of the three goals (goal_2_metric)."""
    return f"goal_{number}_{part}"


def _username_choices(people: list[User], *, blank: str | None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    choices += [
        (person.username, f"{person.get_full_name() or person.username} ({person.username})")
        for person in people
    ]
    return choices


class UsernameField(forms.CharField):
    """A username picked from a list; the service decides whether that person may be used,
    so a value sent outside the list gets the service's plain-words message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.Select, **kwargs)


class ContactIdField(forms.IntegerField):
    """A contact of this account picked from a list (resolved and checked by the service)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.Select, **kwargs)


class ContactForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label=pgettext_lazy("a person's", "Name"),
        error_messages={"required": gettext_lazy("Give the person's name.")},
    )
    title = forms.CharField(max_length=200, required=False, label=gettext_lazy("Job title"))
    roles = forms.MultipleChoiceField(
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Buying roles"),
        error_messages={
            "invalid_choice": gettext_lazy(
                '"%(value)s" is not a buying role; choose economic buyer, user '
                "buyer, technical buyer or coach."
            )
        },
    )
    influence = forms.ChoiceField(
        choices=Influence.choices,
        initial=Influence.MEDIUM,
        label=gettext_lazy("Influence"),
        error_messages={
            "invalid_choice": gettext_lazy(
                '"%(value)s" is not an influence level; choose high, medium or low.'
            )
        },
    )
    attitude = forms.ChoiceField(
        choices=Attitude.choices,
        initial=Attitude.NEUTRAL,
        label=gettext_lazy("Attitude to us"),
        error_messages={
            "invalid_choice": gettext_lazy(
                '"%(value)s" is not an attitude; choose supporter, neutral or detractor.'
            )
        },
    )
    preferred_channel = forms.ChoiceField(
        choices=Channel.choices, initial=Channel.EMAIL, label=gettext_lazy("Preferred channel")
    )
    contact_frequency_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        initial=90,
        label=gettext_lazy("Desired contact frequency (days)"),
    )
    primary_contact = UsernameField(required=False, label=gettext_lazy("Our primary contact"))
    relationship_strength = forms.IntegerField(
        min_value=1,
        max_value=5,
        initial=3,
        label=gettext_lazy("Relationship strength (1-5)"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 5}),
    )
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy("How do you know? What did they say or do?"),
    )
    evidence_verified_on = forms.DateField(
        required=False,
        label=gettext_lazy("Evidence verified on"),
        widget=DateInput(),
        help_text=gettext_lazy("YYYY-MM-DD; not in the future."),
    )
    reports_to = ContactIdField(required=False, label=gettext_lazy("Reports to"))
    is_active = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Still at the company (active)")
    )
    left_on = forms.DateField(
        required=False,
        label=gettext_lazy("Left on"),
        widget=DateInput(),
        help_text=gettext_lazy("For a person who left: the day they left (today when left empty)."),
    )
    # The version the form was loaded at (kam/versioning.py): a save based on an older one
    # is refused with what changed, the user's input kept.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        people: list[User],
        colleagues: list[Contact],
        contact: Contact | None = None,
        **kwargs: Any,
    ) -> None:
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = contact_initial(contact)
        super().__init__(*args, **kwargs)
        for number in GOAL_NUMBERS:
            self.fields[goal_field(number, "text")] = forms.CharField(
                max_length=300,
                required=False,
                label=_("Goal %(number)s") % {"number": number},
            )
            self.fields[goal_field(number, "metric")] = forms.CharField(
                max_length=100,
                required=False,
                label=_("Metric of goal %(number)s") % {"number": number},
            )
            for part, label in (
                ("target", _("Target of goal %(number)s")),
                ("current", _("Current value of goal %(number)s")),
            ):
                self.fields[goal_field(number, part)] = forms.DecimalField(
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    label=label % {"number": number},
                    error_messages={
                        "invalid": GOAL_NUMBER_MESSAGE,
                        "max_digits": GOAL_NUMBER_MESSAGE,
                        "max_decimal_places": GOAL_NUMBER_MESSAGE,
                        "max_whole_digits": GOAL_NUMBER_MESSAGE,
                    },
                )
        goal_names = [goal_field(n, part) for n in GOAL_NUMBERS for part in GOAL_PARTS]
        plain = [name for name in self.fields if name not in goal_names]
        after = plain.index("attitude") + 1
        self.order_fields([*plain[:after], *goal_names, *plain[after:]])
        self.fields["primary_contact"].widget.choices = _username_choices(
            people, blank=_("Nobody yet")
        )
        others = [c for c in colleagues if contact is None or c.pk != contact.pk]
        self.fields["reports_to"].widget.choices = [("", _("Nobody (top of a tree)"))] + [
            (c.pk, f"{c.name}{', ' + c.title if c.title else ''}") for c in others
        ]

    @property
    def goal_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """The three goals' fields, a row each, for the template."""
        return [
            (number, [self[goal_field(number, part)] for part in GOAL_PARTS])
            for number in GOAL_NUMBERS
        ]

    def clean(self) -> dict[str, Any]:
        """The goals as the service takes them: one {text, metric, target, current} per row
        with anything in it, in row order (the pipe syntax is gone)."""
        data = super().clean() or {}
        goals: list[dict[str, Any]] = []
        for number in GOAL_NUMBERS:
            parts = {part: data.pop(goal_field(number, part), None) for part in GOAL_PARTS}
            filled = any(value not in (None, "") for value in parts.values())
            if not filled:
                continue
            if not (parts["text"] or "").strip():
                self.add_error(
                    goal_field(number, "text"),
                    _("Say what goal %(number)s is, or clear its metric and numbers.")
                    % {"number": number},
                )
                continue
            goals.append(
                {
                    part: "" if value is None and part in ("text", "metric") else value
                    for part, value in parts.items()
                }
            )
        data["goals"] = goals
        return data


def contact_initial(contact: Contact) -> dict[str, Any]:
    goals: dict[str, Any] = {}
    for number, goal in enumerate(list(contact.goals.all())[: len(GOAL_NUMBERS)], start=1):
        goals[goal_field(number, "text")] = goal.text
        goals[goal_field(number, "metric")] = goal.metric
        goals[goal_field(number, "target")] = goal.target
        goals[goal_field(number, "current")] = goal.current
    return {
        "name": contact.name,
        "title": contact.title,
        "roles": contact.roles,
        "influence": contact.influence,
        "attitude": contact.attitude,
        **goals,
        "preferred_channel": contact.preferred_channel,
        "contact_frequency_days": contact.contact_frequency_days,
        "primary_contact": contact.primary_contact.username if contact.primary_contact else "",
        "relationship_strength": contact.relationship_strength,
        "evidence": contact.evidence,
        "evidence_verified_on": contact.evidence_verified_on,
        "reports_to": contact.reports_to_id,
        "is_active": contact.is_active,
        "left_on": contact.left_on,
        "version": contact.version,
    }


class ContactIdsField(forms.MultipleChoiceField):
    """Contacts ticked from the account's list; the service checks they belong to it."""

    def clean(self, value: Any) -> list[int]:
        ids = []
        for item in super().clean(value):
            try:
                ids.append(int(item))
            except ValueError as error:
                raise ValidationError(
                    _('"%(value)s" is not a contact.') % {"value": item}
                ) from error
        return ids

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class InteractionForm(forms.Form):
    date = forms.DateField(
        widget=DateInput(),
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("YYYY-MM-DD; today or earlier."),
    )
    channel = forms.ChoiceField(
        choices=Channel.choices, initial=Channel.MEETING, label=gettext_lazy("Channel")
    )
    user = UsernameField(label=gettext_lazy("Our person"))
    contacts = ContactIdsField(
        label=gettext_lazy("Their people"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one person you were in touch with.")
        },
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write a line on what was discussed or agreed.")},
    )
    # The version a correction was loaded at (kam/versioning.py); none when logging.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, people: list[User], contacts: Sequence[Contact], user: User, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate(), "user": user.username})
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.choices = _username_choices(people, blank=None)
        contacts_field = self.fields["contacts"]
        if isinstance(contacts_field, ContactIdsField):
            contacts_field.choices = [
                (c.pk, f"{c.name}{', ' + c.title if c.title else ''}")
                for c in contacts
                if c.is_active
            ]
