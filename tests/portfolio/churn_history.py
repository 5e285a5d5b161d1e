"""Two past runs with known outcomes in which a planted rule holds: accounts with 4 recent
delivery complaints are lost, those with 3 or none are kept (the calibration's test data)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command

from accounts.models import AccountEvent, AccountLocation, Complaint
from tests.factories import AccountFactory
from valuation.models import RevenueRecord

RUNS = (date(2024, 6, 15), date(2024, 12, 15))


def build_churn_history(*, owner: Any) -> dict[str, Any]:
    """30 transactional accounts: 10 with 4 complaints before each run (all lost in January
    2025), 10 with 3 (kept), 10 with none (kept); both runs analysed."""
    accounts = []
    for index in range(30):
        account = AccountFactory(
            owner=owner, name=f"Client {index:02d}", designation="transactional"
        )
        RevenueRecord.objects.create(
            account=account,
            location=AccountLocation.objects.create(account=account, name="HQ"),
            period_start=date(2024, 1, 1),
            revenue=Decimal("1000"),
            cost_of_goods=Decimal("100"),
        )
        complaints = 4 if index < 10 else 3 if index < 20 else 0
        for as_of in RUNS:
            for day in range(complaints):
                Complaint.objects.create(
                    account=account,
                    category="delivery",
                    severity="high",
                    opened_on=as_of - timedelta(days=10 + day),
                    description="Late",
                )
        if index < 10:
            AccountEvent.objects.create(
                account=account,
                kind="account_lost",
                date=date(2025, 1, 10),
                notes="Moved to a rival",
            )
        accounts.append(account)
    for as_of in RUNS:
        call_command("run_analysis", "--as-of", as_of.isoformat(), stdout=StringIO())
    return {"accounts": accounts}
