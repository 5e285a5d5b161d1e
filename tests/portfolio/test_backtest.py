"""The churn backtest end to end: accounts, complaints, events (account_lost among them) and
revenue imported from files, the analysis run, then every figure of the endpoint and the page
recomputed in the test from the stored snapshots and the events; who may read it.

T = 15 Jan 2025 (at_risk_score 25, horizon 365 days: lost when an account_lost event is dated
16 Jan 2025 to 15 Jan 2026):

account  designation    signals (points)                             score stage  lost on
A1       strategic      3 delivery complaints (20), coverage gap 10  30    1      1 Mar 2025
A2       strategic      ultimatum (25), coverage gap 10              35    3      kept
A3       transactional  3 delivery complaints (20), no coverage gap  20    1      15 Jan 2026 (T+h)
A4       transactional  none                                         0     0      kept (T+366)
A5       transactional  none                                         0     0      kept (before T)
A6       candidate      competitor evaluation (15), coverage gap 10  25    2      1 Jun 2025

Lost: A1, A3, A6 → base rate 3/6 = 0.5. AUC: lost 30, 20, 25 against kept 35, 0, 0: each lost
score beats the two zeros and loses to 35 → 6 of 9 pairs = 2/3. At risk (≥ 25): A1, A2, A6, two
lost → rate 2/3, lift 4/3. Stage 0: A4, A5, none lost; stage 1: A1, A3, both lost (rate 1, lift
2); stage 2: A6 lost (1, 2); stage 3: A2 kept (0, 0); stage 4: nobody (null). Missed: A3.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from io import StringIO
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from portfolio.models import AnalysisRun

pytestmark = pytest.mark.django_db

T = date(2025, 1, 15)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(kind: str, path: Path) -> None:
    call_command("import_data", kind, str(path), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def imported(tmp_path: Path, owner: Any) -> AnalysisRun:
    designations = {
        "A1": "strategic",
        "A2": "strategic",
        "A3": "transactional",
        "A4": "transactional",
        "A5": "transactional",
        "A6": "candidate",
    }
    _import(
        "accounts",
        _write(
            tmp_path / "accounts.csv",
            ["external_id", "name", "industry", "region", "designation", "owner"],
            [
                [key, f"Account {key}", "Food", "Europe", d, "alice"]
                for key, d in designations.items()
            ],
        ),
    )
    _import(
        "revenue",
        _write(
            tmp_path / "revenue.csv",
            ["account", "location", "period_start", "revenue", "cost_of_goods"],
            [[key, "HQ", "2024-06-01", "1000.00", "500.00"] for key in designations],
        ),
    )
    complaint_days = ["2024-11-01", "2024-12-01", "2025-01-10"]
    _import(
        "complaints",
        _write(
            tmp_path / "complaints.csv",
            ["account", "category", "severity", "opened_on", "resolved_on", "description"],
            [
                [key, "delivery", "high", day, "", "Late truck"]
                for key, day in product(["A1", "A3"], complaint_days)
            ],
        ),
    )
    _import(
        "events",
        _write(
            tmp_path / "events.csv",
            ["account", "kind", "date", "notes"],
            [
                ["A2", "ultimatum", "2024-12-01", "Fix the delays by March"],
                ["A6", "competitor_evaluation", "2024-12-15", "Trial of a rival"],
                ["A1", "account_lost", "2025-03-01", "Moved to Rival Co"],
                ["A3", "account_lost", "2026-01-15", "Stopped ordering"],
                ["A4", "account_lost", "2026-01-16", "A day too late to count"],
                ["A5", "account_lost", "2025-01-01", "Before the run"],
                ["A6", "account_lost", "2025-06-01", "Went to the rival"],
            ],
        ),
    )
    call_command("run_analysis", "--as-of", T.isoformat(), stdout=StringIO())
    return AnalysisRun.objects.get(status="succeeded")


def _recomputed(snapshots: list[dict[str, Any]], lost: set[str]) -> dict[str, Any]:
    """Every backtest figure again, from the definitions, by brute force."""
    total = len(snapshots)
    base = len(lost) / total

    def group(rows: list[dict[str, Any]]) -> dict[str, Any]:
        gone = sum(1 for row in rows if row["external_id"] in lost)
        rate = gone / len(rows) if rows else None
        return {
            "accounts": len(rows),
            "lost": gone,
            "rate": rate,
            "lift": rate / base if rate is not None and base else None,
        }

    lost_scores = [row["churn_score"] for row in snapshots if row["external_id"] in lost]
    kept_scores = [row["churn_score"] for row in snapshots if row["external_id"] not in lost]
    pairs = [1.0 if a > b else 0.5 if a == b else 0.0 for a, b in product(lost_scores, kept_scores)]
    return {
        "accounts": total,
        "lost": len(lost),
        "base_rate": base,
        "auc": sum(pairs) / len(pairs),
        "at_risk": group([row for row in snapshots if row["at_risk"]]),
        "by_stage": [
            {"stage": stage, **group([row for row in snapshots if row["churn_stage"] == stage])}
            for stage in range(5)
        ],
    }


def _approx(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _approx(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_approx(item) for item in value]
    return pytest.approx(value) if isinstance(value, float) else value


def test_every_backtest_figure_is_recomputed_from_the_snapshots_and_the_events(
    imported: AnalysisRun, executive_api: Any
) -> None:
    # given the run's stored snapshots
    snapshots = executive_api.get(f"/api/v1/analysis-runs/{imported.pk}/snapshots/").json()
    rows = snapshots["results"] if isinstance(snapshots, dict) else snapshots
    scores = {
        row["external_id"]: (row["churn_score"], row["churn_stage"], row["at_risk"]) for row in rows
    }
    assert scores == {
        "A1": (30, 1, True),
        "A2": (35, 3, True),
        "A3": (20, 1, False),
        "A4": (0, 0, False),
        "A5": (0, 0, False),
        "A6": (25, 2, True),
    }
    # when
    response = executive_api.get(f"/api/v1/analysis-runs/{imported.pk}/backtest/")
    # then: the figures of the table in the module docstring…
    assert response.status_code == 200
    body = response.json()
    assert body == _approx(
        {
            "run": imported.pk,
            "as_of": "2025-01-15",
            "horizon_days": 365,
            "accounts": 6,
            "lost": 3,
            "base_rate": 0.5,
            "auc": 2 / 3,
            "at_risk": {"accounts": 3, "lost": 2, "rate": 2 / 3, "lift": 4 / 3},
            "by_stage": [
                {"stage": 0, "accounts": 2, "lost": 0, "rate": 0.0, "lift": 0.0},
                {"stage": 1, "accounts": 2, "lost": 2, "rate": 1.0, "lift": 2.0},
                {"stage": 2, "accounts": 1, "lost": 1, "rate": 1.0, "lift": 2.0},
                {"stage": 3, "accounts": 1, "lost": 0, "rate": 0.0, "lift": 0.0},
                {"stage": 4, "accounts": 0, "lost": 0, "rate": None, "lift": None},
            ],
        }
    )
    # …and the same recomputed from the definitions over the stored rows
    expected = _recomputed(rows, lost={"A1", "A3", "A6"})
    assert {key: body[key] for key in expected} == _approx(expected)


def test_the_horizon_moves_the_last_day(imported: AnalysisRun, ops_api: Any) -> None:
    # 364 days: A3's loss on T + 365 falls outside; lost A1 and A6 (both at risk)
    body = ops_api.get(f"/api/v1/analysis-runs/{imported.pk}/backtest/?horizon_days=364").json()
    assert (body["horizon_days"], body["lost"], body["at_risk"]["lost"]) == (364, 2, 2)
    # 366 days: A4's loss on T + 366 counts too
    body = ops_api.get(f"/api/v1/analysis-runs/{imported.pk}/backtest/?horizon_days=366").json()
    assert body["lost"] == 4


@pytest.mark.parametrize("horizon", ["0", "3651", "abc", "1.5", "-3", "", "٣"])
def test_a_bad_horizon_is_a_400_in_words(
    imported: AnalysisRun, executive_api: Any, horizon: str
) -> None:
    response = executive_api.get(
        f"/api/v1/analysis-runs/{imported.pk}/backtest/", {"horizon_days": horizon}
    )
    assert response.status_code == 400
    assert "horizon_days is a whole number of days from 1 to 3650" in str(response.json())


def test_a_horizon_sent_twice_is_a_400(imported: AnalysisRun, executive_api: Any) -> None:
    response = executive_api.get(
        f"/api/v1/analysis-runs/{imported.pk}/backtest/?horizon_days=30&horizon_days=60"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("anonymous_api", 401), ("owner_api", 403), ("executive_api", 200), ("ops_api", 200)],
)
def test_who_reads_the_backtest(
    request: Any, imported: AnalysisRun, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.get(f"/api/v1/analysis-runs/{imported.pk}/backtest/")
    assert response.status_code == status
    if status == 403:
        assert "executives and operations staff" in str(response.json())


def test_an_unknown_run_is_a_404_and_a_failed_run_a_400(
    imported: AnalysisRun, executive_api: Any
) -> None:
    assert executive_api.get("/api/v1/analysis-runs/999999/backtest/").status_code == 404
    failed = AnalysisRun.objects.create(as_of=T - timedelta(days=1), status="failed", trigger="api")
    response = executive_api.get(f"/api/v1/analysis-runs/{failed.pk}/backtest/")
    assert response.status_code == 400
    assert "only a succeeded run" in str(response.json())


def test_the_page_answers_with_the_same_figures_and_names_the_missed_account(
    imported: AnalysisRun, executive_client: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        response = executive_client.get("/dashboard/churn-backtest/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="bt-accounts">6<' in html
    assert 'id="bt-lost">3<' in html
    assert 'id="bt-base-rate">50 %<' in html
    assert 'id="bt-auc">0.67<' in html
    assert 'id="bt-at-risk-rate">67 %<' in html
    assert 'id="bt-at-risk-lift">1.33<' in html
    missed = response.context["found"].missed
    assert [(row.external_id, row.lost_on, row.notes) for row in missed] == [
        ("A3", date(2026, 1, 15), "Stopped ordering")
    ]
    assert "Stopped ordering" in html
    assert 'data-figure="roc-chart-data"' in html
    assert [point.auc for point in response.context["trend"]] == [pytest.approx(2 / 3)]


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("owner_client", 403), ("ops_client", 200), ("executive_client", 200)],
)
def test_who_reads_the_page(
    request: Any, imported: AnalysisRun, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).get("/dashboard/churn-backtest/")
    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(client: Any, imported: AnalysisRun) -> None:
    response = client.get("/dashboard/churn-backtest/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign" in response["Location"]


def test_the_page_refuses_a_bad_horizon_or_run_in_words(
    imported: AnalysisRun, executive_client: Any
) -> None:
    response = executive_client.get("/dashboard/churn-backtest/?horizon_days=0")
    assert response.status_code == 400
    assert "horizon_days is a whole number of days from 1 to 3650" in response.content.decode()
    assert executive_client.get("/dashboard/churn-backtest/?run=abc").status_code == 400
    assert executive_client.get("/dashboard/churn-backtest/?run=999999").status_code == 404
