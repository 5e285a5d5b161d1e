"""Who may write (the can_* predicates of accounts and its features): answers only, no writes.
The services refuse with the same predicates (tests/accounts/*/test_services.py, test_access.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import rules
from accounts.governance import rules as governance_rules
from accounts.models import AccountPlan, Complaint, DesignationRequest, PlanAction
from accounts.people import rules as people_rules
from accounts.plans import rules as plan_rules
from accounts.voice import rules as voice_rules
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "team_member", "other_manager", "executive", "ops", "anonymous", "root"]


@pytest.fixture
def people(owner: Any, team_member: Any, other_manager: Any, executive: Any, ops: Any) -> Any:
    return {
        "owner": owner,
        "team_member": team_member,
        "other_manager": other_manager,
        "executive": executive,
        "ops": ops,
        "anonymous": AnonymousUser(),
        "root": UserFactory(username="root-user", is_superuser=True),
    }


def _who(people: dict[str, Any], predicate: Any) -> list[str]:
    return [name for name in PERSONAS if predicate(people[name])]


def test_account_predicates(people: dict[str, Any], account: Any) -> None:
    assert _who(people, lambda u: rules.can_edit_account(u, account)) == ["owner", "root"]
    assert _who(people, lambda u: rules.can_contribute_to_account(u, account)) == [
        "owner",
        "team_member",
        "root",
    ]
    assert _who(people, lambda u: rules.can_change_team(u, account)) == ["owner", "root"]
    assert _who(people, rules.can_create_account) == [
        "owner",
        "team_member",
        "other_manager",
        "root",
    ]
    assert _who(people, rules.can_review) == ["executive", "root"]
    assert _who(people, rules.is_ops) == ["ops", "root"]


def test_only_a_superuser_gives_a_new_account_to_someone_else(people: dict[str, Any]) -> None:
    owner, other = people["owner"], people["other_manager"]
    assert rules.can_give_account_to(owner, None)
    assert rules.can_give_account_to(owner, owner)
    assert not rules.can_give_account_to(owner, other)
    assert rules.can_give_account_to(people["root"], other)


def test_a_team_member_changes_only_the_records_they_made(
    people: dict[str, Any], account: Any
) -> None:
    theirs = Complaint(account=account, created_by=people["team_member"])
    someone_elses = Complaint(account=account, created_by=people["owner"])

    assert _who(people, lambda u: voice_rules.can_change_complaint(u, theirs)) == [
        "owner",
        "team_member",
        "root",
    ]
    assert _who(people, lambda u: voice_rules.can_change_complaint(u, someone_elses)) == [
        "owner",
        "root",
    ]
    assert _who(people, lambda u: voice_rules.can_record_assessment(u, account)) == [
        "owner",
        "root",
    ]


def test_plan_predicates(people: dict[str, Any], account: Any) -> None:
    plan = AccountPlan(account=account, period="2026")
    action = PlanAction(plan=plan, owner=people["team_member"], title="Call", due=date(2026, 5, 1))

    assert _who(people, lambda u: plan_rules.can_edit_plan(u, plan)) == ["owner", "root"]
    assert _who(people, lambda u: plan_rules.can_review_plan(u, plan)) == ["executive", "root"]
    assert _who(people, lambda u: plan_rules.can_change_action(u, action)) == [
        "owner",
        "team_member",
        "root",
    ]
    assert _who(people, lambda u: plan_rules.is_own_plan(u, plan)) == ["owner"]


def test_governance_predicates(people: dict[str, Any], account: Any) -> None:
    request = DesignationRequest(account=account, requested_by=people["owner"])

    assert _who(people, lambda u: governance_rules.can_score_account(u, account)) == [
        "owner",
        "executive",
        "root",
    ]
    assert _who(people, lambda u: governance_rules.can_decide_designation(u, request)) == [
        "executive",
        "root",
    ]
    assert _who(people, lambda u: governance_rules.can_request_designation(u, account)) == [
        "owner",
        "root",
    ]


def test_people_predicates(people: dict[str, Any]) -> None:
    assert _who(people, people_rules.can_view_pay) == ["executive", "root"]
    assert _who(people, people_rules.can_view_load) == [
        "owner",
        "team_member",
        "other_manager",
        "executive",
        "ops",
        "root",
    ]
    manager = people["owner"]
    assert _who(people, lambda u: people_rules.can_read_competency_of(u, manager)) == [
        "owner",
        "executive",
        "root",
    ]


def test_predicates_write_nothing(
    people: dict[str, Any], account: Any, django_assert_max_num_queries: Any
) -> None:
    other = AccountFactory()
    # at most the team lookup of can_contribute_to_account; no INSERT, UPDATE or DELETE
    with django_assert_max_num_queries(1) as queries:
        rules.can_contribute_to_account(people["team_member"], other)
    assert all(q["sql"].startswith("SELECT") for q in queries.captured_queries)
