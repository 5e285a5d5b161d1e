"""A frame that lacks a required column is refused with a message naming the frame and the
columns, in the words an ops user reads when an analysis run fails."""

import re
from datetime import date

import pandas as pd
import pytest

from portfolio.churn.signals import (
    competitor_activity,
    coverage_gap,
    key_influencer_neglected,
    recurring_problems,
    satisfaction_decline,
)
from portfolio.pipeline import AnalysisInputs, analyse_before_costs, analyse_costs
from valuation.analysis import columns as c
from valuation.analysis.attractiveness import attractiveness
from valuation.analysis.cost_to_serve import cost_to_serve, costed_activities
from valuation.analysis.parameters import AnalysisParameters
from valuation.analysis.revenue import forecast_2y, revenue_windows
from valuation.analysis.value_ledger import value_ledger_summary
from valuation.analysis.windows import Windows

AS_OF = date(2026, 6, 15)
WINDOWS = Windows.from_as_of(AS_OF)


def raises_exactly(message):
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


def empty(columns, *, without=()):
    return pd.DataFrame(columns=[column for column in columns if column not in without])


ACTIVITIES = empty(c.ACTIVITY_COLUMNS)
RATES = empty(c.RATE_COLUMNS)
ACTIVITY_TYPES = empty(c.ACTIVITY_TYPE_COLUMNS)
GROWTH = pd.Series([0.0], index=[1])


def before_costs():
    accounts = pd.DataFrame({c.ACCOUNT: [1], c.DESIGNATION: ["strategic"]})
    return analyse_before_costs(AnalysisInputs(accounts=accounts), AnalysisParameters(), AS_OF)


CASES = {
    "criteria scores": lambda: attractiveness(
        empty(c.CRITERIA_SCORE_COLUMNS, without=[c.WEIGHT]), GROWTH
    ),
    "value ledger": lambda: value_ledger_summary(
        empty(c.LEDGER_COLUMNS, without=[c.AMOUNT]), WINDOWS
    ),
    "activities": lambda: costed_activities(
        empty(c.ACTIVITY_COLUMNS, without=[c.QUANTITY]), RATES, WINDOWS
    ),
    "rates": lambda: costed_activities(
        ACTIVITIES, empty(c.RATE_COLUMNS, without=[c.UNIT_COST]), WINDOWS
    ),
    "activity_types": lambda: cost_to_serve(
        ACTIVITIES, RATES, empty(c.ACTIVITY_TYPE_COLUMNS, without=[c.IS_INVESTMENT]), WINDOWS
    ),
    "revenue": lambda: revenue_windows(empty(c.REVENUE_COLUMNS, without=[c.REVENUE]), WINDOWS),
    "forecasts": lambda: forecast_2y(
        empty(c.FORECAST_COLUMNS, without=[c.AMOUNT]), GROWTH, GROWTH, WINDOWS
    ),
    "complaints": lambda: recurring_problems(
        empty(c.COMPLAINT_COLUMNS, without=[c.CATEGORY]), AS_OF
    ),
    "assessments": lambda: satisfaction_decline(
        empty(c.ASSESSMENT_COLUMNS, without=[c.SCORE]), AS_OF
    ),
    "contacts": lambda: key_influencer_neglected(empty(c.CONTACT_COLUMNS, without=[c.ROLE]), AS_OF),
    "events": lambda: competitor_activity(empty(c.EVENT_COLUMNS, without=[c.DATE]), AS_OF),
}
MISSING = {
    "criteria scores": "weight",
    "value ledger": "amount",
    "activities": "quantity",
    "rates": "unit_cost",
    "activity_types": "is_investment",
    "revenue": "revenue",
    "forecasts": "amount",
    "complaints": "category",
    "assessments": "score",
    "contacts": "role",
    "events": "date",
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_missing_column_is_named_with_its_frame(name):
    with raises_exactly(f"The {name} frame is missing column(s): {MISSING[name]}"):
        CASES[name]()


def test_several_missing_columns_are_listed_with_commas():
    with raises_exactly("The contacts frame is missing column(s): role, is_active"):
        coverage_gap(empty(c.CONTACT_COLUMNS, without=[c.ROLE, c.IS_ACTIVE]), pd.Index([1]))


def test_the_run_names_a_missing_column_of_its_accounts():
    accounts = pd.DataFrame({c.ACCOUNT: [1]})

    with raises_exactly("The accounts frame is missing column(s): designation"):
        analyse_before_costs(AnalysisInputs(accounts=accounts), AnalysisParameters(), AS_OF)


def test_the_cost_step_names_activities_without_an_account_column():
    # The check comes before the activities are narrowed to the analysed accounts.
    activities = empty(c.ACTIVITY_COLUMNS, without=[c.ACCOUNT])

    with raises_exactly("The activities frame is missing column(s): account_id"):
        analyse_costs(
            before_costs(), activities=activities, rates=RATES, activity_types=ACTIVITY_TYPES
        )


def test_duplicate_accounts_are_refused_in_words():
    accounts = pd.DataFrame({c.ACCOUNT: [1, 1], c.DESIGNATION: ["strategic", "pilot"]})

    with raises_exactly("The accounts frame lists an account more than once."):
        analyse_before_costs(AnalysisInputs(accounts=accounts), AnalysisParameters(), AS_OF)


def test_invalid_parameters_are_all_listed_in_one_message():
    accounts = pd.DataFrame({c.ACCOUNT: [1], c.DESIGNATION: ["strategic"]})
    params = AnalysisParameters(discount_rate=-0.1, horizon_years=0)

    with raises_exactly(
        "Invalid analysis parameters: discount_rate: The discount rate must be between 0 and 1 "
        "(0.10 means 10 %); it cannot be negative.; horizon_years: The horizon must be a whole "
        "number of years from 1 to 100."
    ):
        analyse_before_costs(AnalysisInputs(accounts=accounts), params, AS_OF)
