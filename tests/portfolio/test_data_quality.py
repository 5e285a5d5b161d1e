"""A row the analysis cannot use (dated outside the dates KAM accepts, stored before that
rule) is reported as a data-quality warning and left out; the rest of the portfolio is
analysed as if it were not there, instead of every run failing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Account, Assessment
from portfolio import services
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot, AnalysisRun
from relationships.models import Contact, Interaction
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from valuation.models import ActivityRate, ActivityType

pytestmark = pytest.mark.django_db


def _run() -> AnalysisRun:
    run = services.analysis_run_create(
        as_of=AS_OF, requested_by=None, trigger=AnalysisRun.Trigger.COMMAND
    )
    services.analysis_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _figures(run: AnalysisRun) -> dict[int, tuple[Any, ...]]:
    return {
        s.account_id: tuple(getattr(s, name) for name in SNAPSHOT_FIGURES)
        for s in AccountSnapshot.objects.filter(run=run)
    }


def test_rows_dated_out_of_range_are_left_out_with_a_warning(
    owner: Any, other_manager: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    account = Account.objects.get(external_id="A-1")
    contact = Contact.objects.create(account=account, name="Old Timer", is_coach=True)
    clean = _run()
    assert clean.status == "succeeded"
    # given rows a run cannot date (written around the input policy, as old data was)
    kind = ActivityType.objects.order_by("code").first()
    ActivityRate.objects.create(
        activity_type=kind, effective_from=date(7904, 7, 8), unit_cost=Decimal("3.00")
    )
    ActivityRate.objects.create(
        activity_type=kind, effective_from=date(1000, 1, 1), unit_cost=Decimal("3.00")
    )
    Assessment.objects.create(account=account, kind="survey", date=date(1000, 1, 1), score=5)
    interaction = Interaction.objects.create(
        account=account, user=owner, date=date(1000, 1, 1), summary="typo"
    )
    interaction.contacts.add(contact)

    # when
    run = _run()

    # then the run succeeds, says what it left out, and every figure is what it was
    assert run.status == "succeeded", run.error
    assert run.accounts_analysed == clean.accounts_analysed
    assert (
        f"The rate of activity type {kind.code} effective 1000-01-01 is dated outside "
        "1900-2199 and was left out; correct or delete it."
    ) in run.warnings
    assert any("effective 7904-07-08" in warning for warning in run.warnings)
    assert (
        "Alpha Foods (A-1): an assessment dated 1000-01-01 is outside 1900-2199 and was left "
        "out; correct or delete it."
    ) in run.warnings
    assert any("an interaction dated 1000-01-01" in warning for warning in run.warnings)
    assert _figures(run) == _figures(clean)
