"""An account manager adds objectives and actions to a new plan without a round trip."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AccountPlan
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_objectives_and_actions_are_added_in_the_page(page: Page, live_server: Any) -> None:
    alice = UserFactory(username="alice", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods", designation="strategic")
    login(page, "alice")
    page.goto(f"/accounts/{account.pk}/plans/new/")
    page.get_by_label("Period", exact=True).fill("2027")
    page.get_by_label("1 · Situation assessment").fill("Two plants of five served.")
    page.get_by_label("2 · Strategy").fill("Win the east plant.")
    add_objective = page.get_by_role("button", name="Add objective")
    add_objective.click()
    add_objective.click()
    for number, (metric, target) in enumerate(
        [("Share of wallet (%)", "45"), ("On-time delivery (%)", "98"), ("NPS", "40")], start=1
    ):
        page.get_by_label(f"Objective {number} metric").fill(metric)
        page.get_by_label(f"Objective {number} target").fill(target)
    page.get_by_role("button", name="Add action").click()
    page.get_by_label("Action 1 title").fill("Quarterly business review")
    page.get_by_label("Action 2 title").fill("Plant tour")
    page.get_by_label("Action 2 owner").select_option("alice")
    page.get_by_label("Action 1 owner").select_option("alice")
    page.get_by_label("Action 1 due").fill("2027-03-31")
    page.get_by_label("Action 2 due").fill("2027-05-31")
    screenshot(page, "plan-editor-rows-added")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", name=re.compile("2027"))).to_be_visible()
    plan = AccountPlan.objects.get(account=account)
    assert sorted(plan.objectives.values_list("metric", flat=True)) == [
        "NPS",
        "On-time delivery (%)",
        "Share of wallet (%)",
    ]
    assert sorted(plan.actions.values_list("title", flat=True)) == [
        "Plant tour",
        "Quarterly business review",
    ]
