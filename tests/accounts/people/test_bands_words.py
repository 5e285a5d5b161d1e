"""The key-4 rules in the words a manager reads, and the pay-mix figures at their roundings."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accounts.people.bands import load_warnings, pay_mix_check


def test_load_warnings_in_full() -> None:
    assert load_warnings(key_accounts=13, relationships=41) == [
        "Owns 13 strategic and pilot accounts, more than the book's 12 per manager: hand some "
        "over or add a manager.",
        "Is the primary contact for 41 people, more than 40: some influencers will not get the "
        "contact they want; move relationships to team members.",
    ]


@pytest.mark.parametrize(
    ("salary", "bonus", "label", "message"),
    [
        (
            "78",
            "22",
            "In the target band",
            "Salary 75-80 %, bonus 15-20 %: the balance the book recommends.",
        ),
        (
            "83",
            "17",
            "Within the guideline, outside the target band",
            "Within the 75-85 % guideline but above the 80 % target: little at stake.",
        ),
        (
            "60",
            "40",
            "Out of range",
            "Bonus above 25 %: short-term bonuses this heavy push the manager to chase new deals "
            "and neglect the long-term relationship.",
        ),
        (
            "90",
            "10",
            "Out of range",
            "Bonus below 15 %: too little rewards reaching the account's goals.",
        ),
    ],
)
def test_pay_mix_labels_and_messages_in_full(
    salary: str, bonus: str, label: str, message: str
) -> None:
    check = pay_mix_check(salary=Decimal(salary), bonus=Decimal(bonus))

    assert (check.label, check.message) == (label, message)


def test_salary_share_rounds_half_up_to_one_decimal() -> None:
    # 75.25 % is shown as 75.3 (half up), not 75.2 (half to even)
    check = pay_mix_check(salary=Decimal("75.25"), bonus=Decimal("24.75"))

    assert (check.salary_percent, check.bonus_percent) == (Decimal("75.3"), Decimal("24.7"))


def test_a_salary_of_zero_or_below_one_is_a_pay_mix_like_any_other() -> None:
    assert pay_mix_check(salary=Decimal(0), bonus=Decimal(100)).salary_percent == Decimal("0.0")
    assert pay_mix_check(salary=Decimal("0.5"), bonus=Decimal("0.5")).salary_percent == Decimal(
        "50.0"
    )


@pytest.mark.parametrize(
    ("salary", "bonus", "message"),
    [
        ("-1", "20", "Salary and bonus cannot be negative."),
        ("20", "-1", "Salary and bonus cannot be negative."),
        ("0", "0", "Salary and bonus cannot both be zero."),
    ],
)
def test_impossible_figures_are_refused_in_words(salary: str, bonus: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        pay_mix_check(salary=Decimal(salary), bonus=Decimal(bonus))
