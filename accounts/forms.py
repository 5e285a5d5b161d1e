from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import INDUSTRIES, REGIONS, offered
from accounts.models import Account, AccountLocation, KnowledgeEntry, TeamFunction
from accounts.selectors import account_managers
from kam.types import User


class AccountForm(forms.ModelForm[Account]):
    # The version the form was loaded at (kam/versioning.py): a save based on an older one
    # is refused with what changed, the user's input kept.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Account
        fields = [
            "name",
            "external_id",
            "industry",
            "region",
            "designation",
            "owner",
            "buying_hierarchy_level",
            "continuum_position",
        ]
        widgets = {
            "continuum_position": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }
        labels = {
            "name": _("Name"),
            "external_id": _("External id"),
            "industry": _("Industry"),
            "region": _("Region"),
            "designation": _("Designation"),
            "owner": _("Owner"),
            "buying_hierarchy_level": _("Buying hierarchy level"),
            "continuum_position": _("Continuum position"),
        }
        error_messages = {
            "name": {"required": _("Give the account a name.")},
            "designation": {
                "invalid_choice": _("%(value)s is not a designation; choose one from the list.")
            },
            "buying_hierarchy_level": {
                "invalid_choice": _(
                    "Choose a buying-hierarchy level from 1 to 4 (you sent %(value)s)."
                )
            },
        }

    def __init__(self, *args: Any, can_choose_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the model's owner field is a ModelChoiceField
        owner = cast("forms.ModelChoiceField[User]", self.fields["owner"])
        owner.queryset = account_managers()
        owner.to_field_name = "username"
        self.fields["owner"].help_text = _("Leave empty to keep the current owner.")
        self.fields["owner"].required = False
        if not can_choose_owner:
            del self.fields["owner"]
        for name, standard in (("industry", INDUSTRIES), ("region", REGIONS)):
            model_field = self.fields[name]
            self.fields[name] = forms.ChoiceField(
                label=model_field.label,
                required=False,
                choices=offered(standard, getattr(self.instance, name, "")),
                help_text=model_field.help_text,
            )
        if not self.instance.pk:
            del self.fields["version"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # An existing account changes designation through a request (Selection tab).
            self.fields["designation"].disabled = True
            self.fields["designation"].help_text = _(
                "Changed through a designation request on the account's Selection tab."
            )

    def _post_clean(self) -> None:
        # Model validation (uniqueness, constraints) runs in the service, which reports
        # every problem on its field; skip the ModelForm's own pass to validate once.
        return


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("User"),
        error_messages={"invalid_choice": _("Choose an active user from the list.")},
    )
    function = forms.ChoiceField(choices=TeamFunction.choices, label=_("Function"))
    is_executive_sponsor = forms.BooleanField(required=False, label=_("Executive sponsor"))


class LocationForm(forms.ModelForm[AccountLocation]):
    class Meta:
        model = AccountLocation
        fields = ["name", "kind"]
        labels = {"name": _("Name"), "kind": _("Kind")}

    def _post_clean(self) -> None:
        return


class KnowledgeEntryForm(forms.ModelForm[KnowledgeEntry]):
    class Meta:
        model = KnowledgeEntry
        fields = ["area", "title", "detail"]
        labels = {"area": _("Area"), "title": _("Title"), "detail": _("Detail")}
        widgets = {"detail": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        return


def account_form_values(account: Account) -> dict[str, Any]:
    """The account as AccountForm shows it (the owner by username)."""
    values = {name: getattr(account, name) for name in AccountForm.Meta.fields if name != "owner"}
    values["owner"] = account.owner.username if account.owner_id else ""
    return values
