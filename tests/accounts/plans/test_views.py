"""Plan pages: role matrix for every page and form, the stale save in the form (nothing
lost), the workflow buttons, the history page and overdue actions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from accounts.models import AccountPlan, PlanStatus
from accounts.plans import services as plan_services
from tests.accounts.plans.factories import PlanActionFactory, plan_with_content

pytestmark = pytest.mark.django_db

READERS = [
    ("owner", "owner_client", 200),
    ("team member", "team_member_client", 200),
    ("unrelated manager", "other_manager_client", 404),
    ("executive", "executive_client", 200),
    ("ops", "ops_client", 200),
]


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
@pytest.mark.parametrize("page", ["account-plans", "detail", "history"])
def test_plan_pages_read_access(
    request: Any, account: Any, page: str, _case: str, client_name: str, status: int
) -> None:
    plan = plan_with_content(account)
    url = {
        "account-plans": f"/accounts/{account.pk}/plans/",
        "detail": f"/accounts/plans/{plan.pk}/",
        "history": f"/accounts/plans/{plan.pk}/history/",
    }[page]
    response = request.getfixturevalue(client_name).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Northwind Foods" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/plans/", "/accounts/plans/overdue/"])
@pytest.mark.parametrize(
    ("client_name", "sees"),
    [
        ("owner_client", True),
        ("team_member_client", True),
        ("other_manager_client", False),
        ("executive_client", True),
        ("ops_client", True),
    ],
)
def test_plan_lists_show_only_visible_plans(
    request: Any, account: Any, url: str, client_name: str, sees: bool
) -> None:
    plan = plan_with_content(account)
    PlanActionFactory(plan=plan, title="Late visit", due=date(2000, 1, 1))
    response = request.getfixturevalue(client_name).get(url)
    assert response.status_code == 200
    assert ("Northwind Foods" in response.content.decode()) == sees


def test_anonymous_is_sent_to_login(anonymous_client: Any, account: Any) -> None:
    plan = plan_with_content(account)
    for url in (
        f"/accounts/plans/{plan.pk}/",
        "/accounts/plans/",
        f"/accounts/{account.pk}/plans/",
    ):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def _form_data(plan: AccountPlan | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "period": "2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "vision": "Preferred supplier for every plant.",
        "value_proposition": "Fewer stock-outs at lower total cost.",
        "situation": "Share of wallet 30 %, two plants served.",
        "strategy": "Win the east plant through the service contract.",
        "expansion": "Add the research campus in 2028.",
        "version": plan.version if plan else "",
        "objectives-TOTAL_FORMS": "1",
        "objectives-INITIAL_FORMS": "0",
        "objectives-0-metric": "Share of wallet (%)",
        "objectives-0-target": "45",
        "objectives-0-current": "30",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-title": "Quarterly business review",
        "actions-0-owner": "alice",
        "actions-0-due": "2027-03-31",
        "actions-0-status": "open",
    }
    if plan is not None:
        objective, action = plan.objectives.get(), plan.actions.get()
        data.update({"objectives-0-id": objective.pk, "actions-0-id": action.pk})
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 302),
        ("team member", "team_member_client", 403),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
        ("ops", "ops_client", 403),
    ],
)
def test_plan_create_page_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    assert client.get(f"/accounts/{account.pk}/plans/new/").status_code == (
        200 if status == 302 else status
    )
    response = client.post(f"/accounts/{account.pk}/plans/new/", _form_data())
    assert response.status_code == status
    assert AccountPlan.objects.count() == (1 if status == 302 else 0)
    if status == 302:
        plan = AccountPlan.objects.get()
        assert response["Location"] == f"/accounts/plans/{plan.pk}/"
        assert list(plan.actions.values_list("title", flat=True)) == ["Quarterly business review"]


def test_create_form_refuses_action_due_before_period(owner_client: Any, account: Any) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/plans/new/", _form_data(**{"actions-0-due": "2026-12-15"})
    )
    assert response.status_code == 400
    assert "before the plan period, which starts on 2027-01-01" in response.content.decode()
    assert not AccountPlan.objects.exists()


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 302),
        ("team member", "team_member_client", 403),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
        ("ops", "ops_client", 403),
    ],
)
def test_plan_edit_page_access(
    request: Any, account: Any, _case: str, client_name: str, status: int
) -> None:
    plan = plan_with_content(account)
    response = request.getfixturevalue(client_name).post(
        f"/accounts/plans/{plan.pk}/edit/", _form_data(plan, strategy="Changed")
    )
    assert response.status_code == status
    plan.refresh_from_db()
    assert (plan.strategy == "Changed") == (status == 302)
    # the objective and the action, posted unchanged, are kept
    assert list(plan.actions.values_list("title", flat=True)) == ["Quarterly business review"]
    assert list(plan.objectives.values_list("metric", flat=True)) == ["Share of wallet (%)"]


def test_stale_form_save_is_refused_and_nothing_is_lost(
    owner: Any, owner_client: Any, account: Any
) -> None:
    # given alice opened the edit form at version 1 in two tabs, and saved one tab
    plan = plan_with_content(account)
    form_page = owner_client.get(f"/accounts/plans/{plan.pk}/edit/")
    assert 'name="version" value="1"' in form_page.content.decode()
    plan_services.account_plan_update(
        plan=plan, updated_by=owner, version=1, strategy="Bundle service and supply."
    )
    # when the other tab saves its own vision, still based on version 1
    response = owner_client.post(
        f"/accounts/plans/{plan.pk}/edit/",
        _form_data(plan, version=1, vision="Sole supplier by 2029."),
    )
    # then it is refused: the message, the other person's value, and her own input are shown
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: the plan changed while you were editing" in page
    assert "Bundle service and supply." in page  # what the other save changed
    assert "Sole supplier by 2029." in page  # her input, kept in the form
    assert 'name="version" value="2"' in page  # saving again stores it on top of version 2
    assert "Taken from the newer version because you had not changed them" in page
    assert response.context["form"]["strategy"].value() == "Bundle service and supply."
    plan.refresh_from_db()
    assert (plan.vision, plan.strategy, plan.version) == (
        "Preferred supplier for every plant.",
        "Bundle service and supply.",
        2,
    )
    # and saving the form as shown stores her vision without undoing the other change
    again = owner_client.post(f"/accounts/plans/{plan.pk}/edit/", response.context["form"].data)
    assert again.status_code == 302
    plan.refresh_from_db()
    assert (plan.vision, plan.strategy, plan.version) == (
        "Sole supplier by 2029.",
        "Bundle service and supply.",
        3,
    )
    assert list(plan.actions.values_list("title", flat=True)) == ["Quarterly business review"]


def test_stale_save_where_both_changed_a_field_keeps_both_texts(
    owner: Any, owner_client: Any, account: Any
) -> None:
    # given she opened the form at version 1 and typed her own strategy
    plan = plan_with_content(account)
    her_form = _form_data(plan, version=1, strategy="Partner on the new product line.")
    # and another save then changed the strategy and replaced the actions
    plan_services.account_plan_update(
        plan=plan,
        updated_by=owner,
        version=1,
        strategy="Bundle service and supply.",
        actions=[
            {"title": "Executive visit", "owner": owner, "due": date(2027, 5, 1)},
        ],
    )
    # when she saves her own strategy based on version 1 (her actions untouched)
    response = owner_client.post(f"/accounts/plans/{plan.pk}/edit/", her_form)
    # then her strategy stays in the field with the other text beside it
    assert response.status_code == 409
    form = response.context["form"]
    assert form["strategy"].value() == "Partner on the new product line."
    assert "Changed meanwhile to “Bundle service and supply.”" in form.errors["strategy"][0]
    # and the actions (only the other person changed them) show the newer list
    actions = response.context["actions"]
    assert [f["title"].value() for f in actions.forms if f["title"].value()] == ["Executive visit"]
    plan.refresh_from_db()
    assert plan.strategy == "Bundle service and supply."


WORKFLOW_PAGES = [
    ("submit", "draft", "owner_client", 302, "submitted"),
    ("submit", "draft", "team_member_client", 403, "draft"),
    ("submit", "draft", "executive_client", 403, "draft"),
    ("submit", "draft", "other_manager_client", 404, "draft"),
    ("approve", "submitted", "executive_client", 302, "approved"),
    ("approve", "submitted", "owner_client", 403, "submitted"),
    ("approve", "submitted", "ops_client", 403, "submitted"),
    ("approve", "submitted", "other_manager_client", 404, "submitted"),
    ("return", "submitted", "executive_client", 302, "draft"),
    ("return", "submitted", "owner_client", 403, "submitted"),
    ("return", "submitted", "team_member_client", 403, "submitted"),
]


@pytest.mark.parametrize(("verb", "start", "client_name", "status", "result"), WORKFLOW_PAGES)
def test_workflow_buttons_by_role(
    request: Any, account: Any, verb: str, start: str, client_name: str, status: int, result: str
) -> None:
    plan = plan_with_content(account, status=start)
    response = request.getfixturevalue(client_name).post(
        f"/accounts/plans/{plan.pk}/{verb}/", {"comment": "Targets are vague."}
    )
    assert response.status_code == status
    plan.refresh_from_db()
    assert plan.status == result


def test_return_without_comment_shows_message(executive_client: Any, account: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = executive_client.post(f"/accounts/plans/{plan.pk}/return/", {"comment": ""})
    assert response.status_code == 400
    assert "Say what the owner should rework" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_history_page_shows_field_diff(owner: Any, team_member_client: Any, account: Any) -> None:
    plan = plan_with_content(account)
    plan_services.account_plan_update(plan=plan, updated_by=owner, version=1, strategy="New way")
    page = team_member_client.get(f"/accounts/plans/{plan.pk}/history/").content.decode()
    assert (
        "<del>Win the east plant through the service contract.</del> → <ins>New way</ins>" in page
    )
    assert "alice" in page


@pytest.mark.parametrize(
    ("client_name", "status", "result"),
    [
        ("team_member_client", 302, "done"),  # the action's owner
        ("owner_client", 302, "done"),  # the plan's owner
        ("executive_client", 403, "open"),
        ("other_manager_client", 404, "open"),
    ],
)
def test_action_status_form(
    request: Any, account: Any, team_member: Any, client_name: str, status: int, result: str
) -> None:
    plan = plan_with_content(account, status=PlanStatus.APPROVED)
    action = PlanActionFactory(plan=plan, owner=team_member, title="Fix invoicing")
    response = request.getfixturevalue(client_name).post(
        f"/accounts/plans/{plan.pk}/actions/{action.pk}/status/", {"status": "done"}
    )
    assert response.status_code == status
    action.refresh_from_db()
    assert action.status == result


def test_overdue_page_groups_per_owner_and_account(
    owner_client: Any, account: Any, team_member: Any
) -> None:
    plan = plan_with_content(account)
    PlanActionFactory(plan=plan, owner=team_member, title="Send proposal", due=date(2000, 2, 1))
    response = owner_client.get("/accounts/plans/overdue/")
    assert [(g.label, [a.title for a in g.actions]) for g in response.context["by_owner"]] == [
        ("tom", ["Send proposal"])
    ]
    assert [g.label for g in response.context["by_account"]] == ["Northwind Foods"]


@pytest.mark.parametrize("size", [2, 8])
def test_account_plans_page_queries(
    owner_client: Any, account: Any, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        plan_with_content(account, period=str(2030 + index))
    # session, user, groups (role), account+owner, plans with submitter/reviewer,
    # overdue actions of the account, then the header's role flags come from the cache
    with django_assert_num_queries(6):
        response = owner_client.get(f"/accounts/{account.pk}/plans/")
    assert response.status_code == 200


def test_edit_of_submitted_plan_is_refused_with_a_message(owner_client: Any, account: Any) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = owner_client.get(f"/accounts/plans/{plan.pk}/edit/", follow=True)
    assert "content can change only while it is a draft" in response.content.decode()
    response = owner_client.post(f"/accounts/plans/{plan.pk}/edit/", _form_data(plan, vision="X"))
    assert response.status_code == 400
    assert "only while it is a draft" in response.content.decode()
    plan.refresh_from_db()
    assert plan.vision == "Preferred supplier for every plant."


@pytest.mark.parametrize("size", [2, 8])
def test_plan_list_and_overdue_page_queries(
    owner: Any, owner_client: Any, django_assert_num_queries: Any, size: int
) -> None:
    from tests.factories import AccountFactory

    for index in range(size):
        plan = plan_with_content(AccountFactory(owner=owner), period=str(2030 + index))
        PlanActionFactory(plan=plan, title="Late", due=date(2000, 1, 1))
    # session, user, groups, COUNT of plans, page of plans with account/owner
    with django_assert_num_queries(5):
        assert owner_client.get("/accounts/plans/").status_code == 200
    # session, user, groups, overdue actions with owner/plan/account
    with django_assert_num_queries(4):
        response = owner_client.get("/accounts/plans/overdue/")
    assert len(response.context["by_account"]) == size


def test_approval_comment_is_kept_shown_in_history_and_sent_to_the_owner(
    executive_client: Any, owner_client: Any, owner: Any, account: Any
) -> None:
    from notifications.models import Notification

    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = executive_client.post(
        f"/accounts/plans/{plan.pk}/approve/", {"comment": "Good targets; watch the east plant."}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.approval_comment) == (
        PlanStatus.APPROVED,
        "Good targets; watch the east plant.",
    )
    page = owner_client.get(f"/accounts/plans/{plan.pk}/").content.decode()
    assert 'id="approval-comment">Good targets; watch the east plant.</span>' in page
    history = owner_client.get(f"/accounts/plans/{plan.pk}/history/").content.decode()
    assert "Approval comment" in history
    assert "<ins>Good targets; watch the east plant.</ins>" in history
    notice = Notification.objects.get(user=owner, kind="plan_approved")
    assert notice.message.endswith(": “Good targets; watch the east plant.”")


def test_approval_comment_with_a_control_character_is_refused_in_words(
    executive_client: Any, account: Any
) -> None:
    plan = plan_with_content(account, status=PlanStatus.SUBMITTED)
    response = executive_client.post(
        f"/accounts/plans/{plan.pk}/approve/", {"comment": "Good\x01 targets"}
    )
    assert response.status_code == 400
    assert "control character U+0001" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.status, plan.approval_comment) == (PlanStatus.SUBMITTED, "")
