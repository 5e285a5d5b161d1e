"""The demo runs the analysis three times, so the dashboard has figures and a trend."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portfolio.models import AnalysisRun

pytestmark = pytest.mark.django_db


def test_demo_has_three_runs_and_a_dashboard_trend(client: Any) -> None:
    call_command("seed_demo", "--accounts", "8", "--as-of", "2026-06-15", stdout=StringIO())

    runs = list(AnalysisRun.objects.order_by("as_of").values_list("as_of", "status"))
    assert runs == [
        (date(2026, 4, 30), "succeeded"),
        (date(2026, 5, 31), "succeeded"),
        (date(2026, 6, 15), "succeeded"),
    ]
    client.force_login(get_user_model().objects.get(username="erin"))
    dashboard = client.get("/dashboard/").context["dashboard"]
    assert dashboard.totals.accounts == 8
    assert [row.as_of for row in dashboard.trend] == [as_of for as_of, _ in runs]
