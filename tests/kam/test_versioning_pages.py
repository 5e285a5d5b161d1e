"""The edit pages of versioned records (kam/versioning.py), as the plan page does it: the
form carries the version it was loaded at; a save based on an older one is refused (409)
with the user's input kept, what only the other person changed taken from the newer
version, what both changed marked, and the version moved on so saving again stores it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Account
from portfolio.forms import ParametersForm
from portfolio.services import analysis_parameters_get
from relationships.models import Contact
from tests.relationships.factories import ContactFactory


def _hidden_version(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form carries no hidden version"
    return match.group(1)


def _account_post(account: Account, **changes: Any) -> dict[str, Any]:
    return {
        "name": account.name,
        "external_id": account.external_id,
        "industry": account.industry,
        "region": account.region,
        "owner": "",
        "buying_hierarchy_level": account.buying_hierarchy_level,
        "continuum_position": account.continuum_position,
        "version": account.version,
        **changes,
    }


@pytest.fixture
def edit_url(account: Account) -> str:
    return reverse("accounts:edit", args=[account.pk])


def test_the_account_form_carries_its_version(owner_client: Any, edit_url: str) -> None:
    assert _hidden_version(owner_client.get(edit_url).content.decode()) == "1"


def test_a_stale_account_save_keeps_the_input_and_takes_the_other_change(
    owner_client: Any, owner_api: Any, account: Account, edit_url: str
) -> None:
    # given the form was loaded at version 1, then someone changed the region (version 2)
    loaded = _account_post(account)
    owner_api.patch(f"/api/v1/accounts/{account.pk}/", {"region": "Asia"}, format="json")

    # when the form is saved with a new name, the region as it was loaded
    answer = owner_client.post(edit_url, {**loaded, "name": "Northwind Group"})

    # then nothing is saved; the page says why, keeps the new name, shows the new region
    # (the user had not touched it) and points at version 2
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Not saved: this account changed while you were editing" in html
    assert 'value="Northwind Group"' in html
    assert 'value="Asia"' in html
    assert _hidden_version(html) == "2"
    assert Account.objects.get(pk=account.pk).name == "Northwind Foods"

    # and saving the form again stores both changes
    form = answer.context["form"]
    again = owner_client.post(edit_url, {**loaded, **form.data.dict()})
    assert again.status_code == 302
    stored = Account.objects.get(pk=account.pk)
    assert (stored.name, stored.region, stored.version) == ("Northwind Group", "Asia", 3)


def test_a_field_both_changed_keeps_the_users_value_and_shows_the_other(
    owner_client: Any, owner_api: Any, account: Account, edit_url: str
) -> None:
    loaded = _account_post(account)
    owner_api.patch(f"/api/v1/accounts/{account.pk}/", {"region": "Asia Pacific"}, format="json")

    answer = owner_client.post(edit_url, {**loaded, "region": "Latin America"})

    assert answer.status_code == 409
    html = answer.content.decode()
    assert '<option value="Latin America" selected>' in html  # the user's choice kept
    assert "Changed meanwhile to “Asia Pacific”" in html
    assert Account.objects.get(pk=account.pk).region == "Asia Pacific"


def test_a_stale_contact_save_keeps_the_input(
    owner_client: Any, owner_api: Any, account: Account
) -> None:
    # given the form of a contact loaded at version 1, then the title changed elsewhere
    contact = ContactFactory(account=account, name="Dana Reyes", title="CFO")
    url = reverse("relationships:contact-edit", args=[account.pk, contact.pk])
    assert _hidden_version(owner_client.get(url).content.decode()) == "1"
    owner_api.patch(f"/api/v1/contacts/{contact.pk}/", {"title": "CEO"}, format="json")

    # when the form is saved with new evidence and the title as loaded
    answer = owner_client.post(
        url,
        {
            "name": "Dana Reyes",
            "title": "CFO",
            "influence": "medium",
            "attitude": "neutral",
            "preferred_channel": "email",
            "contact_frequency_days": 90,
            "relationship_strength": 3,
            "evidence": "Said so at the review.",
            "is_active": "on",
            "version": 1,
        },
    )

    # then nothing is saved, the evidence is kept and the new title shown, at version 2
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Not saved: this person changed while you were editing" in html
    assert "Said so at the review." in html
    assert 'value="CEO"' in html
    assert _hidden_version(html) == "2"
    assert Contact.objects.get(pk=contact.pk).evidence == ""


def test_a_stale_parameters_save_keeps_the_input(ops_client: Any, ops_api: Any) -> None:
    # given the ops page loaded the parameters, then someone changed the horizon
    loaded = analysis_parameters_get()
    page = ops_client.get(reverse("portfolio:ops"))
    version = _hidden_version(page.content.decode())
    post = {name: getattr(loaded, name) for name in ParametersForm.Meta.fields}
    ops_api.patch("/api/v1/analysis-parameters/", {"horizon_years": 7}, format="json")

    # when the page saves a new discount rate from the version it loaded
    answer = ops_client.post(
        reverse("portfolio:ops-parameters"), {**post, "discount_rate": "0.1100", "version": version}
    )

    # then nothing is saved; the input is kept, the new horizon taken, the version moved on
    assert answer.status_code == 409
    form = answer.context["parameters_form"]
    assert form.data["discount_rate"] == "0.1100"
    assert form.data["horizon_years"] == "7"
    assert form.data["version"] == str(int(version) + 1)
    assert str(analysis_parameters_get().discount_rate) == str(loaded.discount_rate)
