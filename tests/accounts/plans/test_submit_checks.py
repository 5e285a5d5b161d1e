"""A plan goes to the steering committee on time: an open action past its due date keeps it a
draft, with the reason in words (an objective always has a target: the writes require one)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import PlanAction, PlanStatus
from accounts.plans import services as plan_services
from kam import clock
from tests.accounts.plans.factories import plan_with_content

pytestmark = pytest.mark.django_db


def _refused(plan: Any, owner: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    return caught.value.message_dict


def test_overdue_open_actions_keep_the_plan_a_draft_and_are_named(account: Any, owner: Any) -> None:
    plan = plan_with_content(account)
    yesterday = clock.today() - timedelta(days=1)
    for title in ("Site visit", "Price review"):
        PlanAction.objects.create(plan=plan, title=title, owner=owner, due=yesterday)
    # Done or cancelled ones are not late.
    PlanAction.objects.create(
        plan=plan, title="Kick-off", owner=owner, due=yesterday, status="done"
    )
    PlanAction.objects.create(
        plan=plan, title="Old idea", owner=owner, due=yesterday, status="cancelled"
    )
    errors = _refused(plan, owner)
    assert list(errors) == ["actions"]
    message = errors["actions"][0]
    assert message.startswith("2 open actions are overdue: ")
    assert f"Site visit (due {yesterday:%Y-%m-%d})" in message
    assert "Price review" in message
    assert "Kick-off" not in message
    assert "Old idea" not in message


def test_an_action_due_today_is_not_late(account: Any, owner: Any) -> None:
    plan = plan_with_content(account)
    PlanAction.objects.create(plan=plan, title="Call", owner=owner, due=clock.today())
    submitted = plan_services.account_plan_submit(plan=plan, submitted_by=owner)
    assert submitted.status == PlanStatus.SUBMITTED


def test_the_api_answers_the_same_reasons_as_a_conflict(
    owner_api: Any, account: Any, owner: Any
) -> None:
    """The submit's body was right; the stored plan is what is not ready: 409, not the 400 of
    a body to correct (make fuzz: a valid request rejected)."""
    plan = plan_with_content(account)
    PlanAction.objects.create(
        plan=plan, title="Site visit", owner=owner, due=clock.today() - timedelta(days=3)
    )
    response = owner_api.post(f"/api/v1/plans/{plan.pk}/submit/", {}, format="json")
    assert response.status_code == 409, response.content
    assert "1 open action is overdue: Site visit" in response.json()["actions"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_plan_without_its_steps_is_a_conflict_too(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    plan.strategy = ""
    plan.save()
    response = owner_api.post(f"/api/v1/plans/{plan.pk}/submit/", {}, format="json")
    assert response.status_code == 409, response.content
    assert list(response.json()) == ["strategy"]


def test_a_body_the_submit_does_not_take_is_still_a_400(owner_api: Any, account: Any) -> None:
    plan = plan_with_content(account)
    response = owner_api.post(f"/api/v1/plans/{plan.pk}/submit/", {"version": "x"}, format="json")
    assert response.status_code == 400, response.content
