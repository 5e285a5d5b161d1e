"""Account.data_version: every write to a row the account 360 page shows raises the version of
the account(s) it belongs to, in one UPDATE; activity types and rates raise every account's."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import (
    Account,
    AccountEvent,
    AccountLocation,
    AccountPlan,
    Assessment,
    Complaint,
    CriterionScore,
    KnowledgeEntry,
    PlanAction,
    PlanObjective,
    SelectionCriterion,
)
from accounts.services import account_data_changed
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.relationships.factories import ContactFactory, ContactGoalFactory, InteractionFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ForecastFactory,
    LocationFactory,
    RevenueRecordFactory,
    ServiceActivityFactory,
    ValueEntryFactory,
)
from valuation.models import ActivityType

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def _version(account: Account) -> int:
    return Account.objects.values_list("data_version", flat=True).get(pk=account.pk)


def _plan(account: Account) -> AccountPlan:
    return AccountPlan.objects.create(
        account=account,
        period="2026",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )


# kind: (make a row under the account, the field an edit changes and its new value)
MAKERS: dict[str, tuple[Callable[[Account], Any], str, Any]] = {
    "location": (lambda a: AccountLocation.objects.create(account=a, name="Plant"), "name", "Mill"),
    "knowledge": (
        lambda a: KnowledgeEntry.objects.create(account=a, area="organisation", title="HQ"),
        "title",
        "Head office",
    ),
    "team member": (lambda a: TeamMemberFactory(account=a), "function", "finance"),
    "plan": (_plan, "strategy", "Partner"),
    "objective": (
        lambda a: PlanObjective.objects.create(plan=_plan(a), metric="Share", target=10),
        "current",
        Decimal("4"),
    ),
    "action": (
        lambda a: PlanAction.objects.create(plan=_plan(a), title="Call", owner=a.owner, due=DAY),
        "status",
        "done",
    ),
    "assessment": (
        lambda a: Assessment.objects.create(account=a, kind="survey", date=DAY, score=7),
        "score",
        Decimal("8"),
    ),
    "complaint": (
        lambda a: Complaint.objects.create(account=a, category="late", opened_on=DAY),
        "description",
        "Two days late",
    ),
    "event": (
        lambda a: AccountEvent.objects.create(account=a, kind="rfp_issued", date=DAY),
        "notes",
        "RFP for packaging",
    ),
    "criterion score": (
        lambda a: CriterionScore.objects.create(
            account=a,
            criterion=SelectionCriterion.objects.create(name="Size", weight=1),
            score=3,
        ),
        "score",
        4,
    ),
    "contact": (lambda a: ContactFactory(account=a), "name", "Bea Buyer"),
    "contact goal": (lambda a: ContactGoalFactory(contact=ContactFactory(account=a)), "text", "x"),
    "interaction": (lambda a: InteractionFactory(account=a, user=a.owner), "summary", "Met"),
    "revenue": (
        lambda a: RevenueRecordFactory(account=a, location=LocationFactory(account=a)),
        "revenue",
        Decimal("1"),
    ),
    "forecast": (lambda a: ForecastFactory(account=a), "revenue", Decimal("1")),
    "service activity": (
        lambda a: ServiceActivityFactory(account=a, activity_type=ActivityType.objects.get()),
        "quantity",
        Decimal("3"),
    ),
    "value entry": (lambda a: ValueEntryFactory(account=a), "amount", Decimal("1")),
}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_create_edit_and_delete_each_raise_the_version(kind: str) -> None:
    make, field_name, new_value = MAKERS[kind]
    ActivityTypeFactory()  # before the counts: a new activity type raises every account
    account = AccountFactory()
    other = AccountFactory()
    base, other_base = _version(account), _version(other)

    # create
    row = make(account)
    after_create = _version(account)
    assert after_create > base

    # edit
    setattr(row, field_name, new_value)
    row.save()
    after_edit = _version(account)
    assert after_edit == after_create + 1

    # delete
    row.delete()
    assert _version(account) == after_edit + 1

    # nobody else's page changed
    assert _version(other) == other_base


def test_account_edit_raises_its_version_and_keeps_it_rising() -> None:
    account = AccountFactory()
    stale = Account.objects.get(pk=account.pk)
    KnowledgeEntry.objects.create(account=account, area="organisation", title="HQ")

    stale.name = "Renamed"
    stale.save()  # writes the version it read, then the receiver raises it

    refreshed = Account.objects.get(pk=account.pk)
    assert refreshed.name == "Renamed"
    assert refreshed.updated_at > account.updated_at  # the cache key carries both


def test_interaction_contacts_added_and_removed_raise_the_version() -> None:
    account = AccountFactory()
    contact = ContactFactory(account=account)
    interaction = InteractionFactory(account=account, user=account.owner)
    base = _version(account)

    interaction.contacts.add(contact)
    assert _version(account) == base + 1
    interaction.contacts.remove(contact)
    assert _version(account) == base + 2
    contact.interactions.add(interaction)  # from the contact's side
    assert _version(account) == base + 3


@pytest.mark.parametrize("kind", ["activity type", "activity rate"])
def test_activity_types_and_rates_raise_every_account(kind: str) -> None:
    first, second = AccountFactory(), AccountFactory()
    activity_type = ActivityTypeFactory()
    row = ActivityRateFactory(activity_type=activity_type) if kind == "activity rate" else None
    before = (_version(first), _version(second))

    if row is None:
        activity_type.name = "Picking"
        activity_type.save()
    else:
        row.unit_cost = Decimal("99")
        row.save()

    assert (_version(first), _version(second)) == (before[0] + 1, before[1] + 1)


def test_user_rename_raises_the_accounts_showing_the_name_but_a_login_does_not() -> None:
    owner = UserFactory(roles=["account_manager"])
    owned = AccountFactory(owner=owner)
    on_team = AccountFactory()
    TeamMemberFactory(account=on_team, user=owner)
    elsewhere = AccountFactory()
    before = [_version(a) for a in (owned, on_team, elsewhere)]

    owner.last_name = "Renamed"
    owner.save()
    assert [_version(a) for a in (owned, on_team, elsewhere)] == [
        before[0] + 1,
        before[1] + 1,
        before[2],
    ]

    owner.last_login = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    owner.save(update_fields=["last_login"])
    assert _version(owned) == before[0] + 1


def test_renaming_a_former_team_member_raises_accounts_where_they_are_still_primary() -> None:
    # Coverage gaps name a contact's primary contact, who may have left the team since.
    former = UserFactory(roles=["account_manager"])
    account = AccountFactory()
    contact = ContactFactory(account=account)
    type(contact).objects.filter(pk=contact.pk).update(primary_contact=former)
    before = _version(account)

    former.first_name = "Renamed"
    former.save()

    assert _version(account) == before + 1


def test_account_data_changed_is_one_update() -> None:
    first, second, third = AccountFactory(), AccountFactory(), AccountFactory()

    with CaptureQueriesContext(connection) as queries:
        bumped = account_data_changed(account_ids=[first.pk, second.pk, first.pk])
    assert bumped == 2
    assert len(queries) == 1
    assert [_version(a) for a in (first, second, third)] == [1, 1, 0]

    with CaptureQueriesContext(connection) as queries:
        assert account_data_changed(account_ids=[]) == 0
    assert len(queries) == 0

    assert account_data_changed(account_ids=None) == Account.objects.count()
    assert _version(third) == 1


def test_deleting_an_account_does_not_update_it_once_per_child() -> None:
    account = AccountFactory()
    for index in range(5):
        ServiceActivityFactory(account=account)
        KnowledgeEntry.objects.create(account=account, area="organisation", title=f"F{index}")

    with CaptureQueriesContext(connection) as queries:
        account.delete()

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "accounts_account"')]
    assert updates == []
    assert not Account.objects.filter(pk=account.pk).exists()
