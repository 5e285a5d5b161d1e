"""Account.data_version: every write to a row the account 360 page shows raises the version of
the account(s) it belongs to, in one UPDATE; activity types and rates raise every account's.
The accounts app's writes go through its services (and admin), which raise it explicitly."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.admin import KamUserAdmin
from accounts.governance import services as governance_services
from accounts.models import (
    Account,
    AccountLocation,
    AccountPlan,
    CriterionScore,
    KnowledgeEntry,
    PlanAction,
    PlanObjective,
    SelectionCriterion,
)
from accounts.plans import services as plan_services
from accounts.services import account_data_changed
from accounts.voice import services as voice_services
from relationships import services as relationship_services
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.relationships.factories import ContactFactory
from tests.valuation.factories import (
    ActivityRateFactory,
    ActivityTypeFactory,
    ServiceActivityFactory,
)
from valuation import services as valuation_services
from valuation.models import ActivityType

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def _version(account: Account) -> int:
    return Account.objects.values_list("data_version", flat=True).get(pk=account.pk)


def _plan(account: Account) -> AccountPlan:
    return plan_services.account_plan_create(
        account=account, created_by=account.owner, period="2026"
    )


def _fresh_plan(plan_id: int) -> AccountPlan:
    return AccountPlan.objects.select_related("account").get(pk=plan_id)


def _plan_children_set(plan: AccountPlan, **children: list[dict[str, Any]]) -> None:
    fresh = _fresh_plan(plan.pk)
    plan_services.account_plan_update(
        plan=fresh,
        updated_by=fresh.account.owner,
        version=fresh.version,
        **children,  # type: ignore[arg-type]  # objectives= or actions=, both lists
    )


def _objective(account: Account) -> PlanObjective:
    plan = _plan(account)
    _plan_children_set(plan, objectives=[{"metric": "Share", "target": 10}])
    return PlanObjective.objects.get(plan=plan)


def _action(account: Account) -> PlanAction:
    plan = _plan(account)
    _plan_children_set(plan, actions=[{"title": "Call", "owner": account.owner, "due": DAY}])
    return PlanAction.objects.get(plan=plan)


def _criterion_score(account: Account, score: int) -> CriterionScore:
    criterion = SelectionCriterion.objects.get_or_create(name="Size", defaults={"weight": 1})[0]
    return governance_services.criterion_score_set(
        account=account, criterion=criterion, score=score, rationale="Big", scored_by=account.owner
    )


def _ops() -> Any:
    return UserFactory(roles=["ops"])


Maker = Callable[[Account], Any]
Change = Callable[[Any], Any] | None

# kind: (make a row under the account, edit it, delete it), through the services (None: the
# product has no service that edits or deletes that record on its own; locations and
# knowledge change in the admin, see test_the_admin_raises_the_version_of_the_account_it_changed).
MAKERS: dict[str, tuple[Maker, Change, Change]] = {
    "location": (
        lambda a: services.location_add(account=a, name="Plant", kind="site", added_by=a.owner),
        None,
        lambda row: services.location_remove(location=row, removed_by=row.account.owner),
    ),
    "knowledge": (
        lambda a: services.knowledge_entry_add(
            account=a, area="organisation", title="HQ", detail="", added_by=a.owner
        ),
        None,
        lambda row: services.knowledge_entry_remove(entry=row, removed_by=row.account.owner),
    ),
    "team member": (
        lambda a: services.team_member_set(
            account=a, user=UserFactory(), function="service", set_by=a.owner
        ),
        lambda row: services.team_member_set(
            account=row.account, user=row.user, function="finance", set_by=row.account.owner
        ),
        lambda row: services.team_member_remove(
            account=row.account, user=row.user, removed_by=row.account.owner
        ),
    ),
    "plan": (
        _plan,
        lambda row: plan_services.account_plan_update(
            plan=_fresh_plan(row.pk),
            updated_by=row.account.owner,
            version=_fresh_plan(row.pk).version,
            strategy="Partner",
        ),
        lambda row: plan_services.account_plan_delete(
            plan=_fresh_plan(row.pk), deleted_by=row.account.owner
        ),
    ),
    "objective": (
        _objective,
        lambda row: plan_services.plan_objective_current_set(
            objective=row, current=Decimal("4"), changed_by=row.plan.account.owner
        ),
        lambda row: _plan_children_set(row.plan, objectives=[]),
    ),
    "action": (
        _action,
        lambda row: plan_services.plan_action_status_set(
            action=row, status="done", changed_by=row.plan.account.owner
        ),
        lambda row: _plan_children_set(row.plan, actions=[]),
    ),
    "assessment": (
        lambda a: voice_services.assessment_create(
            account=a, created_by=a.owner, kind="survey", date=DAY, score=Decimal(7)
        ),
        lambda row: voice_services.assessment_update(
            assessment=row, updated_by=row.account.owner, score=Decimal("8")
        ),
        lambda row: voice_services.assessment_delete(assessment=row, deleted_by=row.account.owner),
    ),
    "complaint": (
        lambda a: voice_services.complaint_create(
            account=a, created_by=a.owner, category="late", severity="low", opened_on=DAY
        ),
        lambda row: voice_services.complaint_update(
            complaint=row, updated_by=row.account.owner, description="Two days late"
        ),
        lambda row: voice_services.complaint_delete(complaint=row, deleted_by=row.account.owner),
    ),
    "event": (
        lambda a: voice_services.account_event_create(
            account=a, created_by=a.owner, kind="rfp_issued", date=DAY
        ),
        lambda row: voice_services.account_event_update(
            event=row, updated_by=row.account.owner, notes="RFP for packaging"
        ),
        lambda row: voice_services.account_event_delete(event=row, deleted_by=row.account.owner),
    ),
    "criterion score": (
        lambda a: _criterion_score(a, 3),
        lambda row: _criterion_score(row.account, 4),
        None,
    ),
    "contact": (
        lambda a: relationship_services.contact_create(
            account=a, created_by=a.owner, name="Bea", roles=["user_buyer"]
        ),
        lambda row: relationship_services.contact_update(
            contact=row, updated_by=row.account.owner, name="Bea Buyer"
        ),
        None,  # contacts are marked inactive, not deleted
    ),
    "interaction": (
        lambda a: relationship_services.interaction_log(
            account=a,
            logged_by=a.owner,
            user=a.owner,
            date=DAY,
            channel="meeting",
            summary="Met",
            contacts=[ContactFactory(account=a)],
        ),
        None,  # an interaction is logged once
        None,
    ),
    "revenue": (
        lambda a: valuation_services.revenue_record_save(
            account=a,
            location="Plant",
            period_start=datetime.date(2025, 1, 1),
            revenue=Decimal("100"),
            cost_of_goods=Decimal("60"),
            saved_by=_ops(),
        ),
        lambda row: valuation_services.revenue_record_save(
            account=row.account,
            location=row.location.name,
            period_start=row.period_start,
            revenue=Decimal("1"),
            cost_of_goods=row.cost_of_goods,
            saved_by=_ops(),
            record=row,
        ),
        lambda row: valuation_services.revenue_record_delete(record=row, deleted_by=_ops()),
    ),
    "forecast": (
        lambda a: valuation_services.forecast_save(
            account=a,
            period_start=datetime.date(2027, 1, 1),
            revenue=Decimal("100"),
            saved_by=_ops(),
        ),
        lambda row: valuation_services.forecast_save(
            account=row.account,
            period_start=row.period_start,
            revenue=Decimal("1"),
            saved_by=_ops(),
            forecast=row,
        ),
        lambda row: valuation_services.forecast_delete(forecast=row, deleted_by=_ops()),
    ),
    "service activity": (
        lambda a: valuation_services.service_activity_create(
            account=a,
            activity_type=ActivityType.objects.get(),
            date=DAY,
            quantity=Decimal("2"),
            created_by=a.owner,
        ),
        lambda row: valuation_services.service_activity_update(
            activity=row, changed_by=row.account.owner, quantity=Decimal("3")
        ),
        lambda row: valuation_services.service_activity_delete(
            activity=row, deleted_by=row.account.owner
        ),
    ),
    "value entry": (
        lambda a: valuation_services.value_entry_create(
            account=a,
            created_by=a.owner,
            direction="delivered",
            category="cost savings",
            amount=Decimal("5000"),
            date=DAY,
        ),
        lambda row: valuation_services.value_entry_update(
            entry=row, changed_by=row.account.owner, amount=Decimal("1")
        ),
        lambda row: valuation_services.value_entry_delete(entry=row, deleted_by=row.account.owner),
    ),
}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_create_edit_and_delete_each_raise_the_version(kind: str) -> None:
    make, edit, delete = MAKERS[kind]
    ActivityTypeFactory()  # before the counts: a new activity type raises every account
    account = AccountFactory()
    other = AccountFactory()
    base, other_base = _version(account), _version(other)

    # create
    row = make(account)
    after_create = _version(account)
    assert after_create > base

    # edit
    after_edit = after_create
    if edit is not None:
        edit(row)
        after_edit = _version(account)
        assert after_edit == after_create + 1

    # delete
    if delete is not None:
        delete(row)
        assert _version(account) == after_edit + 1

    # nobody else's page changed
    assert _version(other) == other_base


def test_account_edit_raises_its_version_and_keeps_it_rising() -> None:
    account = AccountFactory()
    stale = Account.objects.get(pk=account.pk)
    KnowledgeEntry.objects.create(account=account, area="organisation", title="HQ")

    services.account_update(account=stale, updated_by=stale.owner, name="Renamed")

    refreshed = Account.objects.get(pk=account.pk)
    assert refreshed.name == "Renamed"
    assert refreshed.updated_at > account.updated_at  # the cache key carries both
    assert refreshed.data_version == account.data_version + 1


def test_the_admin_raises_the_version_of_the_account_it_changed(admin_client: Client) -> None:
    account = AccountFactory()
    location = AccountLocation.objects.create(account=account, name="Plant")
    entry = KnowledgeEntry.objects.create(account=account, area="organisation", title="HQ")
    other = AccountFactory()
    before, other_before = _version(account), _version(other)
    url = reverse("admin:accounts_account_change", args=[account.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["owner"] = account.owner.pk
    for prefix, rows in (
        ("team_members", []),
        ("locations", [{"id": location.pk, "name": "Mill", "kind": location.kind}]),
        ("knowledge", [{"id": entry.pk, "area": entry.area, "title": "Head office"}]),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
            data[f"{prefix}-{index}-account"] = account.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert AccountLocation.objects.get(pk=location.pk).name == "Mill"
    assert _version(account) == before + 1  # once for the account and its inlines
    assert _version(other) == other_before


@pytest.mark.parametrize("kind", ["activity type", "activity rate"])
def test_activity_types_and_rates_raise_every_account(kind: str) -> None:
    first, second = AccountFactory(), AccountFactory()
    activity_type = ActivityTypeFactory()
    row = ActivityRateFactory(activity_type=activity_type) if kind == "activity rate" else None
    before = (_version(first), _version(second))

    if row is None:
        valuation_services.activity_type_update(
            activity_type=activity_type, updated_by=_ops(), name="Picking"
        )
    else:
        valuation_services.activity_rate_update(
            rate=row, updated_by=_ops(), unit_cost=Decimal("99")
        )

    assert (_version(first), _version(second)) == (before[0] + 1, before[1] + 1)


def _rename_in_admin(user: Any, **names: str) -> None:
    """Save the user as the admin's user page does, its form having changed `names`."""
    for field_name, value in names.items():
        setattr(user, field_name, value)
    user_admin = KamUserAdmin(type(user), django_admin.site)
    form = SimpleNamespace(changed_data=list(names))
    user_admin.save_model(RequestFactory().post("/"), user, form, change=True)  # type: ignore[arg-type]  # only changed_data is read


def test_user_rename_raises_the_accounts_showing_the_name_but_a_login_does_not() -> None:
    owner = UserFactory(roles=["account_manager"])
    owned = AccountFactory(owner=owner)
    on_team = AccountFactory()
    TeamMemberFactory(account=on_team, user=owner)
    elsewhere = AccountFactory()
    before = [_version(a) for a in (owned, on_team, elsewhere)]

    _rename_in_admin(owner, last_name="Renamed")
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

    _rename_in_admin(former, first_name="Renamed")

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
