"""The small conversions every figure goes through: money to float, to cents, and rounding."""

import math
from decimal import Decimal

import pandas as pd

from valuation.analysis.frames import round_money, round_ratio, to_cents, to_float


def test_money_from_the_database_becomes_float_with_missing_amounts_as_zero():
    values = pd.Series([Decimal("12.34"), None, 7])

    result = to_float(values)

    assert result.dtype == "float64"
    assert result.tolist() == [12.34, 0.0, 7.0]


def test_money_in_whole_cents():
    result = to_cents(pd.Series([Decimal("12.34"), Decimal("-1.00"), Decimal("0.00")]))

    assert result.dtype == "int64"
    assert result.tolist() == [1234, -100, 0]


def test_rounding_never_leaves_a_negative_zero_to_print_as_minus():
    # -0.001 rounds to -0.0, which would print as "-0.00"
    money = round_money(pd.Series([-0.001, 2.345]))
    ratio = round_ratio(pd.Series([-0.0000001, 0.1234567]))

    assert [math.copysign(1.0, value) for value in money] == [1.0, 1.0]
    assert money.tolist() == [0.0, 2.35]  # 2.345 is 2.34499… in binary
    assert [math.copysign(1.0, value) for value in ratio] == [1.0, 1.0]
    assert ratio.tolist() == [0.0, 0.123457]
