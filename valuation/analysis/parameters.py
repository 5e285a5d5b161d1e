"""Analysis parameters (editable by ops) with DOMAIN.md defaults, and their validation."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from numbers import Real

_WEIGHT_PREFIX = "weight_"


def gettext_noop(message: str) -> str:
    """Mark a message for the translation catalogue (this module stays free of Django: the
    caller hands `validate` its translation function)."""
    return message


def _untranslated(message: str) -> str:
    return message


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
    # DOMAIN.md "Churn signals": the thresholds of the signal table and at_risk.
    at_risk_score: float = 25.0
    recurring_complaints: int = 3
    recurring_days: int = 90
    low_satisfaction_score: float = 5.0
    satisfaction_drop: float = 1.0
    neglect_factor: float = 2.0
    revenue_decline_ratio: float = 0.9
    competitor_days: int = 180
    ultimatum_days: int = 180
    litigation_days: int = 365

    def churn_weights(self) -> dict[str, float]:
        """Signal code → weight, e.g. {"recurring_problems": 20.0, ...}."""
        return {
            field.name.removeprefix(_WEIGHT_PREFIX): float(getattr(self, field.name))
            for field in fields(self)
            if field.name.startswith(_WEIGHT_PREFIX)
        }

    def churn_thresholds(self) -> dict[str, float]:
        """The signal table's thresholds by name (``THRESHOLD_FIELDS``), as numbers."""
        return {name: float(getattr(self, name)) for name in THRESHOLD_FIELDS}

    def validate(self, *, translate: Callable[[str], str] = _untranslated) -> dict[str, str]:
        """Field name → plain-words error, for every invalid value (empty when valid).

        Catches the usual slips: a percentage typed as 10 instead of 0.10, a negative
        cost, a horizon below one year. `translate` puts a message in the reader's language
        (Django's gettext; English when not given).
        """
        errors: dict[str, str] = {}

        def number(name: str) -> float:
            return _as_number(getattr(self, name))

        def check(name: str, is_valid: bool, message: str, **values: int) -> None:
            if not math.isfinite(number(name)):
                errors[name] = translate(gettext_noop("Enter a number."))
            elif not is_valid:
                errors[name] = translate(message) % values if values else translate(message)

        check(
            "discount_rate",
            0 <= number("discount_rate") <= 1,
            gettext_noop(
                "The discount rate must be between 0 and 1 (0.10 means 10 %); it cannot be "
                "negative."
            ),
        )
        horizon = number("horizon_years")
        check(
            "horizon_years",
            math.isfinite(horizon) and horizon == int(horizon) and 1 <= horizon <= 100,
            gettext_noop("The horizon must be a whole number of years from 1 to 100."),
        )
        check(
            "base_retention",
            0 <= number("base_retention") <= 1,
            gettext_noop(
                # xgettext:no-python-format
                "Base retention must be between 0 and 1 (0.90 means 90 % of customers stay "
                "each year)."
            ),
        )
        check(
            "acquisition_cost",
            number("acquisition_cost") >= 0,
            gettext_noop("The acquisition cost cannot be negative."),
        )
        check(
            "small_account_revenue",
            number("small_account_revenue") > 0,
            gettext_noop("The small-account revenue must be more than 0."),
        )
        check(
            "margin_target",
            -1 <= number("margin_target") <= 1,
            gettext_noop("The margin target must be between -1 and 1 (0.10 means 10 %)."),
        )
        check(
            "attractiveness_threshold",
            0 <= number("attractiveness_threshold") <= 100,
            gettext_noop("The attractiveness threshold must be between 0 and 100."),
        )
        check(
            "at_risk_score",
            0 <= number("at_risk_score") <= 100,
            gettext_noop("The at-risk score must be between 0 and 100 points."),
        )
        for name, (low, high) in _WHOLE_NUMBERS.items():
            value = number(name)
            check(
                name,
                math.isfinite(value) and value == int(value) and low <= value <= high,
                gettext_noop("Enter a whole number from %(low)s to %(high)s."),
                low=low,
                high=high,
            )
        for name in ("low_satisfaction_score", "satisfaction_drop"):
            check(
                name,
                0 <= number(name) <= 10,
                gettext_noop("A satisfaction score is between 0 and 10."),
            )
        check(
            "neglect_factor",
            0 < number("neglect_factor") <= 100,
            gettext_noop(
                "The neglect factor is more than 0 (2 means twice the desired contact frequency)."
            ),
        )
        check(
            "revenue_decline_ratio",
            0 < number("revenue_decline_ratio") <= 1,
            gettext_noop(
                "The revenue-decline ratio is more than 0 and at most 1 "
                "(0.9 means a fall of more than 10 %)."
            ),
        )
        for field in fields(self):
            if field.name.startswith(_WEIGHT_PREFIX):
                check(
                    field.name,
                    0 <= number(field.name) <= 100,
                    gettext_noop("A churn signal weight must be between 0 and 100 points."),
                )
        return errors


# The thresholds of the churn signal table (DOMAIN.md), in the table's order.
THRESHOLD_FIELDS = (
    "recurring_complaints",
    "recurring_days",
    "low_satisfaction_score",
    "satisfaction_drop",
    "neglect_factor",
    "revenue_decline_ratio",
    "competitor_days",
    "ultimatum_days",
    "litigation_days",
)
# Whole-number thresholds and their ranges (a count of complaints, windows in days).
_WHOLE_NUMBERS = {
    "recurring_complaints": (1, 100),
    "recurring_days": (1, 3660),
    "competitor_days": (1, 3660),
    "ultimatum_days": (1, 3660),
    "litigation_days": (1, 3660),
}


def _as_number(value: object) -> float:
    """float for int/float/Decimal values (NaN for anything else, bools included)."""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        return math.nan
    return float(value)
