"""Who may change a record of an account (DOMAIN.md roles): the owner every record, a team
member only what they recorded, ops the service activities they load; everyone else is
refused, and an account one cannot see answers 404. Decided in the services, so the API and
the pages agree. Every write endpoint of account records × every persona."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import AccountEvent, Complaint, KnowledgeEntry
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)
from valuation.models import ServiceActivity, ValueEntry

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def records(account: Any, team_member: Any) -> dict[str, Any]:
    """One record of each kind on the account, each recorded by the team member tom."""
    handling = ActivityTypeFactory(code="handling")
    ActivityRateFactory(activity_type=handling)
    return {
        "complaints": Complaint.objects.create(
            account=account,
            category="delivery",
            severity="low",
            opened_on=datetime.date(2026, 1, 5),
            created_by=team_member,
        ),
        "events": AccountEvent.objects.create(
            account=account, kind="other", date=datetime.date(2026, 1, 6), created_by=team_member
        ),
        "value-entries": ValueEntryFactory(account=account, created_by=team_member),
        "activities": ServiceActivityFactory(
            account=account, activity_type=handling, created_by=team_member
        ),
    }


CHANGES = {
    "complaints": {"description": "Called back twice."},
    "events": {"notes": "Spoke to their buyer."},
    "value-entries": {"category": "productivity"},
    "activities": {"quantity": "3.00"},
}
MODELS = {
    "complaints": Complaint,
    "events": AccountEvent,
    "value-entries": ValueEntry,
    "activities": ServiceActivity,
}


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def personas(
    account: Any, owner: Any, team_member: Any, other_manager: Any, executive: Any, ops: Any
) -> dict[str, Any]:
    colleague = UserFactory(username="tina", roles=["account_manager"])
    TeamMemberFactory(account=account, user=colleague)
    return {
        "owner": owner,
        "team member who recorded it": team_member,
        "other team member": colleague,
        "unrelated manager": other_manager,
        "executive": executive,
        "ops": ops,
    }


# persona → answer to a change of a record (ops load activities, so they change those too)
EXPECTED = {
    "owner": "allowed",
    "team member who recorded it": "allowed",
    "other team member": 403,
    "unrelated manager": 404,
    "executive": 403,
    "ops": 403,
}


def _expected(persona: str, resource: str) -> Any:
    if persona == "ops" and resource == "activities":
        return "allowed"
    return EXPECTED[persona]


@pytest.mark.parametrize("resource", list(CHANGES))
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_who_may_edit(
    records: dict[str, Any], personas: dict[str, Any], resource: str, persona: str
) -> None:
    record = records[resource]
    response = _api(personas[persona]).patch(
        f"{API}/{resource}/{record.pk}/", CHANGES[resource], format="json"
    )
    expected = _expected(persona, resource)
    assert response.status_code == (200 if expected == "allowed" else expected), response.content
    field, value = next(iter(CHANGES[resource].items()))
    stored = getattr(MODELS[resource].objects.get(pk=record.pk), field)
    changed = str(stored) == value
    assert changed == (expected == "allowed")


@pytest.mark.parametrize("resource", list(CHANGES))
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_who_may_delete(
    records: dict[str, Any], personas: dict[str, Any], resource: str, persona: str
) -> None:
    record = records[resource]
    response = _api(personas[persona]).delete(f"{API}/{resource}/{record.pk}/")
    expected = _expected(persona, resource)
    assert response.status_code == (204 if expected == "allowed" else expected)
    assert MODELS[resource].objects.filter(pk=record.pk).exists() == (expected != "allowed")


def test_value_entry_page_removal_follows_the_same_rule(
    records: dict[str, Any], personas: dict[str, Any], account: Any, client: Any
) -> None:
    entry = records["value-entries"]
    client.force_login(personas["other team member"])
    refused = client.post(f"/accounts/{account.pk}/value/entries/{entry.pk}/remove/")
    assert refused.status_code == 403
    assert ValueEntry.objects.filter(pk=entry.pk).exists()
    client.force_login(personas["team member who recorded it"])
    client.post(f"/accounts/{account.pk}/value/entries/{entry.pk}/remove/")
    assert not ValueEntry.objects.filter(pk=entry.pk).exists()


def test_records_under_another_accounts_url_are_404(owner: Any, account: Any, client: Any) -> None:
    """Removing a knowledge entry or a location through another account's URL removed
    nothing and said "removed"; it is now a 404."""
    elsewhere = AccountFactory(owner=owner, external_id="EL-1")
    entry = KnowledgeEntry.objects.create(account=elsewhere, area="organisation", title="Strategy")
    location = elsewhere.locations.create(name="Depot")
    client.force_login(owner)

    knowledge = client.post(f"/accounts/{account.pk}/knowledge/{entry.pk}/remove/")
    site = client.post(f"/accounts/{account.pk}/locations/{location.pk}/remove/")

    assert (knowledge.status_code, site.status_code) == (404, 404)
    assert KnowledgeEntry.objects.filter(pk=entry.pk).exists()
    assert elsewhere.locations.filter(pk=location.pk).exists()
