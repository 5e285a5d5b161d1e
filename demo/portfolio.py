"""Demo analysis runs (portfolio): the dashboard and the account pages have figures and a
trend from the first login, and older runs whose outcome is known (demo/voice.py plants the
accounts lost after them), so the churn backtest answers from the first login too."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from demo.context import DemoPortfolio
from portfolio.models import AnalysisRun
from portfolio.services import analysis_run_create, analysis_run_execute

DEMO_RUNS = 3  # the as-of date and the two month ends before it: the dashboard shows a trend
# Older runs, months before the as-of date: more than a year back, so a year's outcome is known.
HISTORY_RUN_MONTHS = (21, 17, 13)


def history_run_dates(as_of: date) -> list[date]:
    """Oldest first: the month ends HISTORY_RUN_MONTHS months before as_of's month."""
    dates = []
    for months in HISTORY_RUN_MONTHS:
        first = as_of.replace(day=1)
        for _ in range(months - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        dates.append(first - timedelta(days=1))
    return dates


def _demo_run_dates(as_of: date) -> list[date]:
    """Oldest first: the last days of the DEMO_RUNS − 1 months before as_of's, then as_of."""
    dates = [as_of]
    month_end = as_of.replace(day=1) - timedelta(days=1)
    for _ in range(DEMO_RUNS - 1):
        dates.insert(0, month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return dates


def portfolio_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Run the analysis, through the same services as the nightly job, as of the demo date
    and the two month ends before it, so the dashboard and the account pages have figures
    and a trend from the first login. Seeded data only; the random generator is unused."""
    del rng
    today = timezone.localdate()
    # A demo dated in the future (tests build one) gets only the runs the service accepts.
    dates = [*history_run_dates(portfolio.as_of), *_demo_run_dates(portfolio.as_of)]
    for as_of in [day for day in dates if day <= today]:
        run = analysis_run_create(
            as_of=as_of, requested_by=None, trigger=AnalysisRun.Trigger.COMMAND
        )
        analysis_run_execute(run_id=run.pk)
