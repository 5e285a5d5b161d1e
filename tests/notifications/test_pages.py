"""The inbox page: one's own notifications, read one or all, filter by kind; executives
decide the plans and designation requests waiting for them from there and from home."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.governance import services as governance_services
from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from notifications.models import Delivery, Kind, Notification, NotificationPreference
from notifications.services import notify
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(anonymous_client: Any) -> None:
    for path in ("/inbox/", "/inbox/preferences/"):
        answer = anonymous_client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/login/")
    assert anonymous_client.post("/inbox/read-all/").status_code == 302


def test_inbox_shows_own_notifications_only(owner_client: Any, owner: Any, executive: Any) -> None:
    notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="Your plan came back <b>now</b>.")
    notify(recipients=[executive], kind=Kind.PLAN_SUBMITTED, message="Erin's own item.")
    page = owner_client.get("/inbox/").content.decode()
    assert "Your plan came back &lt;b&gt;now&lt;/b&gt;." in page
    assert "Erin&#x27;s own item." not in page
    assert "1 unread" in page
    assert "Waiting for you" not in page  # a manager decides nothing


def test_mark_one_and_all_read(owner_client: Any, owner: Any, executive: Any) -> None:
    first, *_ = notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="One.", url="/x/")
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Two.")
    (theirs,) = notify(recipients=[executive], kind=Kind.PLAN_SUBMITTED, message="Three.")
    answer = owner_client.post(f"/inbox/{first.pk}/read/", {"open": "1"})
    assert answer["Location"] == "/x/"  # opened where to act
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert owner_client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    owner_client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_filter_by_kind_and_a_bad_kind(owner_client: Any, owner: Any) -> None:
    notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="Returned item.")
    notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Overdue item.")
    page = owner_client.get("/inbox/", {"kind": "action_overdue"}).content.decode()
    assert "Overdue item." in page
    assert "Returned item." not in page
    bad = owner_client.get("/inbox/", {"kind": "nope"})
    assert bad.status_code == 400
    assert "Choose a kind from the list." in bad.content.decode()


def test_inbox_queries_do_not_grow(
    executive_client: Any, executive: Any, account: Any, django_assert_num_queries: Any
) -> None:
    for n in range(25):
        notify(recipients=[executive], kind=Kind.PLAN_SUBMITTED, message=f"Item {n}.")
    for _ in range(3):
        plan_with_content(AccountFactory(), status=PlanStatus.SUBMITTED)
    executive_client.get("/inbox/")
    # session, user, groups, count and page of notifications, unread count, plans, requests
    with django_assert_num_queries(8):
        assert executive_client.get("/inbox/").status_code == 200


def test_executive_returns_a_plan_with_a_comment_from_the_inbox(
    executive_client: Any, account: Any, owner: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    page = executive_client.get("/inbox/").content.decode()
    assert "Plans to approve" in page
    assert f'action="/inbox/plans/{plan.pk}/decide/"' in page
    refused = executive_client.post(
        f"/inbox/plans/{plan.pk}/decide/",
        {"decision": "return", "comment": " ", "version": plan.version},
    )
    assert refused.status_code == 400  # the inbox again, saying why: not a redirect
    assert "Say what the owner should rework" in refused.content.decode()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    executive_client.post(
        f"/inbox/plans/{plan.pk}/decide/",
        {"decision": "return", "comment": "Add the east plant.", "version": plan.version},
    )
    returned = AccountPlan.objects.get(pk=plan.pk)
    assert (returned.status, returned.return_comment) == (PlanStatus.DRAFT, "Add the east plant.")
    assert "Add the east plant." in Notification.objects.get(user=owner).message


def test_a_stale_plan_version_is_refused_in_words(executive_client: Any, account: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    answer = executive_client.post(
        f"/inbox/plans/{plan.pk}/decide/",
        {"decision": "approve", "version": plan.version - 1 or 99},
    )
    assert answer.status_code == 409
    assert "saved this plan after you opened it" in answer.content.decode()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_an_approval_without_the_version_read_is_refused(
    executive_client: Any, account: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    answer = executive_client.post(f"/inbox/plans/{plan.pk}/decide/", {"decision": "approve"})
    assert answer.status_code == 400
    assert "The plan&#x27;s version is missing: reload the page." in answer.content.decode()
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_managers_cannot_decide_plans(
    owner_client: Any, other_manager_client: Any, account: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    assert (
        owner_client.post(f"/inbox/plans/{plan.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    assert (
        other_manager_client.post(
            f"/inbox/plans/{plan.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_executive_decides_a_designation_request_from_home(
    executive_client: Any, owner_client: Any, account: Any, owner: Any
) -> None:
    request = governance_services.designation_request_create(
        account=account, requested_by=owner, to_designation="pilot", reason="Growing."
    )
    home = executive_client.get("/").content.decode()
    assert "Waiting for you" in home
    assert f'action="/inbox/designation-requests/{request.pk}/decide/"' in home
    assert "Waiting for you" not in owner_client.get("/").content.decode()
    assert (
        owner_client.post(
            f"/inbox/designation-requests/{request.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 403
    )
    executive_client.post(
        f"/inbox/designation-requests/{request.pk}/decide/",
        {"decision": "decline", "comment": "Next year."},
    )
    request.refresh_from_db()
    assert request.status == "declined"


def test_an_executives_own_plan_does_not_wait_for_them(
    executive_client: Any, executive: Any
) -> None:
    own = AccountFactory(owner=executive, name="Erin's Own Account")
    plan_with_content(own, status=PlanStatus.SUBMITTED)
    assert "Erin&#x27;s Own Account" not in executive_client.get("/inbox/").content.decode()


def test_preferences_are_saved_and_bad_values_refused(owner_client: Any, owner: Any) -> None:
    values = dict.fromkeys(Kind.values, Delivery.IMMEDIATE)
    values[Kind.ACTION_OVERDUE] = Delivery.DIGEST
    values[Kind.PLAN_RETURNED] = Delivery.OFF
    assert owner_client.post("/inbox/preferences/", values).status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=owner).values_list("kind", "delivery"))
    assert saved[Kind.ACTION_OVERDUE] == "digest"
    assert saved[Kind.PLAN_RETURNED] == "off"
    bad = owner_client.post("/inbox/preferences/", {**values, Kind.ACTION_OVERDUE: "hourly"})
    assert bad.status_code == 400
    still = NotificationPreference.objects.get(user=owner, kind=Kind.ACTION_OVERDUE)
    assert still.delivery == "digest"


def test_plan_submitted_from_the_plan_page_reaches_the_inbox(
    owner: Any, executive_client: Any, account: Any
) -> None:
    plan = plan_with_content(account)
    plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    page = executive_client.get("/inbox/").content.decode()
    assert "alice submitted the 2027 plan of Northwind Foods for approval." in page
