"""Writes of key 4: competency assessments and pay-mix records (executives only).

Each write validates everything first (who writes, who is assessed, the date, every score or
amount) and raises one `ValidationError` naming the fields, so nothing is written when any
of it is wrong. A new assessment or pay mix is always a new row: the history is kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import COMPETENCY_DIMENSIONS, CompetencyAssessment, PayMix
from accounts.people.rules import (
    COMPETENCY_REFUSED,
    PAY_RECORD_REFUSED,
    can_record_competency,
    can_record_pay,
)
from accounts.people.selectors import user_is_account_manager as _is_account_manager
from kam.rules import require
from kam.types import User

NOT_A_MANAGER = gettext_lazy(
    "{name} is not an account manager; only account managers are assessed here."
)


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 5 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if 1 <= number <= 5 else None
    return None


@transaction.atomic
def competency_assessment_record(
    *,
    manager: User,
    assessed_by: User,
    assessed_on: date | None,
    scores: dict[str, Any],
    notes: str = "",
    today: date | None = None,
) -> CompetencyAssessment:
    """Record one assessment of `manager` by the executive `assessed_by`.

    `scores` maps every field of `COMPETENCY_DIMENSIONS` to a whole number from 1 to 5.
    `assessed_on` may not be after `today` (default: the local date). Raises
    PermissionDenied when `assessed_by` is not an executive, and ValidationError (per field)
    when the manager is not an account manager, the date is in the future or a score is
    missing or outside 1-5; nothing is written then."""
    require(can_record_competency(assessed_by), COMPETENCY_REFUSED)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not _is_account_manager(manager):
        errors["manager"] = [NOT_A_MANAGER.format(name=getattr(manager, "username", manager))]
    if assessed_on is None:
        errors["assessed_on"] = [_("Give the date of the assessment.")]
    elif assessed_on > today:
        errors["assessed_on"] = [
            _(
                "The assessment date %(date)s is in the future; record an assessment once it "
                "has taken place."
            )
            % {"date": assessed_on.isoformat()}
        ]
    cleaned: dict[str, int] = {}
    for dimension in COMPETENCY_DIMENSIONS:
        score = _score(scores.get(dimension.field))
        if score is None:
            errors[dimension.field] = [
                _("Score %(dimension)s with a whole number from 1 to 5.")
                % {"dimension": dimension.label}
            ]
        else:
            cleaned[dimension.field] = score
    if errors or assessed_on is None:  # a missing date is among the errors
        raise ValidationError(errors)
    assessment = CompetencyAssessment(
        manager=manager,
        assessed_by=assessed_by,
        assessed_on=assessed_on,
        notes=(notes or "").strip(),
        **cleaned,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@transaction.atomic
def pay_mix_record(
    *,
    manager: User,
    recorded_by: User,
    effective_from: date | None,
    salary: Any,
    bonus: Any,
    notes: str = "",
) -> PayMix:
    """Record a manager's pay mix from `effective_from` (a new row; earlier rows stay as
    history). `salary` and `bonus` are amounts or percentages, not negative and not both
    zero; one row per manager and date. Raises PermissionDenied for anyone but an executive
    and ValidationError (per field) otherwise; nothing is written then."""
    require(can_record_pay(recorded_by), PAY_RECORD_REFUSED)
    errors: dict[str, list[str]] = {}
    if not _is_account_manager(manager):
        errors["manager"] = [
            _("%(name)s is not an account manager; the pay-mix check is for account managers.")
            % {"name": getattr(manager, "username", manager)}
        ]
    if effective_from is None:
        errors["effective_from"] = [_("Give the date this pay mix takes effect.")]
    amounts: dict[str, Decimal] = {}
    for name, value, not_a_number, negative in (
        ("salary", salary, _("The salary must be a number."), _("The salary cannot be negative.")),
        ("bonus", bonus, _("The bonus must be a number."), _("The bonus cannot be negative.")),
    ):
        amount = _amount(value)
        if amount is None:
            errors[name] = [not_a_number]
        elif amount < 0:
            errors[name] = [negative]
        else:
            amounts[name] = amount
    if len(amounts) == 2 and amounts["salary"] + amounts["bonus"] == 0:
        errors["bonus"] = [_("Salary and bonus cannot both be zero.")]
    if (
        "manager" not in errors
        and effective_from is not None
        and PayMix.objects.filter(manager=manager, effective_from=effective_from).exists()
    ):
        errors["effective_from"] = [
            _(
                "%(username)s already has a pay mix from %(date)s; record the change from "
                "another date."
            )
            % {"username": manager.username, "date": effective_from.isoformat()}
        ]
    if errors or effective_from is None:  # a missing date is among the errors
        raise ValidationError(errors)
    pay_mix = PayMix(
        manager=manager,
        recorded_by=recorded_by,
        effective_from=effective_from,
        notes=(notes or "").strip(),
        **amounts,
    )
    pay_mix.full_clean()
    try:
        with transaction.atomic():
            pay_mix.save()
    except IntegrityError as error:  # a concurrent save of the same manager and date won
        raise ValidationError(
            {"effective_from": [_("This manager already has a pay mix from that date.")]}
        ) from error
    return pay_mix
