"""Analysis parameters (editable by ops) with DOMAIN.md defaults, and their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from decimal import Decimal
from numbers import Real

_WEIGHT_PREFIX = "weight_"


@dataclass(frozen=True, kw_only=True)
class AnalysisParameters:
    """Parameters of one analysis run.

    Rates are fractions (0.10 = 10 %), money is in the base currency, the threshold is
    on the 0-100 attractiveness scale. ``weight_<signal code>`` fields are the churn
    signal weights (points out of 100).
    """

    discount_rate: float = 0.10
    horizon_years: int = 10
    base_retention: float = 0.90
    acquisition_cost: float = 25_000.0
    small_account_revenue: float = 100_000.0
    margin_target: float = 0.10
    attractiveness_threshold: float = 60.0
    weight_recurring_problems: float = 20.0
    weight_satisfaction_decline: float = 15.0
    weight_key_influencer_neglected: float = 15.0
    weight_coverage_gap: float = 10.0
    weight_revenue_decline: float = 15.0
    weight_competitor_activity: float = 15.0
    weight_ultimatum: float = 25.0
    weight_litigation: float = 40.0

    def churn_weights(self) -> dict[str, float]:
        """Signal code → weight, e.g. {"recurring_problems": 20.0, ...}."""
        return {
            field.name.removeprefix(_WEIGHT_PREFIX): float(getattr(self, field.name))
            for field in fields(self)
            if field.name.startswith(_WEIGHT_PREFIX)
        }

    def validate(self) -> dict[str, str]:
        """Field name → plain-words error, for every invalid value (empty when valid).

        Catches the usual slips: a percentage typed as 10 instead of 0.10, a negative
        cost, a horizon below one year.
        """
        errors: dict[str, str] = {}

        def number(name: str) -> float:
            return _as_number(getattr(self, name))

        def check(name: str, is_valid: bool, message: str) -> None:
            if not math.isfinite(number(name)):
                errors[name] = "Enter a number."
            elif not is_valid:
                errors[name] = message

        check(
            "discount_rate",
            0 <= number("discount_rate") <= 1,
            "The discount rate must be between 0 and 1 (0.10 means 10 %); it cannot be negative.",
        )
        horizon = number("horizon_years")
        check(
            "horizon_years",
            math.isfinite(horizon) and horizon == int(horizon) and 1 <= horizon <= 100,
            "The horizon must be a whole number of years from 1 to 100.",
        )
        check(
            "base_retention",
            0 <= number("base_retention") <= 1,
            "Base retention must be between 0 and 1 (0.90 means 90 % of customers stay each year).",
        )
        check(
            "acquisition_cost",
            number("acquisition_cost") >= 0,
            "The acquisition cost cannot be negative.",
        )
        check(
            "small_account_revenue",
            number("small_account_revenue") > 0,
            "The small-account revenue must be more than 0.",
        )
        check(
            "margin_target",
            -1 <= number("margin_target") <= 1,
            "The margin target must be between -1 and 1 (0.10 means 10 %).",
        )
        check(
            "attractiveness_threshold",
            0 <= number("attractiveness_threshold") <= 100,
            "The attractiveness threshold must be between 0 and 100.",
        )
        for field in fields(self):
            if field.name.startswith(_WEIGHT_PREFIX):
                check(
                    field.name,
                    0 <= number(field.name) <= 100,
                    "A churn signal weight must be between 0 and 100 points.",
                )
        return errors


def _as_number(value: object) -> float:
    """float for int/float/Decimal values (NaN for anything else, bools included)."""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        return math.nan
    return float(value)
