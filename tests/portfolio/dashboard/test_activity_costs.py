"""The run writes each account's cost per activity type with its snapshots (hand-computed)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from portfolio.models import AnalysisRun
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
    alpha = run.snapshots.get(account=portfolio["strategic"])
    assert alpha.cost_by_activity_type == {"PICK": 1600.0, "VISIT": 1000.0}
    assert run.snapshots.get(account=portfolio["small"]).cost_by_activity_type == {}
    # they add up to the snapshot's cost to serve and to the run's Pareto
    assert sum(alpha.cost_by_activity_type.values()) == float(alpha.cost_to_serve_ttm)
    assert {row["activity_type"]: row["cost"] for row in run.cost_by_activity_type} == {
        "PICK": 1600.0,
        "VISIT": 1000.0,
    }


def test_each_run_keeps_its_own_costs(owner: Any, other_manager: Any) -> None:
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    runs = list(AnalysisRun.objects.order_by("pk"))
    assert len(runs) == 2
    # each run keeps its own costs on its own snapshot
    assert [
        run.snapshots.get(account=portfolio["strategic"]).cost_by_activity_type for run in runs
    ] == [{"PICK": 1600.0, "VISIT": 1000.0}] * 2
