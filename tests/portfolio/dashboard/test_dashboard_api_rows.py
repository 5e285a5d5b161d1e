"""The dashboard's API answers each chart's accounts with the figures that chart draws;
`?rows=full` answers every figure of each account, as before."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from portfolio.dashboard.api import CHART_FIELDS
from portfolio.models import AccountSnapshot
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(owner: Any, other_manager: Any) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())


def test_each_chart_gets_the_figures_it_draws(executive_api: Any, analysed: None) -> None:
    compact = executive_api.get("/api/v1/dashboard/").json()
    full = executive_api.get("/api/v1/dashboard/?rows=full").json()
    assert compact["matrix"]
    for chart, fields in CHART_FIELDS.items():
        assert len(compact[chart]) == len(full[chart]), chart
        assert [set(row) for row in compact[chart]] == [
            {"account_id", "name", *fields} for _ in compact[chart]
        ]
        # the same accounts in the same order, each figure as the full answer has it
        assert [
            {name: row[name] for name in ("account_id", "name", *fields)} for row in full[chart]
        ] == compact[chart]
    assert {"owner", "external_id", "ltv"} <= set(full["matrix"][0])
    assert compact["totals"] == full["totals"]
    assert compact["cost_pareto"] == full["cost_pareto"]


@pytest.mark.parametrize("query", ["rows=all", "rows=chart&rows=full"])
def test_an_unknown_rows_answers_400(executive_api: Any, analysed: None, query: str) -> None:
    response = executive_api.get(f"/api/v1/dashboard/?{query}")
    assert response.status_code == 400
    assert response.json() == {"rows": ["Give chart or full, once."]}


def test_a_repeat_of_the_whole_portfolios_answer_comes_from_the_cache(
    executive_api: Any,
    analysed: None,
    owner: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = executive_api.get("/api/v1/dashboard/").json()
    # the latest run only (the test client hands the view its user; the accounts' version
    # is in the cache): no figure is read again
    with django_assert_num_queries(1):
        again = executive_api.get("/api/v1/dashboard/").json()
    assert again == first

    # an account renamed makes a new answer, with the new name
    account = owner.owned_accounts.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        account.name = "Renamed Foods"
        account.save()
    renamed = executive_api.get("/api/v1/dashboard/?rows=full").json()
    assert "Renamed Foods" in {row["name"] for row in renamed["matrix"]}
    compact = executive_api.get("/api/v1/dashboard/").json()
    assert "Renamed Foods" in {row["name"] for row in compact["matrix"]}


def test_an_account_managers_answer_is_never_shared(
    executive_api: Any, owner_api: Any, analysed: None, owner: Any
) -> None:
    everyone = executive_api.get("/api/v1/dashboard/").json()
    theirs = owner_api.get("/api/v1/dashboard/").json()
    own = set(owner.owned_accounts.values_list("pk", flat=True))
    analysed = set(AccountSnapshot.objects.values_list("account_id", flat=True))
    assert {row["account_id"] for row in theirs["matrix"]} == own & analysed
    assert {row["account_id"] for row in everyone["matrix"]} == analysed
    assert analysed - own  # the whole portfolio holds others' accounts too
