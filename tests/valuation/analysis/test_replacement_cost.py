import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.replacement_cost import replacement_cost, small_account_size


def test_small_account_size_is_the_median_of_transactional_accounts_with_revenue():
    designation = pd.Series(
        [
            "transactional",
            "transactional",
            "transactional",
            "transactional",
            "strategic",
            "transactional",
        ]
    )
    revenue = pd.Series([100_000.0, 50_000.0, 0.0, -5.0, 200_000.0, 80_000.0])

    # median of 50 000, 80 000, 100 000 (0, −5 and the strategic account left out)
    assert small_account_size(designation, revenue, 123.0) == 80_000.0


def test_small_account_size_even_count():
    designation = pd.Series(["transactional", "transactional"])

    assert small_account_size(designation, pd.Series([50_000.0, 70_000.0]), 1.0) == 60_000.0


def test_small_account_size_falls_back_to_the_parameter():
    designation = pd.Series(["strategic", "transactional"])
    revenue = pd.Series([500_000.0, 0.0])

    assert small_account_size(designation, revenue, 100_000.0) == 100_000.0


@pytest.mark.parametrize(
    ("revenue", "small", "customers", "cost"),
    [
        (250_000.0, 80_000.0, 4, 100_000.0),  # ⌈3.125⌉ = 4, × 25 000
        (160_000.0, 80_000.0, 2, 50_000.0),  # exactly 2
        (250_000.0, 100_000.0, 3, 75_000.0),  # ⌈2.5⌉ = 3 (S from the parameter)
        (1.0, 80_000.0, 1, 25_000.0),  # any revenue needs one customer
        (0.0, 80_000.0, 0, 0.0),
        (-1_000.0, 80_000.0, 0, 0.0),
        (1.1, 0.1, 11, 275_000.0),  # 1.1/0.1 is 11.000000000000002 in floats, still 11
    ],
)
def test_replacement_cost(revenue, small, customers, cost):
    result = replacement_cost(pd.Series([revenue]), small, 25_000.0)

    assert result[c.REPLACEMENT_CUSTOMERS].iloc[0] == customers
    assert result[c.REPLACEMENT_COST].iloc[0] == cost


def test_a_transactional_account_with_less_than_one_unit_of_revenue_still_counts():
    designation = pd.Series(["transactional", "transactional"])

    # median of 0.40 and 99.60
    assert small_account_size(designation, pd.Series([0.40, 99.60]), 1_000.0) == 50.0


def test_replacement_customers_are_whole_numbers():
    result = replacement_cost(pd.Series([250_000.0, 0.0], index=[3, 4]), 80_000.0, 25_000.0)

    assert result[c.REPLACEMENT_CUSTOMERS].dtype == "int64"
    assert result.index.tolist() == [3, 4]
