"""The churn signal table's parameters through analysis-parameters/: ops change them (each
change recorded), a run stores and scores with the ones in force when it was queued."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from portfolio.models import AccountSnapshot, AnalysisParameters, AnalysisRun
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis-parameters/"


def test_every_weight_threshold_and_at_risk_score_is_a_parameter(executive_api: Any) -> None:
    body = executive_api.get(URL).json()
    assert body["at_risk_score"] == "25.00"
    assert body["weight_coverage_gap"] == "10.00"
    assert body["recurring_complaints"] == 3
    assert body["recurring_days"] == 90
    assert body["revenue_decline_ratio"] == "0.9000"
    assert (body["competitor_days"], body["ultimatum_days"], body["litigation_days"]) == (
        180,
        180,
        365,
    )


def test_ops_change_them_and_the_run_scores_with_them(
    ops_api: Any, ops: Any, owner: Any, other_manager: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    version = ops_api.get(URL).json()["version"]
    response = ops_api.patch(
        URL, {"version": version, "at_risk_score": "10", "weight_coverage_gap": "12"}, format="json"
    )
    assert response.status_code == 200, response.json()
    latest = AnalysisParameters.objects.get(pk=1).history.first()
    assert (latest.history_user, latest.at_risk_score) == (ops, 10)
    # the run stores what it used and scores with it: Alpha's coverage gap 12 ≥ 10, at risk
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    run = AnalysisRun.objects.get()
    assert (run.parameters["at_risk_score"], run.parameters["weight_coverage_gap"]) == (10.0, 12.0)
    alpha = AccountSnapshot.objects.get(run=run, account__external_id="A-1")
    assert (alpha.churn_score, alpha.at_risk) == (12, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"at_risk_score": "101"}, "at_risk_score"),
        ({"recurring_complaints": 0}, "recurring_complaints"),
        ({"litigation_days": 4000}, "litigation_days"),
        ({"revenue_decline_ratio": "1.5"}, "revenue_decline_ratio"),
        ({"weight_ultimatum": "-1"}, "weight_ultimatum"),
    ],
)
def test_a_value_out_of_range_is_a_400_on_its_name(
    ops_api: Any, body: dict[str, Any], field: str
) -> None:
    version = ops_api.get(URL).json()["version"]
    response = ops_api.patch(URL, {"version": version, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert AnalysisParameters.objects.get(pk=1).history.count() <= 1  # nothing recorded


@pytest.mark.parametrize(
    ("client_name", "status"), [("executive_api", 403), ("owner_api", 403), ("anonymous_api", 401)]
)
def test_only_ops_change_them(request: Any, client_name: str, status: int) -> None:
    response = request.getfixturevalue(client_name).patch(
        URL, {"at_risk_score": "10"}, format="json"
    )
    assert response.status_code == status
