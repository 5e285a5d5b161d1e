"""Who may queue, read and configure the analysis; snapshots never show a hidden account."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from portfolio.models import AccountSnapshot, AnalysisParameters, AnalysisRun
from portfolio.schedules import NIGHTLY_NAME
from portfolio.services import PARAMETER_FIELDS
from tests.factories import AccountFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

# The parameters the form posts besides DOMAIN.md's first seven (signal table, at_risk_score).
CHURN_FIELDS = PARAMETER_FIELDS[7:]

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(owner: Any, other_manager: Any) -> dict[str, Any]:
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    portfolio["run"] = AnalysisRun.objects.get()
    return portfolio


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("ops queues", "ops_api", 201),
        ("account manager may not", "owner_api", 403),
        ("executive may not", "executive_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_queue_run_access(
    request: Any,
    analysed: dict[str, Any],
    _case: str,
    client_name: str,
    status: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = request.getfixturevalue(client_name).post(
            "/api/v1/analysis-runs/", {"as_of": "2026-06-30"}, format="json"
        )
    assert response.status_code == status
    assert AnalysisRun.objects.filter(as_of="2026-06-30").count() == (1 if status == 201 else 0)


def test_queue_run_refuses_a_future_date(ops_api: Any, analysed: dict[str, Any]) -> None:
    response = ops_api.post("/api/v1/analysis-runs/", {"as_of": "2999-01-01"}, format="json")
    assert response.status_code == 400
    assert "is in the future" in response.json()["as_of"][0]
    assert AnalysisRun.objects.count() == 1


def test_run_snapshots_show_only_visible_accounts(
    analysed: dict[str, Any], owner_api: Any, other_manager_api: Any, executive_api: Any
) -> None:
    url = f"/api/v1/analysis-runs/{analysed['run'].pk}/snapshots/"
    assert [row["external_id"] for row in owner_api.get(url).json()["results"]] == ["A-1"]
    assert [row["external_id"] for row in other_manager_api.get(url).json()["results"]] == ["B-1"]
    assert sorted(row["external_id"] for row in executive_api.get(url).json()["results"]) == [
        "A-1",
        "B-1",
    ]


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_api", 200),
        ("unrelated manager", "team_member_api", 404),
        ("executive", "executive_api", 200),
        ("ops", "ops_api", 200),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_account_snapshot_access(
    request: Any, analysed: dict[str, Any], _case: str, client_name: str, status: int
) -> None:
    account = analysed["strategic"]
    response = request.getfixturevalue(client_name).get(f"/api/v1/accounts/{account.pk}/snapshot/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["revenue_ttm"], body["net_profit_ttm"], body["segment"]) == (
            "121000.00",
            "48400.00",
            "invest",
        )
        assert body["signals"][0]["code"] == "coverage_gap"


def test_account_never_analysed_has_no_snapshot(owner_api: Any, owner: Any) -> None:
    account = AccountFactory(owner=owner)
    response = owner_api.get(f"/api/v1/accounts/{account.pk}/snapshot/")
    assert response.status_code == 404
    assert response.json()["detail"] == "This account has not been analysed yet."


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("ops", "ops_api", 200),
        ("executive", "executive_api", 403),
        ("account manager", "owner_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_parameters_api_write_access(
    request: Any, db: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).patch(
        "/api/v1/analysis-parameters/", {"discount_rate": "0.0800"}, format="json"
    )
    assert response.status_code == status
    expected = Decimal("0.0800") if status == 200 else Decimal("0.1000")
    assert AnalysisParameters.objects.get_or_create(pk=1)[0].discount_rate == expected


def test_parameters_api_refuses_out_of_range(ops_api: Any) -> None:
    response = ops_api.patch(
        "/api/v1/analysis-parameters/", {"base_retention": "1.5", "horizon_years": 0}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"base_retention", "horizon_years"}
    assert AnalysisParameters.objects.get_or_create(pk=1)[0].horizon_years == 10


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("ops", "ops_client", 200),
        ("executive", "executive_client", 403),
        ("account manager", "owner_client", 403),
    ],
)
def test_ops_page_access(request: Any, db: Any, _case: str, client_name: str, status: int) -> None:
    response = request.getfixturevalue(client_name).get("/ops/analysis/")
    assert response.status_code == status


def test_ops_page_sends_anonymous_to_login(anonymous_client: Any) -> None:
    response = anonymous_client.get("/ops/analysis/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("client_name", ["executive_client", "owner_client"])
def test_ops_actions_refused_to_others(
    request: Any, analysed: dict[str, Any], client_name: str
) -> None:
    client = request.getfixturevalue(client_name)
    assert client.post("/ops/analysis/run/", {"as_of": "2026-06-30"}).status_code == 403
    assert client.post("/ops/analysis/schedule/", {"at": "03:05", "days": "*"}).status_code == 403
    assert client.post("/ops/analysis/parameters/", {"discount_rate": "0.2"}).status_code == 403
    assert AnalysisRun.objects.count() == 1
    assert not PeriodicTask.objects.filter(name=NIGHTLY_NAME, crontab__hour="3").exists()


def test_ops_runs_now_from_the_page(
    ops_client: Any, analysed: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post("/ops/analysis/run/", {"as_of": "2026-06-30"})
    assert response.status_code == 302
    run = AnalysisRun.objects.get(as_of="2026-06-30")
    assert (run.status, run.trigger, run.requested_by.username) == ("succeeded", "page", "olga")


def test_ops_run_now_refuses_a_future_date_on_the_field(
    ops_client: Any, analysed: dict[str, Any]
) -> None:
    response = ops_client.post("/ops/analysis/run/", {"as_of": "2999-01-01"})
    assert response.status_code == 400
    assert "is in the future" in " ".join(response.context["run_form"].errors["as_of"])
    assert AnalysisRun.objects.count() == 1


def test_ops_changes_the_schedule(ops_client: Any, db: Any) -> None:
    response = ops_client.post(
        "/ops/analysis/schedule/",
        {"at": "03:30", "days": "1-5", "enabled": "on"},
    )
    assert response.status_code == 302
    task = PeriodicTask.objects.get(name=NIGHTLY_NAME)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "3", "1-5")
    assert task.task == "portfolio.tasks.nightly_analysis_task"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"at": "25:99", "days": "*"}, "at", "Enter a valid time."),
        ({"days": "*"}, "at", "Give the time of day"),
        ({"at": "02:00", "days": "chosen"}, "weekdays", "Tick at least one day"),
        ({"at": "02:00", "days": "fortnightly"}, "days", "Select a valid choice."),
    ],
)
def test_ops_schedule_refuses_bad_input_in_words(
    ops_client: Any, db: Any, body: dict[str, str], field: str, message: str
) -> None:
    response = ops_client.post("/ops/analysis/schedule/", body)
    assert response.status_code == 400
    assert message in " ".join(response.context["schedule_form"].errors[field])
    assert PeriodicTask.objects.get(name=NIGHTLY_NAME).crontab.hour == "2"


def test_ops_sets_chosen_days_and_reads_the_schedule_in_words(ops_client: Any, db: Any) -> None:
    response = ops_client.post(
        "/ops/analysis/schedule/",
        {"at": "01:15", "days": "chosen", "weekdays": ["3", "1"], "enabled": "on"},
    )
    assert response.status_code == 302
    task = PeriodicTask.objects.get(name=NIGHTLY_NAME)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("15", "1", "1,3")
    page = ops_client.get("/ops/analysis/").content.decode()
    assert "on Monday, Wednesday at 01:15 UTC" in page
    assert "Next run:" in page
    assert 'value="01:15"' in page  # the form shows the schedule back


def test_ops_run_now_says_what_became_of_the_run(
    ops_client: Any, analysed: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post("/ops/analysis/run/", {"as_of": "2026-06-30"}, follow=True)
    run = AnalysisRun.objects.get(as_of="2026-06-30")
    body = response.content.decode()
    # queued when the message was written; the runs table below shows it done
    assert f"Run {run.pk} as of 2026-06-30 is queued; a worker will start it shortly." in body
    assert run.status == "succeeded"
    assert "is succeeded" not in body


def test_ops_parameters_form_records_the_change(ops_client: Any, ops: Any) -> None:
    values = {
        "discount_rate": "0.12",
        "horizon_years": "8",
        "base_retention": "0.85",
        "acquisition_cost": "30000",
        "small_account_revenue": "90000",
        "margin_target": "0.1",
        "attractiveness_threshold": "55",
        **{name: str(getattr(AnalysisParameters(), name)) for name in CHURN_FIELDS},
        "at_risk_score": "30",
    }
    assert ops_client.post("/ops/analysis/parameters/", values).status_code == 302
    latest = AnalysisParameters.objects.get(pk=1).history.first()
    assert (
        latest.history_user,
        latest.horizon_years,
        latest.discount_rate,
        latest.at_risk_score,
    ) == (ops, 8, Decimal("0.1200"), Decimal("30.00"))


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 200),
        ("unrelated manager", "team_member_client", 404),
        ("executive", "executive_client", 200),
    ],
)
def test_account_analysis_tab_access(
    request: Any, analysed: dict[str, Any], _case: str, client_name: str, status: int
) -> None:
    account = analysed["strategic"]
    response = request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/analysis/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        # the signal in words and the playbook's action for it; not at risk (10 < 25)
        assert "<td>Coverage gap</td>" in page
        assert "Map the missing economic buyer or coach" in page
        assert 'id="at-risk">not at churn risk' in page
        assert response.context["history"].latest.net_profit_ttm == Decimal("48400.00")
        # figures by their names, money as money, ratios as percentages
        assert '<th scope="row">Net profit TTM</th>' in page
        assert "€48,400" in page
        assert "retention 81.0 %" in page  # 0.9 × (1 − 10/100)
        assert "0.810000" not in page


@pytest.mark.parametrize("extra_accounts", [0, 20])
def test_run_snapshots_endpoint_queries(
    analysed: dict[str, Any],
    executive_api: Any,
    owner: Any,
    extra_accounts: int,
    django_assert_num_queries: Any,
) -> None:
    AccountFactory.create_batch(extra_accounts, owner=owner)
    run = analysed["run"]
    AccountSnapshot.objects.bulk_create(
        [
            AccountSnapshot(run=run, account=account, segment="reassess")
            for account in owner.owned_accounts.exclude(snapshots__run=run)
        ]
    )
    # groups (role), the run, COUNT of snapshots, the page of snapshots with account, owner, run
    with django_assert_num_queries(4):
        response = executive_api.get(f"/api/v1/analysis-runs/{run.pk}/snapshots/")
    assert response.json()["count"] == 2 + extra_accounts


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("ops", "ops_api", 200),
        ("executive", "executive_api", 403),
        ("account manager", "owner_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_schedule_api_write_access(
    request: Any, db: Any, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).put(
        "/api/v1/analysis-schedule/",
        {"minute": "15", "hour": "1", "day_of_week": "*", "enabled": True},
        format="json",
    )
    assert response.status_code == status
    task = PeriodicTask.objects.filter(name=NIGHTLY_NAME).first()
    hour = task.crontab.hour if task else None
    assert hour == ("1" if status == 200 else (None if task is None else "2"))


def test_schedule_api_reads_and_refuses_bad_cron(ops_api: Any, owner_api: Any) -> None:
    assert owner_api.get("/api/v1/analysis-schedule/").json() == {
        "minute": "0",
        "hour": "2",
        "day_of_week": "*",
        "enabled": True,
    }
    response = ops_api.put(
        "/api/v1/analysis-schedule/",
        {"minute": "0", "hour": "25", "day_of_week": "*", "enabled": True},
        format="json",
    )
    assert response.status_code == 400
    assert "Not a cron hour (0-23" in response.json()["hour"][0]
    assert PeriodicTask.objects.get(name=NIGHTLY_NAME).crontab.hour == "2"


def test_the_schedule_schema_states_the_cron_grammar_the_api_takes(ops_api: Any) -> None:
    """The request schema's patterns are the API's own check: a value they admit is taken,
    one they refuse is refused on its field (schemathesis draws from these patterns)."""
    schema = ops_api.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["NightlyScheduleRequest"]["properties"]
    assert {name: "pattern" in fields[name] for name in ("minute", "hour", "day_of_week")} == {
        "minute": True,
        "hour": True,
        "day_of_week": True,
    }
    taken = ops_api.put(
        "/api/v1/analysis-schedule/",
        {"minute": "*/15", "hour": "1,13", "day_of_week": "1-5,0", "enabled": True},
        format="json",
    )
    assert taken.status_code == 200
    refused = ops_api.put(
        "/api/v1/analysis-schedule/",
        {"minute": "*/0", "hour": "2", "day_of_week": "5-1", "enabled": True},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"minute", "day_of_week"}


def test_the_ops_home_page_shows_runs_schedule_and_imports(
    ops_client: Any, owner_client: Any, analysed: dict[str, Any]
) -> None:
    from valuation.models import ImportBatch

    ImportBatch.objects.create(kind="revenue", file_name="r.csv", status="failed")
    run = analysed["run"]
    page = ops_client.get("/").content.decode()
    assert f"run {run.pk} as of" in page
    assert "Every day at 02:00 UTC" in page
    assert "Next run" in page
    assert "1 failed</span> in the last 7 days" in page
    # not for an account manager
    assert "Analysis and imports" not in owner_client.get("/").content.decode()


def test_the_ops_home_page_queries_do_not_grow_with_runs_and_imports(
    ops_client: Any, analysed: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from valuation.models import ImportBatch

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ops_client.get("/").status_code == 200
        return len(queries)

    count()  # the first visit creates the default schedules
    few = count()
    for number in range(8):
        ImportBatch.objects.create(kind="revenue", file_name=f"r{number}.csv", status="failed")
    assert count() == few
