"""Bad input gets a clear message on the field, in the form and the API, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Account
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Harbor Paper",
    "external_id": "HP-1",
    "designation": "candidate",
    "buying_hierarchy_level": 2,
    "continuum_position": 40,
}

CASES = [
    ("unknown designation", {"designation": "vip"}, "designation", "not a designation"),
    ("level 5", {"buying_hierarchy_level": 5}, "buying_hierarchy_level", "5"),
    (
        "continuum 101",
        {"continuum_position": 101},
        "continuum_position",
        "less than or equal to 100",
    ),
    (
        "duplicate external id",
        {"external_id": "TAKEN"},
        "external_id",
        "already uses this external id",
    ),
    ("blank name", {"name": ""}, "name", "Give the account a name"),
]


@pytest.fixture
def taken(db: Any) -> Account:
    return AccountFactory(external_id="TAKEN", name="Existing customer")


@pytest.mark.parametrize(("_case", "change", "field", "message"), CASES)
def test_api_refuses_bad_account(
    owner_api: Any, taken: Account, _case: str, change: dict[str, Any], field: str, message: str
) -> None:
    response = owner_api.post("/api/v1/accounts/", {**VALID, **change}, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Account.objects.count() == 1


@pytest.mark.parametrize(("_case", "change", "field", "message"), CASES)
def test_form_refuses_bad_account(
    owner_client: Any, taken: Account, _case: str, change: dict[str, Any], field: str, message: str
) -> None:
    response = owner_client.post("/accounts/new/", {**VALID, **change})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert message.split()[0] in response.content.decode()
    assert Account.objects.count() == 1


@pytest.mark.parametrize(("_case", "change", "field", "message"), CASES)
def test_api_update_refuses_bad_account(
    owner_api: Any,
    taken: Account,
    account: Account,
    _case: str,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = owner_api.patch(f"/api/v1/accounts/{account.pk}/", change, format="json")
    assert response.status_code == 400
    if field == "designation":  # read-only on update: any other value is pointed to the request
        message = "only through a designation request"
    assert message in " ".join(response.json()[field])
    account.refresh_from_db()
    assert (account.name, account.external_id, account.designation) == (
        "Northwind Foods",
        "NW-1",
        "strategic",
    )


def test_form_creates_account_owned_by_manager(owner_client: Any, owner: Any) -> None:
    response = owner_client.post("/accounts/new/", VALID)
    account = Account.objects.get(external_id="HP-1")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account.pk}/"
    assert account.owner == owner


def test_blank_external_ids_do_not_collide(owner_api: Any) -> None:
    for name in ("One", "Two"):
        response = owner_api.post(
            "/api/v1/accounts/", {"name": name, "external_id": ""}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["external_id"] is None


def test_unknown_owner_is_a_field_error(owner_api: Any) -> None:
    response = owner_api.post("/api/v1/accounts/", {"name": "X", "owner": "nobody"}, format="json")
    assert response.status_code == 400
    assert response.json()["owner"] == ["No active user is called nobody."]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_takes_the_designation_it_has_and_refuses_another(
    owner_api: Any, account: Account, method: str
) -> None:
    """The update schema has no designation (it changes through a designation request); sending
    the one the account has is harmless, sending another is refused in words, not ignored."""
    url = f"/api/v1/accounts/{account.pk}/"
    body = {"name": "Northwind Foods", "external_id": "NW-1"}
    same = getattr(owner_api, method)(url, {**body, "designation": "strategic"}, format="json")
    assert same.status_code == 200
    other = getattr(owner_api, method)(url, {**body, "designation": "exit"}, format="json")
    assert other.status_code == 400
    assert "only through a designation request" in other.json()["designation"][0]
    account.refresh_from_db()
    assert account.designation == "strategic"


def test_the_update_schema_has_no_designation(owner_api: Any) -> None:
    schemas = owner_api.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert "designation" in schemas["AccountRequest"]["properties"]  # creating one sets it
    for name in ("AccountUpdateRequest", "PatchedAccountUpdateRequest"):
        assert "designation" not in schemas[name]["properties"]
