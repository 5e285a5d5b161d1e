"""The dashboard, its downloads and its API answer in the same number of queries at N and
10 N accounts (snapshots with their activity costs, and runs grow; queries do not)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import AccountSnapshot, AnalysisRun
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from valuation.models import ActivityType

pytestmark = pytest.mark.django_db

SEGMENTS = ["invest", "develop", "maintain", "reassess"]


def _portfolio(owner: Any, accounts: int) -> None:
    """`accounts` accounts (a third owned by the owner, one more on their team), three
    successful runs with a snapshot and two activity costs per account."""
    others = [UserFactory(roles=["account_manager"]) for _ in range(2)]
    types = [
        ActivityType.objects.get_or_create(code=f"T{i}", defaults={"name": f"Type {i}"})[0]
        for i in range(2)
    ]
    created = [
        AccountFactory(owner=owner if i % 3 == 0 else others[i % 2], region=f"R{i % 4}")
        for i in range(accounts)
    ]
    TeamMemberFactory(account=created[1], user=owner)
    for back in range(3):
        run = AnalysisRun.objects.create(
            as_of=date(2026, 6, 15) - timedelta(days=30 * back),
            trigger="command",
            status="succeeded",
            finished_at=timezone.now(),
            parameters={"attractiveness_threshold": 60.0, "margin_target": 0.1},
            cost_by_activity_type=[
                {"activity_type": kind.code, "cost": 10.0, "share": 0.5} for kind in types
            ],
        )
        AccountSnapshot.objects.bulk_create(
            AccountSnapshot(
                run=run,
                account=account,
                revenue_ttm=Decimal(1000 * (i + 1)),
                net_profit_ttm=Decimal(100 * (i - accounts // 2)),
                margin=Decimal("0.1"),
                attractiveness=Decimal(i % 100),
                segment=SEGMENTS[i % 4],
                churn_stage=i % 3,
                churn_score=10 * (i % 3),
                value_delivered_ttm=Decimal(i % 5),
                signals=[{"code": "coverage_gap", "stage": 1, "weight": 10, "detail": "x"}]
                if i % 3
                else [],
                cost_by_activity_type={kind.code: float(i + 1) for kind in types},
            )
            for i, account in enumerate(created)
        )


PATHS = [
    "/dashboard/",
    "/dashboard/matrix.csv",
    "/dashboard/pareto.xlsx",
    "/dashboard/churn/table/",
    "/dashboard/churn-risk/",
    "/api/v1/dashboard/",
]
FILTERED = "?segment=invest&region=R0&designation=strategic"


def _measure(client: Any) -> dict[str, int]:
    counts = {}
    for path in PATHS:
        for url in (path, path + FILTERED):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = len(captured)
    return counts


@pytest.mark.parametrize("client_name", ["executive_client", "owner_client"])
def test_dashboard_queries_do_not_grow_with_the_portfolio(
    request: Any, owner: Any, client_name: str, django_assert_num_queries: Any
) -> None:
    # given the counts at N = 6 accounts
    client = request.getfixturevalue(client_name)
    _portfolio(owner, 6)
    at_n = _measure(client)
    AnalysisRun.objects.all().delete()  # cascades to snapshots and activity costs

    # when the portfolio holds 10 N accounts
    _portfolio(owner, 60)

    # then every page, download and the API make exactly as many queries
    for url, count in at_n.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_dashboard_page_query_count(
    executive_client: Any, owner_client: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    _portfolio(owner, 30)
    # session, user, user's groups (role check), latest run (the accounts' version of the
    # cache key is in the cache), totals, matrix, Lorenz sample, Pareto (activity type names:
    # the run stores the whole portfolio's), creators, drainers, value exchange, churn list,
    # the trend's runs, the two earlier runs' totals, owners, regions
    with django_assert_num_queries(16):
        executive_client.get("/dashboard/")
    # the whole portfolio's dashboard is cached now: session, user, groups, run
    with django_assert_num_queries(4):
        executive_client.get("/dashboard/")
    # the owner's view is never cached: session, user, groups, latest run, their account
    # ids, then the twelve figure queries above (the Pareto in two: their snapshots' costs
    # per activity type, then the types' names), with the trend's runs and their totals
    with django_assert_num_queries(18):
        owner_client.get("/dashboard/")


def test_a_filtered_executive_dashboard_from_the_cache_reads_no_account_ids(
    executive_client: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    _portfolio(owner, 30)
    executive_client.get(f"/dashboard/?owner={owner.username}")
    # session, user, groups, latest run: the scope's ids are read only to build the
    # figures, so a cache hit does not list them
    with django_assert_num_queries(4):
        executive_client.get(f"/dashboard/?owner={owner.username}")
