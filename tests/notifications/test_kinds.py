"""Each kind of notification fires once, for the right people and never for the actor; a
rolled-back action leaves none (issue 18)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from accounts.governance import services as governance_services
from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from accounts.services import team_member_set
from inbox.services import overdue_actions_notify, unconfirmed_values_notify
from notifications.models import Kind, Notification
from notifications.services import notify
from tests.accounts.plans.factories import PlanActionFactory, plan_with_content
from tests.factories import UserFactory
from tests.valuation.factories import ValueEntryFactory

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def second_executive(db: Any) -> Any:
    return UserFactory(username="edgar", roles=["executive"])


def test_plan_submitted_tells_every_executive_but_not_the_owner(
    account: Any, owner: Any, executive: Any, second_executive: Any, other_manager: Any
) -> None:
    plan = plan_with_content(account)
    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert told(Kind.PLAN_SUBMITTED) == ["edgar", "erin"]
    note = Notification.objects.get(user=executive)
    assert note.message == "alice submitted the 2027 plan of Northwind Foods for approval."
    assert note.url == f"/accounts/plans/{plan.pk}/"
    assert note.read_at is None


def test_plan_returned_tells_owner_and_team_with_the_comment(
    account: Any, owner: Any, team_member: Any, executive: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    plan_services.account_plan_return(plan=plan, returned_by=executive, comment="Add a target.")
    assert told(Kind.PLAN_RETURNED) == ["alice", "tom"]
    assert "“Add a target.”" in Notification.objects.get(user=owner).message


def test_plan_approved_tells_owner_and_team_not_the_approver(
    account: Any, owner: Any, team_member: Any, executive: Any, second_executive: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    plan_services.account_plan_approve(plan=plan, approved_by=executive)
    assert told(Kind.PLAN_APPROVED) == ["alice", "tom"]


def test_an_executive_on_the_team_is_not_told_of_their_own_decision(
    account: Any, owner: Any, executive: Any
) -> None:
    team_member_set(account=account, user=executive, function="executive", set_by=owner)
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    plan_services.account_plan_approve(plan=plan, approved_by=executive)
    assert "erin" not in told(Kind.PLAN_APPROVED)


def test_a_refused_submit_tells_nobody(account: Any, owner: Any, executive: Any) -> None:
    plan = plan_with_content(account, strategy="")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service's ValidationError
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert not Notification.objects.exists()


def test_a_rolled_back_action_leaves_no_notification_and_sends_nothing(
    account: Any, owner: Any, executive: Any, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_with_content(account)

    def submit_then_fail() -> None:
        with transaction.atomic():
            plan_services.account_plan_submit(plan=plan, submitted_by=owner)
            assert told(Kind.PLAN_SUBMITTED) == ["erin"]
            raise RuntimeError("the caller's transaction fails after the submit")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        submit_then_fail()
    assert not Notification.objects.exists()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert callbacks == []
    assert mail.outbox == []


def test_designation_request_made_and_decided(
    account: Any, owner: Any, executive: Any, second_executive: Any
) -> None:
    request = governance_services.designation_request_create(
        account=account, requested_by=owner, to_designation="pilot", reason="Growing fast."
    )
    assert told(Kind.DESIGNATION_REQUESTED) == ["edgar", "erin"]
    governance_services.designation_request_decide(
        request=request, decided_by=executive, approve=False, comment="Not this year."
    )
    assert told(Kind.DESIGNATION_DECIDED) == ["alice"]
    assert Notification.objects.get(kind=Kind.DESIGNATION_DECIDED).message.endswith(
        ": Not this year."
    )


def test_team_member_added_once_not_on_a_change(account: Any, owner: Any) -> None:
    newcomer = UserFactory(username="nina", roles=["account_manager"])
    team_member_set(account=account, user=newcomer, function="service", set_by=owner)
    team_member_set(account=account, user=newcomer, function="finance", set_by=owner)
    assert told(Kind.TEAM_MEMBER_ADDED) == ["nina"]
    assert "Northwind Foods" in Notification.objects.get().message


def test_owner_adding_themself_is_not_told(account: Any, owner: Any) -> None:
    team_member_set(account=account, user=owner, function="service", set_by=owner)
    assert told(Kind.TEAM_MEMBER_ADDED) == []


def test_overdue_actions_told_to_their_owner_once(account: Any, owner: Any) -> None:
    plan = plan_with_content(account)
    helper = UserFactory(username="hugo", roles=["account_manager"])
    PlanActionFactory(plan=plan, owner=helper, due=date(2027, 1, 10), title="Call the CFO")
    as_of = date(2027, 4, 2)  # the content's own action is due 2027-03-31
    assert overdue_actions_notify(as_of=as_of) == 2
    assert overdue_actions_notify(as_of=as_of + timedelta(days=1)) == 0
    assert told(Kind.ACTION_OVERDUE) == ["alice", "hugo"]
    assert "“Call the CFO”" in Notification.objects.get(user=helper).message


def test_an_action_not_yet_due_or_done_is_not_told(account: Any) -> None:
    plan = plan_with_content(account)
    PlanActionFactory(plan=plan, due=date(2027, 1, 10), status="done")
    assert overdue_actions_notify(as_of=date(2027, 3, 31)) == 0


def test_unconfirmed_value_older_than_90_days_told_once(account: Any, owner: Any) -> None:
    ValueEntryFactory(account=account, date=date(2026, 1, 1))
    ValueEntryFactory(account=account, date=date(2026, 3, 1))  # 89 days before the check
    ValueEntryFactory(
        account=account,
        date=date(2025, 1, 1),
        customer_confirmed=True,
        confirmed_by="Jan, the buyer",
        confirmed_on=date(2025, 2, 1),
    )
    assert unconfirmed_values_notify(as_of=date(2026, 5, 29)) == 1
    assert unconfirmed_values_notify(as_of=date(2026, 5, 30)) == 0
    assert told(Kind.VALUE_UNCONFIRMED) == ["alice"]


def test_notify_with_a_key_says_it_once_per_user(owner: Any, executive: Any) -> None:
    first = notify(recipients=[owner], kind=Kind.IMPORT_FAILED, message="m", once_key="k")
    again = notify(
        recipients=[owner, executive], kind=Kind.IMPORT_FAILED, message="m", once_key="k"
    )
    assert len(first) == 1
    assert [n.user for n in again] == [executive]


def test_notify_skips_inactive_and_missing_users(owner: Any) -> None:
    owner.is_active = False
    owner.save()
    assert notify(recipients=[owner, None], kind=Kind.IMPORT_FAILED, message="m") == []


def test_a_twin_told_meanwhile_is_skipped_and_does_not_undo_the_action(db: Any) -> None:
    """notify reads who was told, then inserts: a concurrent call can insert the same
    once_key in between. The unique constraint then refuses that row only; the caller's
    action (here an account created in the same transaction) stands."""
    from django.db import transaction

    from accounts.models import Account
    from notifications.models import Kind, Notification
    from notifications.services import _insert
    from tests.factories import AccountFactory, UserFactory

    olga = UserFactory(username="olga2", roles=["ops"])
    oscar = UserFactory(username="oscar", roles=["ops"])
    Notification.objects.create(user=olga, kind=Kind.ANALYSIS_FAILED, message="x", once_key="k")
    with transaction.atomic():
        account = AccountFactory(name="Kept")
        created = _insert(
            [
                Notification(user=olga, kind=Kind.ANALYSIS_FAILED, message="y", once_key="k"),
                Notification(user=oscar, kind=Kind.ANALYSIS_FAILED, message="y", once_key="k"),
            ],
            once=True,
        )
    assert [n.user_id for n in created] == [oscar.pk]
    assert Account.objects.filter(pk=account.pk).exists()
    assert Notification.objects.filter(once_key="k").count() == 2
