"""Figures too large for the snapshot's columns: the account is left out of the run with a
data-quality warning, the run succeeds (the fuzzer's huge figures answered 500 before)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import AccountLocation
from portfolio.models import AccountSnapshot, AnalysisRun
from tests.factories import AccountFactory
from valuation.models import ActivityRate, ActivityType, RevenueRecord, ServiceActivity

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)


def test_an_account_whose_figures_do_not_fit_is_left_out_with_a_warning(owner: Any) -> None:
    # given: a sane account, one whose cost to serve is ~10^22 (10^10 units at 10^12 each, the
    # largest values the fields take), one whose net margin is ~ −10^14 (revenue 0.01)
    sane = AccountFactory(owner=owner, name="Sane Co", external_id="S-1")
    costly = AccountFactory(owner=owner, name="Costly Co", external_id="C-1")
    thin = AccountFactory(owner=owner, name="Thin Co", external_id="T-1")
    for account, revenue, cogs in (
        (sane, "1000.00", "500.00"),
        (costly, "1000.00", "0.00"),
        (thin, "0.01", "999999999999.99"),
    ):
        RevenueRecord.objects.create(
            account=account,
            location=AccountLocation.objects.create(account=account, name="HQ"),
            period_start=date(2026, 1, 1),
            revenue=Decimal(revenue),
            cost_of_goods=Decimal(cogs),
        )
    kind = ActivityType.objects.create(code="HUGE", name="Huge", unit="unit")
    ActivityRate.objects.create(
        activity_type=kind, effective_from=date(2025, 1, 1), unit_cost=Decimal("999999999999.99")
    )
    ServiceActivity.objects.create(
        account=costly, activity_type=kind, date=date(2026, 2, 1), quantity=Decimal("9999999999.99")
    )
    # when
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    # then
    run = AnalysisRun.objects.get()
    assert run.status == "succeeded", run.error
    assert run.accounts_analysed == 1
    assert list(
        AccountSnapshot.objects.filter(run=run).values_list("account__name", flat=True)
    ) == ["Sane Co"]
    costly_warning = next(w for w in run.warnings if w.startswith("Costly Co (C-1): "))
    assert "cost_to_serve_ttm 1e+22" in costly_warning
    assert "left out of this run" in costly_warning
    thin_warning = next(w for w in run.warnings if w.startswith("Thin Co (T-1): "))
    assert "margin -1e+14" in thin_warning
