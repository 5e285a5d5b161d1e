"""Column-name constants shared by the loaders and the analysis.

Input frames are described by the ``*_COLUMNS`` tuples (required columns). Dates may be
``datetime.date`` objects or datetime64 values; money may be ``Decimal``, int or float
(converted to float64 internally). Output names follow DOMAIN.md exactly.
"""

from __future__ import annotations

# --- identifiers and shared input columns --------------------------------------------
ACCOUNT = "account_id"
DESIGNATION = "designation"
PERIOD_START = "period_start"  # first day of the revenue / forecast period
LOCATION = "location"  # optional on revenue rows
REVENUE = "revenue"
COST_OF_GOODS = "cost_of_goods"
AMOUNT = "amount"  # forecast amount, value-ledger amount
DATE = "date"  # activity, ledger entry, assessment, account event
ACTIVITY_TYPE = "activity_type"
QUANTITY = "quantity"
ACTIVITY_COUNT = "activity_count"  # optional: how many activities a pre-summed row holds
EFFECTIVE_FROM = "effective_from"
UNIT_COST = "unit_cost"
IS_INVESTMENT = "is_investment"
DIRECTION = "direction"
CRITERION = "criterion"
WEIGHT = "weight"
SCORE = "score"
CATEGORY = "category"
OPENED_ON = "opened_on"
CONTACT = "contact_id"
CONTACT_NAME = "contact_name"
ROLE = "role"
IS_ACTIVE = "is_active"
CONTACT_FREQUENCY_DAYS = "contact_frequency_days"
LAST_INTERACTION_ON = "last_interaction_on"
EVENT_TYPE = "event_type"

# --- values --------------------------------------------------------------------------
TRANSACTIONAL = "transactional"
DELIVERED = "delivered"
RECEIVED = "received"
ECONOMIC_BUYER = "economic_buyer"
COACH = "coach"
Y1 = "Y1"
Y2 = "Y2"
Y3 = "Y3"

# --- input schemas (required columns) ------------------------------------------------
ACCOUNTS_COLUMNS = (ACCOUNT, DESIGNATION)
REVENUE_COLUMNS = (ACCOUNT, PERIOD_START, REVENUE, COST_OF_GOODS)  # LOCATION optional
FORECAST_COLUMNS = (ACCOUNT, PERIOD_START, AMOUNT)
ACTIVITY_COLUMNS = (ACCOUNT, ACTIVITY_TYPE, DATE, QUANTITY)  # ACTIVITY_COUNT optional
RATE_COLUMNS = (ACTIVITY_TYPE, EFFECTIVE_FROM, UNIT_COST)
ACTIVITY_TYPE_COLUMNS = (ACTIVITY_TYPE, IS_INVESTMENT)
LEDGER_COLUMNS = (ACCOUNT, DIRECTION, DATE, AMOUNT)
CRITERIA_SCORE_COLUMNS = (ACCOUNT, CRITERION, WEIGHT, SCORE)
COMPLAINT_COLUMNS = (ACCOUNT, CATEGORY, OPENED_ON)
ASSESSMENT_COLUMNS = (ACCOUNT, DATE, SCORE)
CONTACT_COLUMNS = (
    ACCOUNT,
    CONTACT,
    CONTACT_NAME,
    ROLE,
    IS_ACTIVE,
    CONTACT_FREQUENCY_DAYS,
    LAST_INTERACTION_ON,
)
EVENT_COLUMNS = (ACCOUNT, EVENT_TYPE, DATE)

# --- per-account outputs (DOMAIN.md names) -------------------------------------------
REVENUE_Y1 = "revenue_y1"
REVENUE_Y2 = "revenue_y2"
REVENUE_TTM = "revenue_ttm"
REVENUE_3Y = "revenue_3y"
GROWTH_RATE = "growth_rate"
FORECAST_2Y = "forecast_2y"
GROSS_MARGIN_TTM = "gross_margin_ttm"
COST_TO_SERVE_TTM = "cost_to_serve_ttm"
NET_PROFIT_TTM = "net_profit_ttm"
RETENTION_INVESTMENT_TTM = "retention_investment_ttm"
VALUE_DELIVERED_TTM = "value_delivered_ttm"
VALUE_RECEIVED_TTM = "value_received_ttm"
VALUE_RATIO = "value_ratio"
CHURN_SCORE = "churn_score"
CHURN_STAGE = "churn_stage"
AT_RISK = "at_risk"  # churn_score ≥ the parameter at_risk_score (bool)
RETENTION = "retention"
LTV = "ltv"
REPLACEMENT_CUSTOMERS = "replacement_customers"
REPLACEMENT_COST = "replacement_cost"
ATTRACTIVENESS = "attractiveness"
MARGIN = "margin"
SEGMENT = "segment"
SIGNALS = "signals"

# Rounding applied once, in the final result.
MONEY_COLUMNS = (
    REVENUE_Y1,
    REVENUE_Y2,
    REVENUE_TTM,
    REVENUE_3Y,
    FORECAST_2Y,
    GROSS_MARGIN_TTM,
    COST_TO_SERVE_TTM,
    NET_PROFIT_TTM,
    RETENTION_INVESTMENT_TTM,
    VALUE_DELIVERED_TTM,
    VALUE_RECEIVED_TTM,
    LTV,
    REPLACEMENT_COST,
)
RATIO_COLUMNS = (GROWTH_RATE, VALUE_RATIO, CHURN_SCORE, RETENTION, ATTRACTIVENESS, MARGIN)

RESULT_COLUMNS = (
    REVENUE_Y1,
    REVENUE_Y2,
    REVENUE_TTM,
    REVENUE_3Y,
    GROWTH_RATE,
    FORECAST_2Y,
    GROSS_MARGIN_TTM,
    COST_TO_SERVE_TTM,
    NET_PROFIT_TTM,
    RETENTION_INVESTMENT_TTM,
    VALUE_DELIVERED_TTM,
    VALUE_RECEIVED_TTM,
    VALUE_RATIO,
    CHURN_SCORE,
    CHURN_STAGE,
    AT_RISK,
    RETENTION,
    LTV,
    REPLACEMENT_CUSTOMERS,
    REPLACEMENT_COST,
    ATTRACTIVENESS,
    MARGIN,
    SEGMENT,
    SIGNALS,
)

# segments
INVEST = "invest"
DEVELOP = "develop"
MAINTAIN = "maintain"
REASSESS = "reassess"

# --- other outputs -------------------------------------------------------------------
WINDOW = "window"  # Y1 / Y2 / Y3 label
COST = "cost"
SHARE = "share"
CUMULATIVE_SHARE = "cumulative_share"
VITAL_FEW = "vital_few"
REASON = "reason"
YEAR = "year"
VALUE = "value"
DISCOUNTED_VALUE = "discounted_value"
CUMULATIVE_DISCOUNTED_VALUE = "cumulative_discounted_value"

# fired churn signals (also the keys of each dict in the SIGNALS column)
SIGNAL_CODE = "code"
STAGE = "stage"
SIGNAL_WEIGHT = "weight"
DETAIL = "detail"
FIRED_SIGNAL_COLUMNS = (ACCOUNT, SIGNAL_CODE, STAGE, SIGNAL_WEIGHT, DETAIL)
