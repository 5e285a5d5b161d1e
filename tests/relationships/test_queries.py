"""Query counts of the map page and the contacts endpoint stay flat from 10 to 200 contacts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from accounts.models import Account
from relationships.models import Contact, ContactGoal, ContactInfluence, Interaction

pytestmark = pytest.mark.django_db


def _map(account: Account, owner: Any, team_member: Any, size: int) -> None:
    """`size` people in a reports-to tree (five per manager), each with two goals, an
    interaction with every third person, half of them by each of our people, and every
    fourth person influencing the first."""
    contacts = Contact.objects.bulk_create(
        Contact(
            account=account,
            name=f"Person {index:03d}",
            is_coach=index % 7 == 0,
            is_economic_buyer=index == 0,
            influence="high" if index % 5 == 0 else "low",
            primary_contact=owner if index % 2 else team_member,
        )
        for index in range(size)
    )
    for index, contact in enumerate(contacts[1:], start=1):
        contact.reports_to = contacts[(index - 1) // 5]
    Contact.objects.bulk_update(contacts, ["reports_to"])
    ContactGoal.objects.bulk_create(
        ContactGoal(contact=contact, position=position, text=f"Goal {position}")
        for contact in contacts
        for position in (1, 2)
    )
    ContactInfluence.objects.bulk_create(
        ContactInfluence(account=account, source=contact, target=contacts[0])
        for contact in contacts[4::4]
    )
    for index, contact in enumerate(contacts[::3]):
        interaction = Interaction.objects.create(
            account=account,
            user=owner if index % 2 else team_member,
            date=date(2026, 1, 1) + timedelta(days=index % 28),
            summary="Visit",
        )
        interaction.contacts.add(contact)


@pytest.mark.parametrize("size", [10, 200])
def test_contacts_endpoint_queries(
    owner: Any,
    owner_api: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # user's groups (role, inside the visibility subquery), COUNT, page of contacts joined
    # with account, primary contact and manager and annotated with the last interaction,
    # their goals
    with django_assert_num_queries(4):
        response = owner_api.get("/api/v1/contacts/?page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == size
    assert len(response.json()["results"][0]["goals"]) == 2


@pytest.mark.parametrize("size", [10, 200])
def test_coverage_gaps_endpoint_queries(
    owner: Any,
    owner_api: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # groups, account, contacts with last interaction and primary contact, goals, lines of
    # influence
    with django_assert_num_queries(5):
        response = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_map_page_queries(
    owner: Any,
    owner_client: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # session, user, user's groups (role), account with owner, contacts with last
    # interaction and primary contact, their goals, the lines of influence, the team (our
    # people), interaction counts per (our person, their person), latest interactions with
    # our person, their contacts
    with django_assert_num_queries(11):
        response = owner_client.get(f"/accounts/{account.pk}/relationships/")
    assert response.status_code == 200
    assert len(response.context["contacts"]) == size
    assert "Person 000" in response.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_decision_makers_page_queries(
    owner: Any,
    owner_client: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # session, user, user's groups (role), COUNT, page of contacts with account, primary
    # contact and last interaction
    with django_assert_num_queries(5):
        response = owner_client.get("/decision-makers/?influence=low")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_interactions_endpoint_queries(
    owner: Any,
    owner_api: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # user's groups (role, inside the visibility subquery), COUNT, page of interactions
    # joined with our person and the account, their contacts
    with django_assert_num_queries(4):
        response = owner_api.get("/api/v1/interactions/?page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == len(range(0, size, 3))
    assert len(response.json()["results"][0]["contacts"]) == 1


@pytest.mark.parametrize("size", [10, 200])
def test_influences_endpoint_queries(
    owner: Any,
    owner_api: Any,
    team_member: Any,
    account: Account,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    _map(account, owner, team_member, size)
    # user's groups (role, inside the visibility subquery), COUNT, page of lines joined with
    # the account and both people
    with django_assert_num_queries(3):
        response = owner_api.get(f"/api/v1/contact-influences/?account={account.pk}&page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == len(range(4, size, 4))
