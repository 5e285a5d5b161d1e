from decimal import Decimal

import pytest

from valuation.analysis.parameters import AnalysisParameters


def test_defaults_are_the_domain_defaults_and_valid():
    params = AnalysisParameters()

    assert (
        params.discount_rate,
        params.horizon_years,
        params.base_retention,
        params.acquisition_cost,
        params.small_account_revenue,
        params.margin_target,
        params.attractiveness_threshold,
    ) == (0.10, 10, 0.90, 25_000, 100_000, 0.10, 60)
    assert params.validate() == {}


def test_churn_weights_default_to_the_domain_table():
    assert AnalysisParameters().churn_weights() == {
        "recurring_problems": 20.0,
        "satisfaction_decline": 15.0,
        "key_influencer_neglected": 15.0,
        "coverage_gap": 10.0,
        "revenue_decline": 15.0,
        "competitor_activity": 15.0,
        "ultimatum": 25.0,
        "litigation": 40.0,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("discount_rate", -0.01),
        ("discount_rate", 10),  # 10 % typed as 10
        ("horizon_years", 0),
        ("horizon_years", 2.5),
        ("base_retention", 1.2),
        ("base_retention", -0.1),
        ("acquisition_cost", -1),
        ("small_account_revenue", 0),
        ("margin_target", 5),
        ("attractiveness_threshold", 101),
        ("weight_litigation", -5),
        ("discount_rate", float("nan")),
        ("horizon_years", None),
    ],
)
def test_invalid_values_are_explained(field, value):
    errors = AnalysisParameters(**{field: value}).validate()

    assert list(errors) == [field]
    assert errors[field]


def test_several_errors_at_once():
    errors = AnalysisParameters(discount_rate=-1, base_retention=2).validate()

    assert set(errors) == {"discount_rate", "base_retention"}


def test_decimal_values_from_the_database_are_accepted():
    params = AnalysisParameters(discount_rate=Decimal("0.08"), acquisition_cost=Decimal("1000"))

    assert params.validate() == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("discount_rate", 0),
        ("discount_rate", 1),
        ("horizon_years", 1),
        ("horizon_years", 100),
        ("base_retention", 0),
        ("base_retention", 1),
        ("acquisition_cost", 0),
        ("small_account_revenue", 0.01),
        ("margin_target", -1),
        ("margin_target", 1),
        ("attractiveness_threshold", 0),
        ("attractiveness_threshold", 100),
        ("weight_coverage_gap", 0),
        ("weight_coverage_gap", 100),
    ],
)
def test_every_range_includes_its_limits(field, value):
    assert AnalysisParameters(**{field: value}).validate() == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "discount_rate",
            1.01,
            "The discount rate must be between 0 and 1 (0.10 means 10 %); it cannot be negative.",
        ),
        ("horizon_years", 101, "The horizon must be a whole number of years from 1 to 100."),
        ("horizon_years", float("inf"), "Enter a number."),
        (
            "base_retention",
            1.01,
            "Base retention must be between 0 and 1 (0.90 means 90 % of customers stay each year).",
        ),
        ("acquisition_cost", -0.01, "The acquisition cost cannot be negative."),
        ("small_account_revenue", 0, "The small-account revenue must be more than 0."),
        ("margin_target", -1.01, "The margin target must be between -1 and 1 (0.10 means 10 %)."),
        ("margin_target", 1.01, "The margin target must be between -1 and 1 (0.10 means 10 %)."),
        (
            "attractiveness_threshold",
            -0.01,
            "The attractiveness threshold must be between 0 and 100.",
        ),
        ("weight_ultimatum", 100.5, "A churn signal weight must be between 0 and 100 points."),
        ("weight_ultimatum", "25", "Enter a number."),
        ("weight_ultimatum", True, "Enter a number."),
    ],
)
def test_values_just_outside_a_range_are_explained_in_words(field, value, message):
    assert AnalysisParameters(**{field: value}).validate() == {field: message}
