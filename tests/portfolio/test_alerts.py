"""Alerts on an account manager's home page: each rule, who sees what, the links to act, and
a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ActionStatus
from portfolio.alerts import ALERT_LIMIT, home_alerts_for
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.accounts.plans.factories import AccountPlanFactory, PlanActionFactory
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory, InteractionFactory
from tests.valuation.factories import ValueEntryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _run(days_ago: int, status: str = "succeeded") -> AnalysisRun:
    return AnalysisRun.objects.create(
        as_of=TODAY - timedelta(days=days_ago),
        status=status,
        trigger="command",
        finished_at=timezone.now() - timedelta(days=days_ago),
    )


def _snapshot(run: AnalysisRun, account: Any, stage: int, score: int = 0) -> AccountSnapshot:
    return AccountSnapshot.objects.create(
        run=run,
        account=account,
        churn_stage=stage,
        churn_score=score,
        at_risk=score >= 25,
        segment="invest",
        signals=[{"code": "revenue_decline", "stage": 2, "weight": 15, "detail": "Y3 < 0.9 Y2"}]
        if stage
        else [],
    )


def _groups(user: Any) -> dict[str, Any]:
    alerts = home_alerts_for(user=user, as_of=TODAY)
    assert alerts is not None
    return {group.kind: group for group in alerts.groups}


def _names(group: Any) -> list[str]:
    return [alert.account_name for alert in group.alerts]


@pytest.fixture
def stranger_account(other_manager: Any) -> Any:
    return AccountFactory(owner=other_manager, name="Mallory Metals")


def test_churn_alert_lists_accounts_newly_at_risk_or_rising_while_at_risk(
    owner: Any, account: Any, stranger_account: Any
) -> None:
    # given: older run, latest successful run, a newer failed run (which is ignored)
    steady = AccountFactory(owner=owner, name="Steady Co")
    new = AccountFactory(owner=owner, name="New Co")
    rising = AccountFactory(owner=owner, name="Rising Co")
    below = AccountFactory(owner=owner, name="Below Co")
    older, latest, failed = _run(60), _run(30), _run(1, status="failed")
    for run, stage, score in ((older, 1, 20), (latest, 3, 60), (failed, 0, 0)):
        _snapshot(run, account, stage, score=score)  # 20 → 60: now at risk
        _snapshot(run, stranger_account, stage, score=score)  # not the owner's
    _snapshot(older, steady, 2, score=40)
    _snapshot(latest, steady, 2, score=40)  # at risk in both, same stage: nothing new
    _snapshot(older, rising, 2, score=30)
    _snapshot(latest, rising, 3, score=45)  # at risk in both, stage rose
    _snapshot(older, below, 0)
    _snapshot(latest, below, 1, score=10)  # stage rose but not at risk: the same at_risk
    _snapshot(latest, new, 4, score=80)  # not in the older run: nothing to compare
    # when
    group = _groups(owner)["churn"]
    # then
    assert sorted(_names(group)) == ["Northwind Foods", "Rising Co"]
    messages = {alert.account_name: alert.message for alert in group.alerts}
    action = (
        "Find where the revenue went (lost lines, locations, a rival) with the customer's buyer."
    )
    assert messages["Northwind Foods"] == (
        f"Now at churn risk (score 60, stage 3): Revenue declining. {action}"
    )
    assert messages["Rising Co"] == (
        f"Churn stage rose from 2 to 3 (score 45, stage 3): Revenue declining. {action}"
    )
    assert group.alerts[0].url.endswith("/analysis/")


def test_churn_alert_needs_two_runs(owner: Any, account: Any) -> None:
    _snapshot(_run(5), account, 3)
    assert _groups(owner)["churn"].alerts == []


def test_overdue_key_influencers(
    owner: Any, team_member: Any, account: Any, stranger_account: Any
) -> None:
    ContactFactory(account=account, name="Eve Never", is_economic_buyer=True)
    late = ContactFactory(
        account=account, name="Cody Late", is_coach=True, contact_frequency_days=30
    )
    fresh = ContactFactory(
        account=account, name="Fay Fresh", is_coach=True, contact_frequency_days=30
    )
    ContactFactory(account=account, name="Uma User", is_user_buyer=True)  # not a key influencer
    ContactFactory(account=account, name="Ivy Gone", is_economic_buyer=True, is_active=False)
    ContactFactory(account=stranger_account, name="Sam Stranger", is_economic_buyer=True)
    InteractionFactory(
        account=account, user=owner, date=TODAY - timedelta(days=45), contacts=[late]
    )
    InteractionFactory(
        account=account, user=owner, date=TODAY - timedelta(days=10), contacts=[fresh]
    )
    group = _groups(owner)["influencers"]
    messages = [alert.message for alert in group.alerts]
    assert messages == [
        "Eve Never (economic buyer): never contacted, wanted every 90 days.",
        "Cody Late (coach): last contact 45 days ago, wanted every 30 days.",
    ]
    assert group.alerts[0].url == f"/accounts/{account.pk}/relationships/interactions/new/"
    # the team member sees the same account's influencers
    assert [a.message for a in _groups(team_member)["influencers"].alerts] == messages


def test_overdue_plan_actions(owner: Any, account: Any, stranger_account: Any) -> None:
    plan = AccountPlanFactory(account=account)
    PlanActionFactory(plan=plan, title="Call the CFO", due=TODAY - timedelta(days=1))
    PlanActionFactory(
        plan=plan, title="Done already", due=TODAY - timedelta(days=9), status=ActionStatus.DONE
    )
    PlanActionFactory(plan=plan, title="Not yet", due=TODAY + timedelta(days=1))
    PlanActionFactory(
        plan=AccountPlanFactory(account=stranger_account), due=TODAY - timedelta(days=3)
    )
    group = _groups(owner)["actions"]
    assert [alert.message for alert in group.alerts] == [
        f"“Call the CFO” (alice) was due {(TODAY - timedelta(days=1)).isoformat()}, 1 day ago."
    ]
    assert group.alerts[0].url == f"/accounts/plans/{plan.pk}/"


def test_unconfirmed_value_older_than_ninety_days(
    owner: Any, account: Any, stranger_account: Any
) -> None:
    old = ValueEntryFactory(
        account=account, category="freight savings", date=TODAY - timedelta(days=91)
    )
    ValueEntryFactory(account=account, category="recent", date=TODAY - timedelta(days=90))
    ValueEntryFactory(
        account=account,
        category="confirmed",
        date=TODAY - timedelta(days=200),
        customer_confirmed=True,
        confirmed_on=TODAY - timedelta(days=150),
    )
    ValueEntryFactory(account=stranger_account, date=TODAY - timedelta(days=300))
    group = _groups(owner)["values"]
    assert len(group.alerts) == 1
    assert group.alerts[0].message == (
        f"freight savings (delivered), €5,000 dated {(TODAY - timedelta(days=91)).isoformat()}: "
        "not confirmed by the customer after 91 days."
    )
    # straight to the entry's row, where it is marked confirmed
    assert group.alerts[0].url == f"/accounts/{account.pk}/value/#entry-{old.pk}"


def test_lists_stop_at_the_limit(owner: Any, account: Any) -> None:
    plan = AccountPlanFactory(account=account)
    PlanActionFactory.create_batch(ALERT_LIMIT + 2, plan=plan, due=TODAY - timedelta(days=5))
    group = _groups(owner)["actions"]
    assert len(group.alerts) == ALERT_LIMIT
    assert group.has_more is True


@pytest.mark.parametrize("client_name", ["executive_client", "ops_client"])
def test_no_alerts_for_users_who_are_not_account_managers(
    request: Any, account: Any, client_name: str
) -> None:
    PlanActionFactory(plan=AccountPlanFactory(account=account), due=TODAY - timedelta(days=5))
    response = request.getfixturevalue(client_name).get("/")
    assert response.status_code == 200
    assert "Alerts on your accounts" not in response.content.decode()


def test_home_page_shows_alerts_with_links(owner: Any, account: Any, owner_client: Client) -> None:
    plan = AccountPlanFactory(account=account)
    PlanActionFactory(plan=plan, title="Call the CFO", due=TODAY - timedelta(days=2))
    ContactFactory(account=account, name="Eve Never", is_economic_buyer=True)
    body = owner_client.get("/").content.decode()
    assert "Alerts on your accounts" in body
    assert "Plan actions overdue" in body
    assert f'href="/accounts/plans/{plan.pk}/"' in body
    assert "Eve Never (economic buyer): never contacted" in body
    assert f'href="/accounts/{account.pk}/relationships/interactions/new/"' in body
    assert "Value not confirmed" not in body  # empty groups are not shown


def test_home_page_with_nothing_to_do(owner: Any, owner_client: Client) -> None:
    body = owner_client.get("/").content.decode()
    assert "Nothing needs your attention" in body


def _portfolio(owner: Any, size: int) -> None:
    older, latest = _run(60), _run(30)
    for index in range(size):
        account = AccountFactory(owner=owner, name=f"Acc {size}-{index:03d}")
        _snapshot(older, account, 1, score=20)
        _snapshot(latest, account, 2, score=30)
        ContactFactory(account=account, is_economic_buyer=True)
        PlanActionFactory(plan=AccountPlanFactory(account=account), due=TODAY - timedelta(days=3))
        ValueEntryFactory(account=account, date=TODAY - timedelta(days=120))


@pytest.mark.parametrize("size", [3, 30])
def test_home_page_queries(
    owner: Any, owner_client: Client, size: int, django_assert_num_queries: Any
) -> None:
    _portfolio(owner, size)
    # session, user, user's groups (role check); home: visible COUNT, strategic list;
    # alerts: the two latest runs, rising snapshots, overdue influencers, overdue actions,
    # unconfirmed value entries
    with django_assert_num_queries(10):
        response = owner_client.get("/")
    body = response.content.decode()
    assert body.count("Now at churn risk (score 30, stage 2)") == min(size, ALERT_LIMIT)
    assert body.count("Confirm with the customer") == min(size, ALERT_LIMIT)


def test_alerts_for_a_user_without_roles_are_none(db: Any) -> None:
    assert home_alerts_for(user=UserFactory(username="norole"), as_of=TODAY) is None
