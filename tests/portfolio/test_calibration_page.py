"""The calibration on stored runs: the planted rule (4 complaints, not 3) is proposed beside
today's figures, and ops adopt it as a recorded parameter change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import AccountEvent, AccountLocation
from portfolio.backtest.calibration import calibration_page
from portfolio.models import AnalysisParameters
from tests.factories import AccountFactory
from tests.portfolio.churn_history import RUNS, build_churn_history
from valuation.models import RevenueRecord

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def history(owner: Any) -> dict[str, Any]:
    return build_churn_history(owner=owner)


def test_the_planted_rule_is_proposed_beside_today(history: Any) -> None:
    page = calibration_page(horizon_days=365, today=TODAY)
    calibration = page.calibration

    assert [run.as_of for run in page.runs] == list(reversed(RUNS))
    assert (calibration.lost_accounts, calibration.kept_accounts) == (10, 20)
    # today: 3 and 4 complaints both fire (20 points): lost tie the 3-complaint kept accounts
    # (½ each) and beat the 10 without complaints → (10·½ + 10) / 20 = 0.75 per run
    assert calibration.current_evaluation.mean_auc == pytest.approx(0.75)
    assert calibration.proposed is not None
    assert calibration.proposed.thresholds["recurring_complaints"] == 4.0
    assert calibration.proposed_evaluation is not None
    assert calibration.proposed_evaluation.mean_auc == pytest.approx(1.0)
    # at risk from the proposal: exactly the lost accounts → rate 1, base 1/3, lift 3
    assert calibration.proposed_evaluation.lift == pytest.approx(3.0)


def test_ops_adopt_the_proposal_as_a_recorded_change(
    history: Any, ops_client: Any, ops: Any, executive_client: Any, owner_client: Any
) -> None:
    response = ops_client.get("/dashboard/churn-backtest/calibration/")
    assert response.status_code == 200
    assert response.context["proposal"]["recurring_complaints"] == "4"
    assert 'id="adopt"' in response.content.decode()
    body = {"version": response.context["page"].version, **response.context["proposal"]}
    # the executive reads it but does not adopt; the account manager reads neither
    assert (
        'id="adopt"'
        not in executive_client.get("/dashboard/churn-backtest/calibration/").content.decode()
    )
    assert (
        executive_client.post("/dashboard/churn-backtest/calibration/adopt/", body).status_code
        == 403
    )
    assert owner_client.get("/dashboard/churn-backtest/calibration/").status_code == 403
    assert AnalysisParameters.objects.get(pk=1).recurring_complaints == 3  # nothing changed yet
    # ops adopt
    adopted = ops_client.post("/dashboard/churn-backtest/calibration/adopt/", body)
    assert adopted.status_code == 302
    parameters = AnalysisParameters.objects.get(pk=1)
    assert parameters.recurring_complaints == 4
    latest = parameters.history.first()
    assert (latest.history_user, latest.recurring_complaints) == (ops, 4)


def test_a_bad_adopt_is_refused_in_words_and_changes_nothing(history: Any, ops_client: Any) -> None:
    version = AnalysisParameters.objects.get_or_create(pk=1)[0].version
    for body, words in (
        ({"version": version, "nonsense": "1"}, "is not an analysis parameter"),
        ({"version": version, "recurring_complaints": "many"}, "recurring_complaints"),
        ({"version": version, "at_risk_score": "500"}, "at_risk_score"),
        ({"recurring_complaints": "4"}, "version is missing"),
    ):
        response = ops_client.post("/dashboard/churn-backtest/calibration/adopt/", body)
        assert response.status_code == 400, body
        assert words in response.content.decode()
    assert AnalysisParameters.objects.get(pk=1).recurring_complaints == 3


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    assert client.get("/dashboard/churn-backtest/calibration/").status_code == 302
    assert client.post("/dashboard/churn-backtest/calibration/adopt/", {}).status_code == 302


def test_too_few_lost_accounts_say_so(owner: Any, executive_client: Any) -> None:
    account = AccountFactory(owner=owner, designation="transactional")
    RevenueRecord.objects.create(
        account=account,
        location=AccountLocation.objects.create(account=account, name="HQ"),
        period_start=date(2024, 1, 1),
        revenue=Decimal("1000"),
        cost_of_goods=Decimal("100"),
    )
    AccountEvent.objects.create(account=account, kind="account_lost", date=date(2024, 8, 1))
    call_command("run_analysis", "--as-of", RUNS[0].isoformat(), stdout=StringIO())
    html = executive_client.get("/dashboard/churn-backtest/calibration/").content.decode()
    assert "Too few to learn from" in html
    assert "1 lost account and 0 kept" in html


def test_the_page_reads_a_bounded_number_of_queries_per_run(
    history: Any, executive_client: Any, django_assert_max_num_queries: Any
) -> None:
    # session, user, groups; the parameters; the runs; then about 15 per run (2 here): its
    # accounts, their designations and history, the analysis frames, the lost events
    with django_assert_max_num_queries(40):
        response = executive_client.get("/dashboard/churn-backtest/calibration/")
    assert response.status_code == 200
