"""The run writes each account's cost per activity type with its snapshots (hand-computed)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from portfolio.models import AccountActivityCost, AnalysisRun
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db


def test_run_writes_cost_per_account_and_activity_type(owner: Any, other_manager: Any) -> None:
    # given Alpha (100 picks at 10 + 50 at 12, 2 visits at 500, 1,000 picks after T) and
    # Beta, which has no activity
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)

    # when
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())

    # then
    run = AnalysisRun.objects.get()
    rows = {
        (row.account_id, row.activity_type.code): row.cost_ttm
        for row in AccountActivityCost.objects.filter(run=run).select_related("activity_type")
    }
    alpha = portfolio["strategic"].pk
    assert rows == {(alpha, "PICK"): Decimal("1600.00"), (alpha, "VISIT"): Decimal("1000.00")}
    # they add up to the snapshot's cost to serve and to the run's Pareto
    assert sum(rows.values()) == run.snapshots.get(account_id=alpha).cost_to_serve_ttm
    assert {row["activity_type"]: row["cost"] for row in run.cost_by_activity_type} == {
        "PICK": 1600.0,
        "VISIT": 1000.0,
    }


def test_each_run_keeps_its_own_costs(owner: Any, other_manager: Any) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    runs = list(AnalysisRun.objects.order_by("pk"))
    assert len(runs) == 2
    # each run keeps its own two rows; none is duplicated
    assert [AccountActivityCost.objects.filter(run=run).count() for run in runs] == [2, 2]
