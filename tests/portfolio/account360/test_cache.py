"""The account 360 body is cached per account data version: a repeat visit computes nothing,
every write (page, API, import, service, rates) shows on the next visit, the gatekeeper still
answers first, and the per-user frame is never shared."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import AccountPlan
from accounts.plans.services import account_plan_submit
from tests.portfolio.fixtures import AS_OF
from valuation.models import ActivityRate
from valuation.services import activity_rate_update

pytestmark = [
    pytest.mark.django_db,
    # the key must suit every cache backend (no spaces or control characters)
    pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning"),
]


def _get(client: Client, account_id: int, as_of: str | None = AS_OF.isoformat()) -> Any:
    query = f"?as_of={as_of}" if as_of else ""
    return client.get(f"/accounts/{account_id}/360/{query}")


def _is_hit(response: Any) -> bool:
    """A cache hit renders the frame around the stored body: nothing was computed."""
    return "data" not in response.context


def test_repeat_visit_is_a_hit_with_the_same_body(
    owner_client: Client, analysed: dict[str, Any]
) -> None:
    alpha = analysed["strategic"]

    first = _get(owner_client, alpha.pk)
    second = _get(owner_client, alpha.pk)

    assert not _is_hit(first)
    assert _is_hit(second)
    assert second.context["body"] == first.context["body"]
    assert '<dd id="delivered-ttm">€20,000</dd>' in second.content.decode()


def test_each_review_date_has_its_own_body(owner_client: Client, analysed: dict[str, Any]) -> None:
    alpha = analysed["strategic"]
    _get(owner_client, alpha.pk)

    other_date = _get(owner_client, alpha.pk, "2026-05-20")
    today = _get(owner_client, alpha.pk, None)

    assert not _is_hit(other_date)
    assert not _is_hit(today)
    assert "as of 20 May 2026" in other_date.content.decode()


def test_value_entry_through_the_api_changes_the_ledger_at_once(
    owner_client: Client, owner_api: Any, analysed: dict[str, Any]
) -> None:
    # given a cached page: 20 000 delivered in the TTM
    alpha = analysed["strategic"]
    _get(owner_client, alpha.pk)
    assert _is_hit(_get(owner_client, alpha.pk))

    # when a delivered value of 1 500 is recorded through the API
    created = owner_api.post(
        "/api/v1/value-entries/",
        {
            "account": alpha.pk,
            "direction": "delivered",
            "category": "cost saving",
            "amount": "1500",
            "date": "2026-06-01",
            "evidence": "Packaging trial report",
        },
        format="json",
    )
    assert created.status_code == 201, created.content

    # then the next visit draws afresh with the new totals
    after = _get(owner_client, alpha.pk)
    assert not _is_hit(after)
    html = after.content.decode()
    assert '<dd id="delivered-ttm">€21,500</dd>' in html
    assert '<dd id="value-ratio">4.3</dd>' in html


def test_knowledge_added_on_the_page_shows_at_once(
    owner_client: Client, analysed: dict[str, Any]
) -> None:
    alpha = analysed["strategic"]
    _get(owner_client, alpha.pk)

    response = owner_client.post(
        f"/accounts/{alpha.pk}/knowledge/", {"area": "suppliers", "title": "Delta Packaging"}
    )
    assert response.status_code == 302

    after = _get(owner_client, alpha.pk)
    assert "Delta Packaging" in after.content.decode()
    assert after.context["data"].knowledge.completeness == 50  # 3 of 6 areas


def test_imported_activities_change_the_cost_to_serve_at_once(
    owner_client: Client, analysed: dict[str, Any], tmp_path: Path
) -> None:
    # given a cached page: cost to serve 2 600 in the TTM
    alpha = analysed["strategic"]
    assert "<strong>€2,600</strong>" in _get(owner_client, alpha.pk).content.decode()

    # when 10 orders picked at 12 are imported (COPY: no signal is sent)
    path = tmp_path / "activities.csv"
    path.write_text("account,activity_type,date,quantity\nA-1,PICK,2026-06-01,10\n")
    call_command("import_data", "activities", str(path), stdout=StringIO(), stderr=StringIO())

    # then the page shows 2 720
    after = _get(owner_client, alpha.pk)
    assert not _is_hit(after)
    assert "<strong>€2,720</strong>" in after.content.decode()


def test_new_rate_changes_every_account_page(
    owner_client: Client, other_manager_client: Client, analysed: dict[str, Any], ops: Any
) -> None:
    # given both accounts' pages cached
    alpha, beta = analysed["strategic"], analysed["small"]
    before = _get(owner_client, alpha.pk).context["data"].cost.total
    _get(other_manager_client, beta.pk)

    # when picking's 2026 rate is corrected from 12 to 20 (a rate is everyone's price)
    rate = ActivityRate.objects.get(activity_type__code="PICK", unit_cost=Decimal("12"))
    activity_rate_update(rate=rate, updated_by=ops, unit_cost=Decimal("20"))

    # then neither page is served from the cache, and alpha's cost changed
    after = _get(owner_client, alpha.pk)
    assert not _is_hit(after)
    assert not _is_hit(_get(other_manager_client, beta.pk))
    assert before == Decimal("2600")
    assert after.context["data"].cost.total == Decimal("3000")  # 50 orders at 20, not 12


def test_plan_submitted_by_a_queryset_update_shows_at_once(
    owner: Any, owner_client: Client, analysed: dict[str, Any]
) -> None:
    # given a cached page with the draft plan
    alpha = analysed["strategic"]
    plan: AccountPlan = analysed["plan"]
    assert "· Draft</p>" in _get(owner_client, alpha.pk).content.decode()
    AccountPlan.objects.filter(pk=plan.pk).update(situation="Growing", strategy="Partner")
    # its overdue actions (the page shows them) would keep it from being submitted
    plan.actions.update(status="done")
    plan.refresh_from_db()

    # when it is submitted (plan_services moves the status with a queryset UPDATE)
    account_plan_submit(plan=plan, submitted_by=owner)

    # then the page says so
    after = _get(owner_client, alpha.pk)
    assert "· Submitted</p>" in after.content.decode()


def test_new_analysis_run_shows_at_once(owner_client: Client, analysed: dict[str, Any]) -> None:
    alpha = analysed["strategic"]
    _get(owner_client, alpha.pk, None)

    call_command("run_analysis", "--as-of", timezone.localdate().isoformat(), stdout=StringIO())

    after = _get(owner_client, alpha.pk, None)
    assert not _is_hit(after)
    assert len(after.context["data"].history) == 3


def test_cached_page_still_goes_through_the_gatekeeper(
    owner_client: Client,
    other_manager_client: Client,
    anonymous_client: Client,
    analysed: dict[str, Any],
) -> None:
    # given alpha's page cached by its owner
    alpha = analysed["strategic"]
    _get(owner_client, alpha.pk)
    assert _is_hit(_get(owner_client, alpha.pk))

    # then an unrelated manager still gets 404 and nobody logged out sees it
    assert _get(other_manager_client, alpha.pk).status_code == 404
    anonymous = _get(anonymous_client, alpha.pk)
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]


def test_users_of_different_roles_share_the_body_but_not_the_frame(
    owner_client: Client, executive_client: Client, analysed: dict[str, Any]
) -> None:
    # given the owner's visit filled the cache
    alpha = analysed["strategic"]
    alice = _get(owner_client, alpha.pk).content.decode()

    # when the executive opens the same page
    erin_response = _get(executive_client, alpha.pk)
    erin = erin_response.content.decode()

    # then erin gets the cached body inside her own frame
    assert _is_hit(erin_response)
    assert 'title="Your preferences">alice</a>' in alice
    assert 'title="Your preferences">erin</a>' in erin
    assert 'title="Your preferences">alice</a>' not in erin
    assert "erin ·" not in alice
