"""run_analysis end to end on a small portfolio, every exported column checked by hand;
plus the run lifecycle: validation, claiming, failure, the sweep, the nightly entry."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from portfolio import services
from portfolio.exports import EXPORT_COLUMNS
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.portfolio.fixtures import AS_OF, build_small_portfolio, ltv
from valuation.models import ActivityRate, ServiceActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_portfolio(owner: Any, other_manager: Any) -> dict[str, Any]:
    return build_small_portfolio(owner=owner, other_owner=other_manager)


def _money(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def test_run_analysis_and_export_match_hand_computed_figures(
    small_portfolio: dict[str, Any], tmp_path: Path
) -> None:
    # when
    out = StringIO()
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=out)
    run = AnalysisRun.objects.get()
    assert f"Run {run.pk} succeeded: 2 accounts analysed" in out.getvalue()
    path = tmp_path / "portfolio.csv"
    call_command("export_portfolio", "--out", str(path), stdout=StringIO())
    with path.open(encoding="utf-8") as handle:
        rows = {row["account"]: row for row in csv.DictReader(handle)}
    assert list(rows["A-1"]) == EXPORT_COLUMNS

    # then, account A (strategic). Windows as of 15 Jun 2026: Y3 Jul 2025–15 Jun 2026,
    # Y2 Jul 2024–Jun 2025, Y1 Jul 2023–Jun 2024.
    a = rows["A-1"]
    assert a["name"] == "Alpha Foods"
    assert (a["revenue_y1"], a["revenue_y2"], a["revenue_ttm"]) == (
        "100000.00",
        "110000.00",
        "121000.00",
    )
    assert a["revenue_3y"] == "331000.00"  # 100,000 + 110,000 + 121,000; Jul 2026 ignored
    assert a["growth_rate"] == "0.100000"  # (121,000 / 100,000)^(1/2) − 1 = 1.1 − 1
    assert a["forecast_2y"] == "279510.00"  # no forecasts: 121,000·1.1 + 121,000·1.21
    assert a["gross_margin_ttm"] == "51000.00"  # 121,000 − 70,000
    # 100 picks on 31 Dec 2025 at 10 + 50 on 1 Jan 2026 at the new rate 12 + 2 visits at 500
    assert a["cost_to_serve_ttm"] == "2600.00"
    assert a["retention_investment_ttm"] == "1000.00"  # the visits are an investment
    assert a["net_profit_ttm"] == "48400.00"  # 51,000 − 2,600
    assert a["margin"] == "0.400000"  # 48,400 / 121,000
    assert (a["value_delivered_ttm"], a["value_received_ttm"]) == ("20000.00", "5000.00")
    assert a["value_ratio"] == "4.000000"
    # No contact mapped: coverage_gap (stage 1, weight 10) is the only signal.
    assert (a["churn_score"], a["churn_stage"]) == ("10", "1")
    assert a["at_risk"] == "False"  # 10 < at_risk_score 25
    assert a["retention"] == "0.810000"  # 0.9 × (1 − 10/100)
    # Σ_{t=1..10} 48,400·1.1^(t−1)·0.81^(t−1)/1.1^t = 44,000·(1 − 0.81^10)/0.19
    assert a["ltv"] == _money(44_000 * (1 - 0.81**10) / 0.19)
    assert a["ltv"] == _money(ltv(48_400, 0.1, 0.81))
    # S = median TTM of transactional accounts = 50,000 → ⌈121,000 / 50,000⌉ = 3 × 25,000
    assert (a["replacement_customers"], a["replacement_cost"]) == ("3", "75000.00")
    assert a["attractiveness"] == "60.00"  # no criteria: 50 + 100·0.1
    assert a["segment"] == "invest"  # A 60 ≥ 60 and margin 0.4 ≥ 0.1
    assert a["signals"].startswith("coverage_gap: ")

    # account B (transactional): only Y3 revenue, no activities, no ledger
    b = rows["B-1"]
    assert (b["revenue_ttm"], b["revenue_3y"], b["growth_rate"]) == (
        "50000.00",
        "50000.00",
        "0.000000",
    )
    assert b["forecast_2y"] == "100000.00"  # g = 0: 50,000 + 50,000
    assert (b["gross_margin_ttm"], b["cost_to_serve_ttm"], b["net_profit_ttm"]) == (
        "5000.00",
        "0.00",
        "5000.00",
    )
    assert b["value_ratio"] == ""  # nothing received: no ratio
    # transactional: the relationship signals do not apply (DOMAIN.md), so no coverage_gap
    assert (b["churn_score"], b["churn_stage"], b["at_risk"], b["signals"]) == (
        "0",
        "0",
        "False",
        "",
    )
    assert b["retention"] == "0.900000"
    assert b["ltv"] == _money(sum(5000 * 0.9 ** (t - 1) / 1.1**t for t in range(1, 11)))
    assert (b["replacement_customers"], b["replacement_cost"]) == ("1", "25000.00")
    assert (b["attractiveness"], b["segment"]) == ("50.00", "maintain")  # margin 0.1 = target


def test_export_xlsx_has_the_same_rows(small_portfolio: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    path = tmp_path / "portfolio.xlsx"
    call_command("export_portfolio", "--out", str(path), stdout=StringIO())
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.values)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert sorted(row[0] for row in rows[1:]) == ["A-1", "B-1"]


def test_export_without_a_successful_run_is_refused(tmp_path: Path, db: Any) -> None:
    with pytest.raises(CommandError, match="No analysis run has succeeded yet"):
        call_command("export_portfolio", "--out", str(tmp_path / "x.csv"))


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (None, "is in the future"),  # tomorrow, taken when the test runs (not collected)
        (date(2020, 1, 1), "is before the first data"),
    ],
)
def test_run_refused_for_bad_dates(
    small_portfolio: dict[str, Any], as_of: date | None, message: str
) -> None:
    as_of = as_of or timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match=message):
        services.analysis_run_create(as_of=as_of, requested_by=None, trigger="command")
    assert not AnalysisRun.objects.exists()


def test_second_run_for_same_date_refused_while_one_waits(small_portfolio: dict[str, Any]) -> None:
    services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    with pytest.raises(ValidationError, match="already queued or running"):
        services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    assert AnalysisRun.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("discount_rate", Decimal("-0.01"), "greater than or equal to 0"),
        ("horizon_years", 0, "greater than or equal to 1"),
        ("base_retention", Decimal("1.1"), "less than or equal to 1"),
    ],
)
def test_parameters_out_of_range_refused(ops: Any, field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.analysis_parameters_update(changed_by=ops, **{field: value})
    assert message in " ".join(caught.value.message_dict[field])
    parameters = services.analysis_parameters_get()
    assert (parameters.discount_rate, parameters.horizon_years, parameters.base_retention) == (
        Decimal("0.1000"),
        10,
        Decimal("0.9000"),
    )


def test_parameter_change_is_recorded_and_used(small_portfolio: dict[str, Any], ops: Any) -> None:
    services.analysis_parameters_update(changed_by=ops, acquisition_cost=Decimal("30000"))
    history = services.analysis_parameters_get().history.first()
    assert history.history_user == ops
    assert history.acquisition_cost == Decimal("30000.00")
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    snapshot = AccountSnapshot.objects.get(account=small_portfolio["strategic"])
    assert snapshot.replacement_cost == Decimal("90000.00")  # 3 × 30,000


def test_a_run_is_executed_once(small_portfolio: dict[str, Any]) -> None:
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    assert services.analysis_run_execute(run_id=run.pk) is not None
    assert services.analysis_run_execute(run_id=run.pk) is None  # already claimed and done
    assert AccountSnapshot.objects.filter(run=run).count() == 2


def test_account_deleted_while_the_run_computes_gets_no_snapshot(
    small_portfolio: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an account deleted after the run has read the data, before it writes
    compute = services.analysis_prepare

    def compute_then_delete(**kwargs: Any) -> Any:
        result = compute(**kwargs)
        small_portfolio["small"].delete()
        return result

    monkeypatch.setattr(services, "analysis_prepare", compute_then_delete)
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    # when
    services.analysis_run_execute(run_id=run.pk)
    # then the run succeeds with the accounts that remain, and no snapshot is left orphaned
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED
    assert run.accounts_analysed == 1
    assert list(AccountSnapshot.objects.filter(run=run).values_list("account_id", flat=True)) == [
        small_portfolio["strategic"].pk
    ]
    assert AccountSnapshot.objects.filter(account_id=small_portfolio["small"].pk).count() == 0


def test_failure_mid_run_leaves_no_snapshots(small_portfolio: dict[str, Any]) -> None:
    # given parameters that pass validation at queue time but break the computation
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    AnalysisRun.objects.filter(pk=run.pk).update(
        parameters={**run.parameters, "horizon_years": "x"}
    )
    # when
    with pytest.raises(Exception):  # noqa: B017, PT011 (any error must fail the run)
        services.analysis_run_execute(run_id=run.pk)
    # then
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error
    assert not AccountSnapshot.objects.filter(run=run).exists()


def test_sweep_fails_runs_whose_worker_vanished(
    small_portfolio: dict[str, Any], settings: Any
) -> None:
    settings.KAM_ANALYSIS_STALE_SECONDS = 60
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    long_ago = timezone.now() - timedelta(minutes=5)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    assert services.analysis_runs_reap()["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed"
    assert "stopped responding" in run.error
    # and a run that reports is left alone
    fresh = services.analysis_run_create(
        as_of=AS_OF - timedelta(days=1), requested_by=None, trigger="command"
    )
    AnalysisRun.objects.filter(pk=fresh.pk).update(status="running", heartbeat_at=timezone.now())
    assert services.analysis_runs_reap()["failed"] == 0


def test_nightly_entry_runs_a_night_once(
    small_portfolio: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.analysis_run_queue_nightly(as_of=AS_OF)
    assert first is not None
    first.refresh_from_db()
    assert first.status == "succeeded"  # tasks run eagerly in this test run
    assert services.analysis_run_queue_nightly(as_of=AS_OF) is None
    assert AnalysisRun.objects.count() == 1


def test_churn_signals_read_voice_and_relationship_data(
    small_portfolio: dict[str, Any], owner: Any
) -> None:
    from accounts.models import AccountEvent, Complaint
    from relationships.models import Contact, Interaction

    account = small_portfolio["strategic"]
    # given three delivery complaints in the 90 days up to as-of (15 Jun 2026)
    for day in (date(2026, 3, 17), date(2026, 5, 2), date(2026, 6, 1)):
        Complaint.objects.create(account=account, category="delivery", opened_on=day)
    # an RFP 180 days before as-of (counted) and litigation 366 days before (not counted)
    AccountEvent.objects.create(
        account=account, kind="rfp_issued", date=AS_OF - timedelta(days=180)
    )
    AccountEvent.objects.create(
        account=account, kind="litigation", date=AS_OF - timedelta(days=366)
    )
    # an economic buyer last seen 100 days ago (expected every 30) and a coach seen recently
    buyer = Contact.objects.create(
        account=account, name="Jane Doe", is_economic_buyer=True, contact_frequency_days=30
    )
    coach = Contact.objects.create(
        account=account, name="Sam Coach", is_coach=True, contact_frequency_days=30
    )
    for contact, day in ((buyer, AS_OF - timedelta(days=100)), (coach, AS_OF - timedelta(days=5))):
        interaction = Interaction.objects.create(
            account=account, user=owner, date=day, summary="Review"
        )
        interaction.contacts.add(contact)
    # an interaction after as-of does not count
    late = Interaction.objects.create(
        account=account, user=owner, date=date(2026, 6, 20), summary="Late"
    )
    late.contacts.add(buyer)

    # when
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())

    # then recurring problems (20), neglected buyer (15), competitor activity (15) = 50
    snapshot = AccountSnapshot.objects.get(account=account)
    codes = {signal["code"]: signal for signal in snapshot.signals}
    assert sorted(codes) == [
        "competitor_activity",
        "key_influencer_neglected",
        "recurring_problems",
    ]
    assert (snapshot.churn_score, snapshot.churn_stage) == (50, 2)
    assert snapshot.retention == Decimal("0.450000")  # 0.9 × (1 − 0.5)
    assert "3 delivery complaints" in codes["recurring_problems"]["detail"]
    assert "Jane Doe" in codes["key_influencer_neglected"]["detail"]


def _stored(run: AnalysisRun) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in row.items() if key not in ("id", "run_id")}
        for row in AccountSnapshot.objects.filter(run=run).order_by("account_id").values()
    ]


def test_a_run_written_in_parts_stores_what_one_part_stores(
    small_portfolio: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    services.analysis_run_execute(run_id=whole.pk)
    # when every account is a part of its own
    monkeypatch.setattr(services, "WRITTEN_PART_ACCOUNTS", 1)
    monkeypatch.setattr(services, "WRITTEN_PARTS", 10**6)
    parts = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    services.analysis_run_execute(run_id=parts.pk)
    # then
    whole.refresh_from_db()
    parts.refresh_from_db()
    assert parts.status == whole.status == AnalysisRun.Status.SUCCEEDED
    assert parts.accounts_analysed == whole.accounts_analysed == 2
    assert _stored(parts) == _stored(whole)
    assert parts.cost_by_activity_type == whole.cost_by_activity_type != []
    assert parts.warnings == whole.warnings


def test_a_part_failing_after_others_were_sent_leaves_no_snapshot(
    small_portfolio: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    class CostingError(Exception):
        pass

    parts = services.analyse_costs_in_parts

    def first_part_then_an_error(*args: Any, **kwargs: Any) -> Any:
        yield next(parts(*args, **kwargs))
        raise CostingError("the second part could not be costed")

    monkeypatch.setattr(services, "WRITTEN_PART_ACCOUNTS", 1)
    monkeypatch.setattr(services, "analyse_costs_in_parts", first_part_then_an_error)
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    # when
    with pytest.raises(CostingError):
        services.analysis_run_execute(run_id=run.pk)
    # then
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert "the second part could not be costed" in run.error
    assert not AccountSnapshot.objects.filter(run=run).exists()


def test_a_run_whose_activities_cost_nothing_succeeds(
    small_portfolio: dict[str, Any],
) -> None:
    # given activities no rate was in force for: every account's cost per type is 0
    ActivityRate.objects.all().delete()
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    # when
    services.analysis_run_execute(run_id=run.pk)
    # then
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED
    assert ServiceActivity.objects.exists()
    assert [
        snapshot.cost_by_activity_type for snapshot in AccountSnapshot.objects.filter(run=run)
    ] == [
        {},
        {},
    ]
    assert any("no rate at all" in warning for warning in run.warnings)
