"""The plan editor: its sections in the book's order, one blank row to start with and none
below existing rows (tests/e2e/test_plan_editor_browser.py adds rows in the browser)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.plans.factories import plan_with_content


def _section_positions(body: str) -> list[int]:
    names = [
        "1 · Situation",
        "2 · Strategy",
        "Objectives of the strategy",
        "3 · Actions",
        "4 · Plan",
    ]
    return [body.index(name) for name in names]


@pytest.mark.django_db
def test_a_new_plan_shows_its_sections_in_order_and_one_blank_row_each(
    owner_client: Any, account: Any
) -> None:
    body = owner_client.get(f"/accounts/{account.pk}/plans/new/").content.decode()
    positions = _section_positions(body)
    assert positions == sorted(positions)
    assert 'name="objectives-TOTAL_FORMS" value="1"' in body
    assert 'name="actions-TOTAL_FORMS" value="1"' in body
    assert "objectives-__prefix__-metric" in body  # the template the Add button copies
    for field in ("period", "period_start", "period_end", "vision", "value_proposition"):
        assert f'name="{field}"' in body


@pytest.mark.django_db
def test_an_existing_plan_shows_no_blank_rows(owner_client: Any, account: Any) -> None:
    plan = plan_with_content(account)
    body = owner_client.get(f"/accounts/plans/{plan.pk}/edit/").content.decode()
    assert 'name="objectives-TOTAL_FORMS" value="1"' in body  # its one objective
    assert 'name="objectives-INITIAL_FORMS" value="1"' in body
    assert 'name="actions-TOTAL_FORMS" value="1"' in body
