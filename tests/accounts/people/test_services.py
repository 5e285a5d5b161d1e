"""Writes of key 4: validation first, nothing written on any error, history kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import CompetencyAssessment, PayMix
from accounts.people import services as people_services
from tests.accounts.people.conftest import make_pay_mix, scores

pytestmark = pytest.mark.django_db


def _record(manager: Any, by: Any, **changes: Any) -> CompetencyAssessment:
    values: dict[str, Any] = {
        "manager": manager,
        "assessed_by": by,
        "assessed_on": date(2026, 3, 1),
        "scores": scores(4),
        "notes": "  Good quarter.  ",
        **changes,
    }
    return people_services.competency_assessment_record(**values)


def test_assessment_recorded_with_every_score(owner: Any, executive: Any) -> None:
    assessment = _record(owner, executive, scores=scores(4, coaching_others=2))
    assert assessment.assessed_by == executive
    assert assessment.notes == "Good quarter."
    assert (assessment.initiative, assessment.coaching_others) == (4, 2)
    assert assessment.capability_average == 3.6


def test_new_assessment_adds_a_row(owner: Any, executive: Any) -> None:
    _record(owner, executive, assessed_on=date(2025, 9, 1), scores=scores(2))
    _record(owner, executive, assessed_on=date(2026, 3, 1), scores=scores(4))
    assert list(
        CompetencyAssessment.objects.filter(manager=owner)
        .order_by("assessed_on")
        .values_list("initiative", flat=True)
    ) == [2, 4]


@pytest.mark.parametrize(
    ("_case", "bad_scores", "field"),
    [
        ("zero", {"initiative": 0}, "initiative"),
        ("six", {"leadership": 6}, "leadership"),
        ("missing", {"technical_depth": None}, "technical_depth"),
        ("text", {"helping_others": "four"}, "helping_others"),
        ("fraction", {"coaching_others": 3.5}, "coaching_others"),
    ],
)
def test_scores_outside_one_to_five_are_refused(
    owner: Any, executive: Any, _case: str, bad_scores: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _record(owner, executive, scores=scores(3, **bad_scores))
    assert "from 1 to 5" in error.value.message_dict[field][0]
    assert not CompetencyAssessment.objects.exists()


def test_future_date_is_refused(owner: Any, executive: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _record(owner, executive, assessed_on=tomorrow)
    assert "is in the future" in error.value.message_dict["assessed_on"][0]
    assert not CompetencyAssessment.objects.exists()


def test_today_is_allowed(owner: Any, executive: Any) -> None:
    assert _record(owner, executive, assessed_on=timezone.localdate()).pk


@pytest.mark.parametrize("target", ["executive", "ops"])
def test_assessing_someone_who_is_not_an_account_manager_is_refused(
    request: Any, executive: Any, target: str
) -> None:
    person = request.getfixturevalue(target)
    with pytest.raises(ValidationError) as error:
        _record(person, executive)
    assert "is not an account manager" in error.value.message_dict["manager"][0]
    assert not CompetencyAssessment.objects.exists()


def test_inactive_manager_is_refused(owner: Any, executive: Any) -> None:
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _record(owner, executive)
    assert not CompetencyAssessment.objects.exists()


@pytest.mark.parametrize("assessor", ["owner", "other_manager", "ops"])
def test_only_executives_assess(request: Any, owner: Any, assessor: str) -> None:
    with pytest.raises(PermissionDenied):
        _record(owner, request.getfixturevalue(assessor))
    assert not CompetencyAssessment.objects.exists()


def test_pay_mix_recorded_as_new_rows(owner: Any, executive: Any) -> None:
    people_services.pay_mix_record(
        manager=owner,
        recorded_by=executive,
        effective_from=date(2025, 1, 1),
        salary="90000",
        bonus="30000",
    )
    people_services.pay_mix_record(
        manager=owner,
        recorded_by=executive,
        effective_from=date(2026, 1, 1),
        salary=Decimal("96000"),
        bonus=Decimal("24000"),
        notes="Rebalanced",
    )
    assert list(
        PayMix.objects.filter(manager=owner)
        .order_by("effective_from")
        .values_list("salary", "bonus")
    ) == [(Decimal("90000"), Decimal("30000")), (Decimal("96000"), Decimal("24000"))]


@pytest.mark.parametrize(
    ("_case", "changes", "field", "message"),
    [
        ("negative salary", {"salary": "-1"}, "salary", "cannot be negative"),
        ("text bonus", {"bonus": "lots"}, "bonus", "must be a number"),
        ("both zero", {"salary": "0", "bonus": "0"}, "bonus", "cannot both be zero"),
        ("same date", {"effective_from": date(2026, 1, 1)}, "effective_from", "already has"),
    ],
)
def test_pay_mix_validation_writes_nothing(
    owner: Any, executive: Any, _case: str, changes: dict[str, Any], field: str, message: str
) -> None:
    make_pay_mix(owner, executive, date(2026, 1, 1), "80", "20")
    values: dict[str, Any] = {
        "manager": owner,
        "recorded_by": executive,
        "effective_from": date(2026, 6, 1),
        "salary": "80",
        "bonus": "20",
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        people_services.pay_mix_record(**values)
    assert message in error.value.message_dict[field][0]
    assert PayMix.objects.count() == 1


def test_pay_mix_for_non_manager_refused(executive: Any, ops: Any) -> None:
    with pytest.raises(ValidationError) as error:
        people_services.pay_mix_record(
            manager=ops,
            recorded_by=executive,
            effective_from=date(2026, 1, 1),
            salary="80",
            bonus="20",
        )
    assert "not an account manager" in error.value.message_dict["manager"][0]
    assert not PayMix.objects.exists()


@pytest.mark.parametrize("recorder", ["owner", "ops"])
def test_only_executives_record_pay(request: Any, owner: Any, recorder: str) -> None:
    with pytest.raises(PermissionDenied):
        people_services.pay_mix_record(
            manager=owner,
            recorded_by=request.getfixturevalue(recorder),
            effective_from=date(2026, 1, 1),
            salary="80",
            bonus="20",
        )
    assert not PayMix.objects.exists()
