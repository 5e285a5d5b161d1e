"""The demo runs the analysis three times near its date, so the dashboard has figures and a
trend, and three times more than a year before, so the churn backtest has outcomes."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import AccountEvent
from portfolio.backtest.selectors import run_backtest
from portfolio.models import AccountSnapshot, AnalysisRun

pytestmark = pytest.mark.django_db


def test_demo_has_six_runs_and_a_dashboard_trend(client: Any) -> None:
    call_command("seed_demo", "--accounts", "8", "--as-of", "2026-06-15", stdout=StringIO())

    runs = list(AnalysisRun.objects.order_by("as_of").values_list("as_of", "status"))
    assert runs == [
        (date(2024, 9, 30), "succeeded"),  # 21, 17 and 13 months before: outcomes known
        (date(2025, 1, 31), "succeeded"),
        (date(2025, 5, 31), "succeeded"),
        (date(2026, 4, 30), "succeeded"),
        (date(2026, 5, 31), "succeeded"),
        (date(2026, 6, 15), "succeeded"),
    ]
    client.force_login(get_user_model().objects.get(username="erin"))
    dashboard = client.get("/dashboard/").context["dashboard"]
    assert dashboard.totals.accounts == 8
    assert [row.as_of for row in dashboard.trend] == [as_of for as_of, _ in runs]


def test_the_demo_tells_the_churn_story(client: Any) -> None:
    """A few accounts flagged and lost, two flagged and kept, one lost without warning, most
    kept; well under half of the accounts at risk today."""
    call_command("seed_demo", "--accounts", "60", "--as-of", "2026-06-15", stdout=StringIO())

    latest = AnalysisRun.objects.order_by("-as_of").first()
    assert latest is not None
    at_risk = AccountSnapshot.objects.filter(run=latest, at_risk=True).count()
    assert at_risk < 60 * 0.25
    lost = set(
        AccountEvent.objects.filter(kind="account_lost").values_list("account__name", flat=True)
    )
    assert len(lost) == 8
    oldest = AnalysisRun.objects.order_by("as_of").first()
    assert oldest is not None
    found = run_backtest(run=oldest, horizon_days=365, today=date(2026, 6, 15))
    assert found.horizon_over
    assert found.result.at_risk.lost >= 1  # flagged, then lost
    assert found.result.at_risk.lost < found.result.at_risk.accounts  # flagged, and kept
    assert found.result.auc is not None
    assert found.result.auc > 0.6
    assert found.result.at_risk.lift is not None
    assert found.result.at_risk.lift > 2
    # the account lost without warning: five months after the third older run, never flagged
    third = AnalysisRun.objects.get(as_of=date(2025, 5, 31))
    missed = run_backtest(run=third, horizon_days=365, today=date(2026, 6, 15)).missed
    assert "Acquired by a group that buys centrally from another supplier." in {
        row.notes for row in missed
    }
    client.force_login(get_user_model().objects.get(username="erin"))
    page = client.get("/dashboard/churn-backtest/")
    assert page.status_code == 200
    assert page.context["found"].run == latest
