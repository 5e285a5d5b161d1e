"""Two browser tabs edit the same draft plan: the later save is refused with what changed,
and the user's own input is still in the form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import AccountPlan
from accounts.plans import services as plan_services
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stale_save_in_the_form_keeps_the_users_input(
    page: Page, browser: Browser, live_server: Any
) -> None:
    # given alice's draft plan, open in two tabs of her browser
    alice = UserFactory(username="alice", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    plan = plan_services.account_plan_create(
        account=account,
        created_by=alice,
        period="2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        strategy="Win the east plant.",
    )
    login(page, "alice")
    page.goto(f"/accounts/plans/{plan.pk}/edit/")
    other_tab = page.context.new_page()
    other_tab.goto(f"/accounts/plans/{plan.pk}/edit/")

    # when the second tab saves a new strategy first
    other_tab.get_by_label("2 · Strategy").fill("Bundle service and supply.")
    other_tab.get_by_role("button", name="Save plan").click()
    expect(other_tab.get_by_text("Plan saved.")).to_be_visible()

    # and the first tab then saves its vision, based on the old version
    page.get_by_label("Vision").fill("Sole supplier for every plant by 2029.")
    page.get_by_role("button", name="Save plan").click()

    # then it is refused, shows the other change, and keeps her vision in the form
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("the plan changed while you were editing")
    expect(alert).to_contain_text("Bundle service and supply.")
    expect(page.get_by_label("Vision")).to_have_value("Sole supplier for every plant by 2029.")
    screenshot(page, "plans-stale-save")
    plan.refresh_from_db()
    assert (plan.vision, plan.strategy) == ("", "Bundle service and supply.")

    # and the strategy she had not touched now shows the other change
    expect(page.get_by_label("2 · Strategy")).to_have_value("Bundle service and supply.")
    # and saving again stores her vision on top of the other change
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    saved = AccountPlan.objects.get(pk=plan.pk)
    assert (saved.vision, saved.strategy, saved.version) == (
        "Sole supplier for every plant by 2029.",
        "Bundle service and supply.",
        3,
    )
