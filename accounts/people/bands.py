"""Pure rules of key 4 (support for account managers): load warnings and the pay-mix bands.

No Django here; the selectors feed plain numbers in and render the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The book: "a strategic account manager manages at most 1-12 accounts".
KEY_ACCOUNT_LIMIT = 12

# The book says to allocate managers by the relationships they carry rather than by the
# number of accounts, but gives no figure. At the 12-account maximum, a well-mapped account
# has its economic buyer, a coach and one or two user or technical buyers held by the manager
# (the team holds the rest): about 3-4 people per account, so about 40 relationships is a
# full book. Each of them wants regular contact (90 days by default), so above 40 a manager
# cannot keep every influencer's desired frequency, which is how relationships get neglected.
RELATIONSHIP_LIMIT = 40

# Pay mix, salary share of total pay in percent. The digest's survey finding is 75-85 %
# salary / 15-25 % bonus (the guideline); its summary narrows it to 75-80 / 15-20 (the target).
GUIDELINE_SALARY_MIN = Decimal(75)
GUIDELINE_SALARY_MAX = Decimal(85)
TARGET_SALARY_MIN = Decimal(75)
TARGET_SALARY_MAX = Decimal(80)

IN_TARGET = "in_target"
IN_GUIDELINE = "in_guideline"
OUT_OF_RANGE = "out_of_range"
PAY_MIX_STATUS_LABELS = {
    IN_TARGET: "In the target band",
    IN_GUIDELINE: "Within the guideline, outside the target band",
    OUT_OF_RANGE: "Out of range",
}


def too_many_accounts(key_accounts: int) -> bool:
    return key_accounts > KEY_ACCOUNT_LIMIT


def too_many_relationships(relationships: int) -> bool:
    return relationships > RELATIONSHIP_LIMIT


def _as_written(message: str) -> str:
    return message


def load_warnings(
    *, key_accounts: int, relationships: int, gettext: Callable[[str], str] = _as_written
) -> list[str]:
    """Overload warnings in plain words for one manager. Having no strategic or pilot account
    is not a warning (a new manager, or one between assignments). `gettext` translates the
    words (the caller passes Django's; this module imports none): English by default."""
    warnings = []
    if too_many_accounts(key_accounts):
        warnings.append(
            gettext(
                "Owns %(key_accounts)s strategic and pilot accounts, more than the book's "
                "%(limit)s per manager: hand some over or add a manager."
            )
            % {"key_accounts": key_accounts, "limit": KEY_ACCOUNT_LIMIT}
        )
    if too_many_relationships(relationships):
        warnings.append(
            gettext(
                "Is the primary contact for %(relationships)s people, more than %(limit)s: some "
                "influencers will not get the contact they want; move relationships to team "
                "members."
            )
            % {"relationships": relationships, "limit": RELATIONSHIP_LIMIT}
        )
    return warnings


@dataclass(frozen=True)
class PayMixCheck:
    salary_percent: Decimal  # salary / (salary + bonus) × 100, one decimal
    bonus_percent: Decimal
    status: str  # IN_TARGET, IN_GUIDELINE or OUT_OF_RANGE
    label: str
    message: str


def pay_mix_check(*, salary: Decimal, bonus: Decimal) -> PayMixCheck:
    """Judge a pay mix. `salary` and `bonus` are amounts or percentages (only their ratio
    counts), not negative and not both zero (ValueError otherwise). The bands are inclusive
    at both ends and judged on the exact ratio: 75 % and 80 % salary are in the target band,
    85 % is within the guideline, 85.01 % or 74.99 % is out of range."""
    if salary < 0 or bonus < 0:
        raise ValueError("Salary and bonus cannot be negative.")
    total = salary + bonus
    if total == 0:
        raise ValueError("Salary and bonus cannot both be zero.")
    share = salary * 100 / total
    salary_percent = share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    bonus_percent = Decimal(100) - salary_percent
    if TARGET_SALARY_MIN <= share <= TARGET_SALARY_MAX:
        status = IN_TARGET
        message = "Salary 75-80 %, bonus 15-20 %: the balance the book recommends."
    elif GUIDELINE_SALARY_MIN <= share <= GUIDELINE_SALARY_MAX:
        status = IN_GUIDELINE
        message = "Within the 75-85 % guideline but above the 80 % target: little at stake."
    elif share < GUIDELINE_SALARY_MIN:
        status = OUT_OF_RANGE
        message = (
            "Bonus above 25 %: short-term bonuses this heavy push the manager to chase new "
            "deals and neglect the long-term relationship."
        )
    else:
        status = OUT_OF_RANGE
        message = "Bonus below 15 %: too little rewards reaching the account's goals."
    return PayMixCheck(
        salary_percent=salary_percent,
        bonus_percent=bonus_percent,
        status=status,
        label=PAY_MIX_STATUS_LABELS[status],
        message=message,
    )
