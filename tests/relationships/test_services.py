"""Contact and interaction services: the data rules, cycles, cross-account checks, and the
selectors that derive last interaction, overdue flags and coverage gaps."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account
from relationships import selectors, services
from relationships.models import Contact, ContactGoal, Interaction
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def test_contact_create_with_roles_goals_and_team_primary_contact(
    account: Account, owner: Any, team_member: Any
) -> None:
    contact = services.contact_create(
        account=account,
        created_by=owner,
        name="  Dana Reyes ",
        title="CFO",
        roles=["economic_buyer", "technical_buyer"],
        influence="high",
        attitude="supporter",
        goals=[
            "Cut working capital",
            {"text": "On-time delivery", "metric": "OTD %", "target": "98", "current": 93.5},
        ],
        primary_contact=team_member,
        evidence_verified_on=timezone.localdate(),
    )
    contact.refresh_from_db()
    assert contact.name == "Dana Reyes"
    assert contact.roles == ["economic_buyer", "technical_buyer"]
    assert contact.primary_contact == team_member
    assert list(contact.goals.values_list("position", "text", "metric", "target", "current")) == [
        (1, "Cut working capital", "", None, None),
        (2, "On-time delivery", "OTD %", Decimal("98.00"), Decimal("93.50")),
    ]


def test_contact_update_replaces_goals_and_keeps_unsent_fields(
    account: Account, owner: Any
) -> None:
    contact = services.contact_create(
        account=account, created_by=owner, name="Dana", roles=["coach"], goals=["A", "B"]
    )
    services.contact_update(contact=contact, updated_by=owner, goals=["C"], influence="low")
    contact.refresh_from_db()
    assert list(contact.goals.values_list("text", flat=True)) == ["C"]
    assert (contact.influence, contact.is_coach) == ("low", True)


BAD_CONTACTS = [
    ("unknown role", {"roles": ["coach", "boss"]}, "roles", '"boss" is not a buying role'),
    ("influence out of range", {"influence": "extreme"}, "influence", "extreme"),
    ("four goals", {"goals": ["a", "b", "c", "d"]}, "goals", "at most three goals"),
    (
        "goal target not a number",
        {"goals": [{"text": "a", "metric": "m", "target": "x"}]},
        "goals",
        "must be a number",
    ),
    (
        "strength 6",
        {"relationship_strength": 6},
        "relationship_strength",
        "less than or equal to 5",
    ),
    ("frequency 0", {"contact_frequency_days": 0}, "contact_frequency_days", "greater than or"),
    ("blank name", {"name": " "}, "name", "Give the person's name"),
]


@pytest.mark.parametrize(("_case", "change", "field", "message"), BAD_CONTACTS)
def test_contact_create_refuses_bad_input_and_writes_nothing(
    account: Account, owner: Any, _case: str, change: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.contact_create(account=account, created_by=owner, **{"name": "Dana", **change})
    assert message in " ".join(raised.value.message_dict[field])
    assert Contact.objects.count() == 0
    assert ContactGoal.objects.count() == 0


def test_primary_contact_must_be_on_the_team(
    account: Account, owner: Any, other_manager: Any
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.contact_create(
            account=account, created_by=owner, name="Dana", primary_contact=other_manager
        )
    assert "mallory is not on the Northwind Foods account team" in str(raised.value)
    assert Contact.objects.count() == 0


def test_future_verification_date_refused(account: Account, owner: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.contact_create(
            account=account, created_by=owner, name="Dana", evidence_verified_on=tomorrow
        )
    assert "is in the future" in " ".join(raised.value.message_dict["evidence_verified_on"])
    assert Contact.objects.count() == 0


def test_reports_to_another_accounts_contact_refused(account: Account, owner: Any) -> None:
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    with pytest.raises(ValidationError) as raised:
        services.contact_create(account=account, created_by=owner, name="Dana", reports_to=stranger)
    assert "not a contact of Northwind Foods" in " ".join(raised.value.message_dict["reports_to"])
    with pytest.raises(ValidationError):
        services.contact_create(
            account=account, created_by=owner, name="Dana", reports_to=stranger.pk
        )
    assert Contact.objects.filter(account=account).count() == 0


def test_reports_to_cycle_refused(account: Account, owner: Any) -> None:
    # given ceo ← cfo ← controller
    ceo = ContactFactory(account=account, name="Ceo")
    cfo = ContactFactory(account=account, name="Cfo", reports_to=ceo)
    controller = ContactFactory(account=account, name="Controller", reports_to=cfo)
    # when the ceo is made to report to the controller
    with pytest.raises(ValidationError) as raised:
        services.contact_update(contact=ceo, updated_by=owner, reports_to=controller)
    # then the loop is refused, and nothing changed
    assert "Ceo cannot report to Controller" in " ".join(raised.value.message_dict["reports_to"])
    ceo.refresh_from_db()
    assert ceo.reports_to_id is None
    with pytest.raises(ValidationError) as raised:
        services.contact_update(contact=ceo, updated_by=owner, reports_to=ceo)
    assert "cannot report to themselves" in str(raised.value)


def test_reports_to_same_account_accepted(account: Account, owner: Any) -> None:
    ceo = ContactFactory(account=account, name="Ceo")
    cfo = services.contact_create(account=account, created_by=owner, name="Cfo", reports_to=ceo.pk)
    assert cfo.reports_to == ceo


def test_interaction_log_by_team_member(account: Account, team_member: Any) -> None:
    dana = ContactFactory(account=account)
    interaction = services.interaction_log(
        account=account,
        logged_by=team_member,
        user=team_member,
        date=date(2026, 1, 10),
        channel="phone",
        summary="Pricing call",
        contacts=[dana.pk],
    )
    assert list(interaction.contacts.all()) == [dana]


BAD_INTERACTIONS = [
    ("contact of another account", {"contacts": "stranger"}, "contacts", "not at Northwind Foods"),
    ("no contact", {"contacts": []}, "contacts", "at least one person"),
    ("future date", {"date": "tomorrow"}, "date", "is in the future"),
    ("outsider as our person", {"user": "other_manager"}, "user", "not on the Northwind Foods"),
    ("unknown channel", {"channel": "pigeon"}, "channel", "pigeon"),
    ("blank summary", {"summary": " "}, "summary", "what was discussed"),
]


@pytest.mark.parametrize(("_case", "change", "field", "message"), BAD_INTERACTIONS)
def test_interaction_log_refuses_bad_input(
    request: Any,
    account: Account,
    owner: Any,
    _case: str,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    dana = ContactFactory(account=account)
    stranger = ContactFactory(account=AccountFactory())
    values: dict[str, Any] = {
        "user": owner,
        "date": date(2026, 1, 10),
        "channel": "meeting",
        "summary": "Review",
        "contacts": [dana],
    }
    values.update(change)
    if values["contacts"] == "stranger":
        values["contacts"] = [dana, stranger]
    if values["date"] == "tomorrow":
        values["date"] = timezone.localdate() + timedelta(days=1)
    if isinstance(values["user"], str):
        values["user"] = request.getfixturevalue(values["user"])
    with pytest.raises(ValidationError) as raised:
        services.interaction_log(account=account, logged_by=owner, **values)
    assert message in " ".join(raised.value.message_dict[field])
    assert Interaction.objects.count() == 0


def test_last_interaction_and_overdue_per_contact(account: Account, owner: Any) -> None:
    as_of = date(2026, 3, 31)
    fresh = ContactFactory(account=account, name="Fresh", contact_frequency_days=30)
    stale = ContactFactory(account=account, name="Stale", contact_frequency_days=30)
    never = ContactFactory(account=account, name="Never", contact_frequency_days=30)
    InteractionFactory(account=account, user=owner, date=date(2026, 3, 1), contacts=[fresh])
    InteractionFactory(account=account, user=owner, date=date(2026, 2, 28), contacts=[stale])
    InteractionFactory(account=account, user=owner, date=date(2026, 1, 1), contacts=[fresh, stale])
    # after as_of: does not count
    InteractionFactory(account=account, user=owner, date=date(2026, 4, 5), contacts=[stale])
    rows = selectors.contacts_with_last_interaction(as_of=as_of, account_ids=[account.pk])
    assert sorted((c.name, c.last_interaction_on, c.is_overdue) for c in rows) == [
        ("Fresh", date(2026, 3, 1), False),
        ("Never", None, True),
        ("Stale", date(2026, 2, 28), True),
    ]
    assert sorted(rows.filter(is_overdue=True).values_list("name", flat=True)) == [
        "Never",
        "Stale",
    ]
    assert never.pk in set(
        rows.filter(last_interaction_on__isnull=True).values_list("pk", flat=True)
    )


def test_coverage_gaps_for_account_and_many_accounts_agree(
    account: Account, owner: Any, team_member: Any
) -> None:
    as_of = date(2026, 3, 31)
    boss = ContactFactory(
        account=account,
        name="Boss",
        is_economic_buyer=True,
        influence="high",
        attitude="detractor",
        primary_contact=owner,
        evidence_verified_on=date(2026, 3, 1),
    )
    ContactGoal.objects.create(contact=boss, position=1, text="Grow")
    InteractionFactory(account=account, user=owner, date=date(2026, 3, 20), contacts=[boss])
    empty = AccountFactory()
    one = selectors.coverage_gaps_for_account(account=account, as_of=as_of)
    assert [(gap.code, gap.contact) for gap in one] == [
        ("no_coach", None),
        ("single_threaded", None),
        ("high_influence_detractor", boss.pk),
    ]
    assert one[2].contact_name == "Boss"
    many = selectors.coverage_gaps_for_accounts(account_ids=[account.pk, empty.pk], as_of=as_of)
    assert many[account.pk] == one
    assert [gap.code for gap in many[empty.pk]] == ["no_economic_buyer", "no_coach"]


def test_relationship_tree_has_several_roots_and_nests_reports(account: Account) -> None:
    ceo = ContactFactory(account=account, name="A Ceo")
    cfo = ContactFactory(account=account, name="B Cfo", reports_to=ceo)
    ContactFactory(account=account, name="C Controller", reports_to=cfo)
    ContactFactory(account=account, name="D Plant manager")
    contacts = list(selectors.account_contacts(account=account, as_of=date(2026, 1, 1)))
    roots = selectors.relationship_tree(contacts)
    assert [root.contact.name for root in roots] == ["A Ceo", "D Plant manager"]
    assert [child.contact.name for child in roots[0].children] == ["B Cfo"]
    assert roots[0].children[0].children[0].depth == 2
    assert roots[0].size == 3


def test_loader_shape_of_contacts_with_last_interaction(account: Account, owner: Any) -> None:
    """The analysis loader reads plain rows for a set of accounts (one query)."""
    dana = ContactFactory(account=account, name="Dana", is_coach=True, contact_frequency_days=30)
    InteractionFactory(account=account, user=owner, date=date(2026, 3, 1), contacts=[dana])
    ContactFactory(account=AccountFactory(), name="Elsewhere")
    rows = list(
        selectors.contacts_with_last_interaction(as_of=date(2026, 3, 31), account_ids=[account.pk])
        .order_by("id")
        .values(
            "account_id",
            "id",
            "name",
            "is_economic_buyer",
            "is_user_buyer",
            "is_technical_buyer",
            "is_coach",
            "is_active",
            "contact_frequency_days",
            "last_interaction_on",
            "is_overdue",
        )
    )
    assert rows == [
        {
            "account_id": account.pk,
            "id": dana.pk,
            "name": "Dana",
            "is_economic_buyer": False,
            "is_user_buyer": False,
            "is_technical_buyer": False,
            "is_coach": True,
            "is_active": True,
            "contact_frequency_days": 30,
            "last_interaction_on": date(2026, 3, 1),
            "is_overdue": False,  # exactly 30 days before as_of: still in time
        },
    ]


def test_coverage_gaps_for_every_account(
    account: Account, boss: Contact, django_assert_num_queries: Any
) -> None:
    empty = AccountFactory()
    # account ids, goal counts, contacts with last interaction and primary contact, lines
    # of influence
    with django_assert_num_queries(4):
        gaps = selectors.coverage_gaps_for_accounts(as_of=date(2026, 3, 31))
    assert set(gaps) == {account.pk, empty.pk}
    assert [gap.code for gap in gaps[empty.pk]] == ["no_economic_buyer", "no_coach"]
    assert "no_economic_buyer" not in {gap.code for gap in gaps[account.pk]}
