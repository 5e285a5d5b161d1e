"""seed_demo's relationship maps: full maps for key accounts, with the deliberate gaps."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group

from accounts.models import Account, Designation
from demo.accounts import accounts_seed
from demo.context import DemoPortfolio, is_key_account
from demo.relationships import relationships_seed
from demo.users import demo_users_ensure
from kam.roles import Role
from relationships import selectors
from relationships.models import Contact, Interaction

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)


def _seed(seed: int = 7) -> list[Any]:
    # get_or_create: transactional tests flush the groups the migration created.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    users = demo_users_ensure()
    rng = random.Random(seed)
    accounts = accounts_seed(rng=rng, users=users, count=60)
    relationships_seed(
        rng=rng,
        portfolio=DemoPortfolio(users=users, accounts=accounts, as_of=AS_OF),
    )
    return accounts


def test_key_accounts_get_full_maps_with_deliberate_gaps() -> None:
    accounts = _seed()
    strategic = [a for a in accounts if a.designation == Designation.STRATEGIC]
    pilot = [a for a in accounts if a.designation == Designation.PILOT]
    for account in strategic + pilot:
        contacts = list(selectors.account_contacts(account=account, as_of=AS_OF))
        assert 8 <= len(contacts) <= 25
        roots = selectors.relationship_tree(contacts)
        assert sum(root.size for root in roots) == len(contacts)
        assert max(root.size for root in roots) > 5  # a real tree, not a flat list
    gaps = selectors.coverage_gaps_for_accounts(
        account_ids=[a.pk for a in strategic + pilot], as_of=AS_OF
    )
    codes = {account_id: {gap.code for gap in rows} for account_id, rows in gaps.items()}
    assert "no_coach" not in codes[strategic[0].pk]
    assert "no_economic_buyer" not in codes[strategic[0].pk]
    assert "no_coach" in codes[strategic[1].pk]
    assert "high_influence_detractor" in codes[strategic[2].pk]
    assert "no_economic_buyer" in codes[pilot[0].pk]
    assert all("contact_overdue" in found for found in codes.values())


def test_other_accounts_get_up_to_three_contacts_and_history_stays_before_as_of() -> None:
    accounts = _seed()
    others = [
        a.pk for a in accounts if a.designation not in (Designation.STRATEGIC, Designation.PILOT)
    ]
    for account_id in others:
        assert Contact.objects.filter(account_id=account_id).count() <= 3
    assert not Interaction.objects.filter(date__gt=AS_OF).exists()
    assert Interaction.objects.filter(date__lt=date(2025, 6, 30)).count() == 0


def test_demo_is_deterministic() -> None:
    _seed()
    first = list(Contact.objects.order_by("id").values_list("name", "title", "influence"))
    Account.objects.all().delete()
    _seed()
    second = list(Contact.objects.order_by("id").values_list("name", "title", "influence"))
    assert first == second


def test_key_accounts_get_lines_of_influence_and_external_ids() -> None:
    from relationships.models import ContactInfluence

    accounts = _seed()
    lines = list(ContactInfluence.objects.select_related("source", "target"))
    assert lines
    assert all(
        line.source.account_id == line.target.account_id == line.account_id for line in lines
    )
    assert all(line.source_id != line.target_id for line in lines)
    into_buyer = {line.account_id for line in lines if line.target.is_economic_buyer}
    key = {a.pk for a in accounts if is_key_account(a)}
    assert into_buyer
    assert into_buyer <= key
    assert not Contact.objects.filter(external_id="").exists()
    # the same seed draws the same lines
    first = sorted(
        ContactInfluence.objects.values_list("source__external_id", "target__external_id")
    )
    Account.objects.all().delete()
    _seed()
    assert (
        sorted(ContactInfluence.objects.values_list("source__external_id", "target__external_id"))
        == first
    )
