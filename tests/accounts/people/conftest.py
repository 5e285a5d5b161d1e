"""Helpers for key-4 tests: full score sets and a pay-mix row maker."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import COMPETENCY_FIELDS, CompetencyAssessment, PayMix


def scores(value: int = 3, **overrides: Any) -> dict[str, Any]:
    return {**dict.fromkeys(COMPETENCY_FIELDS, value), **overrides}


def make_assessment(manager: Any, by: Any, on: date, value: int = 3, **overrides: Any) -> Any:
    return CompetencyAssessment.objects.create(
        manager=manager, assessed_by=by, assessed_on=on, notes="", **scores(value, **overrides)
    )


def make_pay_mix(manager: Any, by: Any, on: date, salary: str, bonus: str) -> PayMix:
    return PayMix.objects.create(
        manager=manager,
        recorded_by=by,
        effective_from=on,
        salary=Decimal(salary),
        bonus=Decimal(bonus),
    )


@pytest.fixture
def assessment(owner: Any, executive: Any) -> Any:
    return make_assessment(owner, executive, date(2026, 1, 10), value=3)
