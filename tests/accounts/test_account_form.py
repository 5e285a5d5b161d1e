"""Industry and region are chosen from a list on the account form (the API and the imports
still take any text), and an account's own value stays choosable on edit."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.forms import AccountForm
from accounts.models import Account

pytestmark = pytest.mark.django_db


def test_the_form_offers_the_lists(db: Any) -> None:
    form = AccountForm()
    regions = [value for value, _ in form.fields["region"].choices]  # type: ignore[attr-defined]
    assert regions[0] == ""
    assert "Europe" in regions
    assert "Aerospace" in [v for v, _ in form.fields["industry"].choices]  # type: ignore[attr-defined]


def test_a_value_not_on_the_list_is_refused_in_words(owner_client: Any) -> None:
    response = owner_client.post("/accounts/new/", {"name": "Harbor Paper", "region": "Atlantis"})
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(response.context["form"].errors["region"])
    assert not Account.objects.filter(name="Harbor Paper").exists()


def test_an_imported_value_stays_choosable_on_edit(account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(region="Nordics")
    account.refresh_from_db()
    form = AccountForm(instance=account)
    assert ("Nordics", "Nordics") in form.fields["region"].choices  # type: ignore[attr-defined]
