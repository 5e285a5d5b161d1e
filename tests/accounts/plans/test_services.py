"""Plan services: the workflow by role, the optimistic lock, and the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccountPlan, PlanAction, PlanStatus
from accounts.plans import selectors as plan_selectors
from accounts.plans import services as plan_services
from accounts.plans.services import PlanVersionConflictError
from tests.accounts.plans.factories import (
    AccountPlanFactory,
    PlanActionFactory,
    plan_with_content,
)
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_creates_plan_with_objectives_and_actions(account: Any, owner: Any) -> None:
    plan = plan_services.account_plan_create(
        account=account,
        created_by=owner,
        period="2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        situation="  Two plants.  ",
        objectives=[{"metric": "Share of wallet", "target": "45", "current": None}],
        actions=[{"title": "Site visit", "owner": owner, "due": date(2027, 2, 1)}],
    )
    assert (plan.status, plan.version, plan.situation) == (PlanStatus.DRAFT, 1, "Two plants.")
    assert list(plan.objectives.values_list("metric", "target")) == [
        ("Share of wallet", Decimal("45.00"))
    ]
    assert list(plan.actions.values_list("title", "status")) == [("Site visit", "open")]


@pytest.mark.parametrize(
    ("_case", "user_fixture"),
    [("team member", "team_member"), ("executive", "executive"), ("ops", "ops")],
)
def test_only_owner_creates_plans(
    request: Any, account: Any, _case: str, user_fixture: str
) -> None:
    with pytest.raises(PermissionDenied):
        plan_services.account_plan_create(
            account=account,
            created_by=request.getfixturevalue(user_fixture),
            period="2027",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
        )
    assert not AccountPlan.objects.exists()


@pytest.mark.parametrize(
    ("_case", "change", "field", "message"),
    [
        (
            "action due before the period",
            {"actions": "early"},
            "actions",
            "the due date 2026-12-31 is before the plan period, which starts on 2027-01-01",
        ),
        (
            "period ends before it starts",
            {"period_end": date(2026, 6, 30)},
            "period_end",
            "The period must end on or after the day it starts (2027-01-01).",
        ),
        ("blank period", {"period": "  "}, "period", 'Name the period, e.g. "2027".'),
        ("objective without metric", {"objectives": "nometric"}, "objectives", "name the metric"),
    ],
)
def test_bad_plan_input_writes_nothing(
    account: Any, owner: Any, _case: str, change: dict[str, Any], field: str, message: str
) -> None:
    fields: dict[str, Any] = {
        "period": "2027",
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 12, 31),
        "objectives": [{"metric": "Share", "target": "45"}],
        "actions": [{"title": "Visit", "owner": owner, "due": date(2027, 2, 1)}],
    }
    fields.update(change)
    if change.get("actions") == "early":
        fields["actions"] = [{"title": "Visit", "owner": owner, "due": date(2026, 12, 31)}]
    if change.get("objectives") == "nometric":
        fields["objectives"] = [{"metric": "", "target": "45"}]
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_create(account=account, created_by=owner, **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert not AccountPlan.objects.exists()
    assert not PlanAction.objects.exists()


def test_second_plan_for_the_same_period_is_refused(account: Any, owner: Any) -> None:
    AccountPlanFactory(account=account, period="2027")
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_create(
            account=account,
            created_by=owner,
            period="2027",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
        )
    assert "already has a plan for that period" in str(caught.value)
    assert AccountPlan.objects.count() == 1


# --- workflow -----------------------------------------------------------------------------


def test_workflow_submit_return_resubmit_approve(account: Any, owner: Any, executive: Any) -> None:
    plan = plan_with_content(account)
    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    plan.refresh_from_db()
    assert (plan.status, plan.submitted_by, plan.version) == (PlanStatus.SUBMITTED, owner, 2)

    plan_services.account_plan_return(plan=plan, returned_by=executive, comment="Targets?")
    plan.refresh_from_db()
    assert (plan.status, plan.return_comment, plan.reviewed_by) == (
        PlanStatus.DRAFT,
        "Targets?",
        executive,
    )

    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    plan.refresh_from_db()
    plan_services.account_plan_approve(plan=plan, approved_by=executive)
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by, plan.version) == (PlanStatus.APPROVED, executive, 5)


@pytest.mark.parametrize(
    ("_case", "user_fixture"),
    [("team member", "team_member"), ("executive", "executive"), ("ops", "ops")],
)
def test_only_owner_submits(request: Any, account: Any, _case: str, user_fixture: str) -> None:
    plan = plan_with_content(account)
    with pytest.raises(PermissionDenied):
        plan_services.account_plan_submit(
            plan=plan, submitted_by=request.getfixturevalue(user_fixture)
        )
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 1)


@pytest.mark.parametrize(
    ("_case", "user_fixture"),
    [("owner", "owner"), ("team member", "team_member"), ("ops", "ops")],
)
@pytest.mark.parametrize("verb", ["approve", "return"])
def test_only_executives_approve_or_return(
    request: Any, account: Any, _case: str, user_fixture: str, verb: str
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    user = request.getfixturevalue(user_fixture)
    actions = {
        "approve": lambda: plan_services.account_plan_approve(plan=plan, approved_by=user),
        "return": lambda: plan_services.account_plan_return(
            plan=plan, returned_by=user, comment="No"
        ),
    }
    with pytest.raises(PermissionDenied):
        actions[verb]()
    plan.refresh_from_db()
    assert (plan.status, plan.return_comment, plan.version) == (PlanStatus.SUBMITTED, "", 1)


def test_executive_cannot_approve_own_plan(db: Any) -> None:
    # given an executive who also manages and owns an account
    boss = UserFactory(username="boss", roles=["executive", "account_manager"])
    plan = plan_with_content(AccountFactory(name="Own Co", owner=boss))
    plan_services.account_plan_submit(plan=plan, submitted_by=boss)
    plan.refresh_from_db()
    # when they approve it themselves
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_approve(plan=plan, approved_by=boss)
    # then it is refused and stays submitted
    assert "cannot approve your own plan" in str(caught.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_return_needs_a_comment(account: Any, executive: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_return(plan=plan, returned_by=executive, comment="  ")
    assert "rework" in caught.value.message_dict["comment"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.APPROVED])
def test_only_submitted_plans_are_approved(account: Any, executive: Any, status: str) -> None:
    plan = plan_with_content(account, status=status)
    with pytest.raises(ValidationError):
        plan_services.account_plan_approve(plan=plan, approved_by=executive)
    plan.refresh_from_db()
    assert plan.status == status


def test_incomplete_plan_cannot_be_submitted(account: Any, owner: Any) -> None:
    plan = AccountPlanFactory(account=account, situation="", strategy="")
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert set(caught.value.message_dict) == {"situation", "strategy", "objectives"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_submitted_plan_content_is_locked(account: Any, owner: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_update(plan=plan, updated_by=owner, version=1, strategy="x")
    assert "only while it is a draft" in caught.value.message_dict["status"][0]
    plan.refresh_from_db()
    assert plan.strategy.startswith("Win the east plant")


# --- optimistic lock ------------------------------------------------------------------------


def test_stale_save_is_refused_and_lists_the_changes(account: Any, owner: Any) -> None:
    # given two tabs opened the plan at version 1, and the first saved a new strategy
    plan = plan_with_content(account)
    first = AccountPlan.objects.get(pk=plan.pk)
    second = AccountPlan.objects.get(pk=plan.pk)
    plan_services.account_plan_update(
        plan=first, updated_by=owner, version=1, strategy="Bundle service and supply."
    )
    # when the second saves its own change based on version 1
    with pytest.raises(PlanVersionConflictError) as caught:
        plan_services.account_plan_update(
            plan=second, updated_by=owner, version=1, vision="Sole supplier."
        )
    # then nothing of the second is written and the message says what changed
    conflict = caught.value
    assert conflict.plan.version == 2
    assert "it is now version 2" in conflict.message
    changed = [(c.label, c.new) for entry in conflict.changes for c in entry.changes]
    assert ("2 · Strategy", "Bundle service and supply.") in changed
    plan.refresh_from_db()
    assert (plan.version, plan.strategy, plan.vision) == (
        2,
        "Bundle service and supply.",
        "Preferred supplier for every plant.",
    )


def test_conditional_update_refuses_a_version_that_moved_underneath(
    account: Any, owner: Any
) -> None:
    # given a caller holding an instance that still says version 1 while the row moved on
    plan = plan_with_content(account)
    AccountPlan.objects.filter(pk=plan.pk).update(version=2)
    stale = AccountPlan.objects.get(pk=plan.pk)
    stale.version = 1  # what the caller believes; the row says 2
    # when it saves based on version 1, the conditional UPDATE matches no row
    with pytest.raises(PlanVersionConflictError):
        plan_services.account_plan_update(plan=stale, updated_by=owner, version=1, vision="x")
    plan.refresh_from_db()
    assert plan.vision == "Preferred supplier for every plant."


def test_update_replaces_objectives_and_actions(account: Any, owner: Any) -> None:
    plan = plan_with_content(account)
    kept = plan.actions.get()
    plan_services.account_plan_update(
        plan=plan,
        updated_by=owner,
        version=1,
        objectives=[{"metric": "Revenue", "target": "1000000", "current": "800000"}],
        actions=[
            {"id": kept.pk, "title": kept.title, "owner": owner, "due": kept.due, "status": "done"},
            {"title": "Executive visit", "owner": owner, "due": date(2027, 6, 1)},
        ],
    )
    assert list(plan.objectives.values_list("metric", flat=True)) == ["Revenue"]
    assert list(plan.actions.order_by("due").values_list("title", "status")) == [
        ("Quarterly business review", "done"),
        ("Executive visit", "open"),
    ]
    plan.refresh_from_db()
    assert plan.version == 2


# --- history --------------------------------------------------------------------------------


def test_history_records_who_changed_what(account: Any, owner: Any) -> None:
    plan = plan_with_content(account)
    action = plan.actions.get()
    plan_services.account_plan_update(
        plan=plan,
        updated_by=owner,
        version=1,
        strategy="Bundle service and supply.",
        actions=[{"id": action.pk, "title": "QBR", "owner": owner, "due": action.due}],
    )
    entries = plan_selectors.account_plan_history(plan=plan)
    plan_entry = next(e for e in entries if e.subject == "Plan" and e.kind == "changed")
    assert plan_entry.who == "alice"
    assert [(c.label, c.old, c.new) for c in plan_entry.changes] == [
        (
            "2 · Strategy",
            "Win the east plant through the service contract.",
            "Bundle service and supply.",
        )
    ]
    action_entry = next(e for e in entries if e.subject == "Action “QBR”")
    assert (action_entry.who, action_entry.kind) == ("alice", "changed")
    assert [(c.label, c.old, c.new) for c in action_entry.changes] == [
        ("Title", "Quarterly business review", "QBR")
    ]


def test_history_records_workflow(account: Any, owner: Any, executive: Any) -> None:
    plan = plan_with_content(account)
    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    plan_services.account_plan_return(plan=plan, returned_by=executive, comment="Targets?")
    entries = [e for e in plan_selectors.account_plan_history(plan=plan) if e.subject == "Plan"]
    returned = entries[0]
    assert returned.who == "erin"
    assert {(c.label, c.new) for c in returned.changes} == {
        ("Status", "Draft"),
        ("Return comment", "Targets?"),
    }
    assert entries[1].who == "alice"
    assert [(c.old, c.new) for c in entries[1].changes] == [("Draft", "Submitted")]


# --- progress and overdue actions -----------------------------------------------------------


def test_action_owner_marks_action_done_on_approved_plan(account: Any, team_member: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.APPROVED)
    action = PlanActionFactory(plan=plan, owner=team_member, title="Fix invoicing")
    plan_services.plan_action_status_set(action=action, status="done", changed_by=team_member)
    action.refresh_from_db()
    assert action.status == "done"
    plan.refresh_from_db()
    assert plan.version == 2


def test_other_user_cannot_change_action_status(account: Any, executive: Any) -> None:
    plan = plan_with_content(account)
    action = plan.actions.get()
    with pytest.raises(PermissionDenied):
        plan_services.plan_action_status_set(action=action, status="done", changed_by=executive)
    action.refresh_from_db()
    assert action.status == "open"


def test_overdue_actions_grouped_per_owner_and_account(
    account: Any, owner: Any, team_member: Any, other_manager: Any
) -> None:
    plan = AccountPlanFactory(account=account)
    PlanActionFactory(plan=plan, owner=owner, title="Late A", due=date(2027, 2, 1))
    PlanActionFactory(plan=plan, owner=team_member, title="Late B", due=date(2027, 3, 1))
    PlanActionFactory(plan=plan, owner=owner, title="Not yet", due=date(2027, 6, 1))
    PlanActionFactory(plan=plan, owner=owner, title="Done", due=date(2027, 1, 5), status="done")
    hidden = AccountPlanFactory()  # another manager's account the owner cannot see
    PlanActionFactory(plan=hidden, title="Hidden", due=date(2027, 1, 5))

    owners, accounts = plan_selectors.overdue_actions_grouped(user=owner, as_of=date(2027, 4, 1))

    assert [(g.label, [a.title for a in g.actions]) for g in owners] == [
        ("alice", ["Late A"]),
        ("tom", ["Late B"]),
    ]
    assert [(g.label, len(g.actions)) for g in accounts] == [("Northwind Foods", 2)]
