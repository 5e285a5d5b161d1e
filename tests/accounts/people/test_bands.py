"""The pure rules of key 4: overload thresholds and the pay-mix bands at their edges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.people.bands import (
    IN_GUIDELINE,
    IN_TARGET,
    KEY_ACCOUNT_LIMIT,
    OUT_OF_RANGE,
    RELATIONSHIP_LIMIT,
    load_warnings,
    pay_mix_check,
)


def test_limits_are_the_books_twelve_and_forty_relationships() -> None:
    assert (KEY_ACCOUNT_LIMIT, RELATIONSHIP_LIMIT) == (12, 40)


@pytest.mark.parametrize(
    ("key_accounts", "relationships", "expected"),
    [
        (0, 0, []),  # no strategic account is not a warning
        (12, 40, []),  # at the limits: fine
        (13, 0, ["accounts"]),
        (0, 41, ["relationships"]),
        (20, 55, ["accounts", "relationships"]),
    ],
)
def test_load_warnings_thresholds(
    key_accounts: int, relationships: int, expected: list[str]
) -> None:
    warnings = load_warnings(key_accounts=key_accounts, relationships=relationships)
    assert len(warnings) == len(expected)
    for warning, kind in zip(warnings, expected, strict=True):
        if kind == "accounts":
            assert warning.startswith(f"Owns {key_accounts} strategic and pilot accounts")
            assert "book's 12" in warning
        else:
            assert warning.startswith(f"Is the primary contact for {relationships} people")


@pytest.mark.parametrize(
    ("salary", "bonus", "status", "salary_percent"),
    [
        ("75", "25", IN_TARGET, "75.0"),  # lower edge of both bands
        ("80", "20", IN_TARGET, "80.0"),  # upper edge of the target band
        ("80.01", "19.99", IN_GUIDELINE, "80.0"),  # just above target, judged on the exact ratio
        ("85", "15", IN_GUIDELINE, "85.0"),  # upper edge of the guideline
        ("85.01", "14.99", OUT_OF_RANGE, "85.0"),
        ("74.99", "25.01", OUT_OF_RANGE, "75.0"),
        ("70", "30", OUT_OF_RANGE, "70.0"),
        ("100", "0", OUT_OF_RANGE, "100.0"),
        ("96000", "24000", IN_TARGET, "80.0"),  # amounts: only the ratio counts
        ("84000", "36000", OUT_OF_RANGE, "70.0"),
    ],
)
def test_pay_mix_bands(salary: str, bonus: str, status: str, salary_percent: str) -> None:
    check = pay_mix_check(salary=Decimal(salary), bonus=Decimal(bonus))
    assert check.status == status
    assert check.salary_percent == Decimal(salary_percent)
    assert check.salary_percent + check.bonus_percent == 100


def test_pay_mix_messages_say_which_way_it_is_off() -> None:
    heavy = pay_mix_check(salary=Decimal(70), bonus=Decimal(30))
    light = pay_mix_check(salary=Decimal(90), bonus=Decimal(10))
    assert "Bonus above 25 %" in heavy.message
    assert "Bonus below 15 %" in light.message
    assert heavy.label == light.label == "Out of range"


@pytest.mark.parametrize(("salary", "bonus"), [("0", "0"), ("-1", "20")])
def test_pay_mix_check_refuses_impossible_figures(salary: str, bonus: str) -> None:
    with pytest.raises(ValueError, match="cannot"):
        pay_mix_check(salary=Decimal(salary), bonus=Decimal(bonus))
