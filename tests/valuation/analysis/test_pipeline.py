"""End-to-end analysis at T = 15 Jun 2026 with horizon 3 years (other parameters default).

Windows: Y1 Jul 2023-Jun 2024, Y2 Jul 2024-Jun 2025, Y3 1 Jul 2025-15 Jun 2026.

Account 1 (strategic): Y1 400 000, Y2 450 000, Y3 484 000 with cost of goods 300 000.
  g = √(484 000/400 000) − 1 = 1.1 − 1 = 0.1; gross margin 184 000.
  cost to serve: SERVICE 740 × 100 = 74 000 + EXEC-VISIT 5 × 2 000 = 10 000 (investment)
  = 84 000; m = 184 000 − 84 000 = 100 000. Contacts fine, no signal: r = 0.9.
  ltv = 100 000 × (1/1.1)(1 + 0.9 + 0.81) = 246 363.64 ((1+g)r/(1+d) = 0.99/1.1 = 0.9).
  forecast: none → 484 000 × 1.1 + 484 000 × 1.21 = 532 400 + 585 640 = 1 118 040.
  criteria: Σw(s−1) = 3·4 + 2·2 + 5·1 = 21, 4Σw = 40 → A = 52.5.
  margin = 100 000/484 000 = 0.206612 → maintain.
  S = median(60 000, 100 000) = 80 000 → n = ⌈6.05⌉ = 7 → 175 000.
  ledger: delivered 50 000, received 20 000 → ratio 2.5.
Account 2 (transactional): Y2 100 000, Y3 60 000 (cost of goods 50 000) → GM 10 000, g = 0.
  SERVICE 150 × 100 = 15 000 → m = −5 000.
  Signals: revenue_decline 15 (60 000 < 90 000); no coverage_gap (the relationship signals
  are for the accounts meant to be mapped) → 15, r = 0.9 × 0.85 = 0.765.
  ltv = −5 000 × (1/1.1 + 0.765/1.21 + 0.585225/1.331)
      = −5 000 × (0.909091 + 0.632231 + 0.439688) = −9 905.05.
  forecast records 30 000 + 30 000 = 60 000. A = 50 + 0 = 50; margin −0.083333 → reassess.
  n = ⌈0.75⌉ = 1 → 25 000. No ledger: ratio empty.
Account 3 (transactional): Y1 100 000, Y3 100 000 (a record after T ignored) → g = 0,
  GM 100 000; WH-PICK activities before the first rate: cost 0 + warning; m = 100 000.
  Signals: litigation on T − 365 (40) + performance standards on T − 180 (25); a
  competitor evaluation on T − 181 does not count → 65, stage 4, r = 0.9 × 0.35 = 0.315.
  ltv = 100 000 × (1/1.1 + 0.315/1.21 + 0.099225/1.331)
      = 100 000 × (0.909091 + 0.260331 + 0.074549) = 124 397.07.
  forecast 100 000 + 100 000 = 200 000. Every criterion 5 → A = 100, margin 1 → invest.
  n = ⌈1.25⌉ = 2 → 50 000.
Account 4 (candidate): no data at all. coverage_gap 10 → r = 0.81, A = 50, reassess.
"""

from datetime import date

import pandas as pd
import pytest

from portfolio.pipeline import (
    AnalysisInputs,
    analyse_before_costs,
    analyse_costs_in_parts,
    analyse_portfolio,
    portfolio_costs,
)
from valuation.analysis import columns as c
from valuation.analysis.parameters import AnalysisParameters
from valuation.analysis.windows import Windows

AS_OF = date(2026, 6, 15)
PARAMS = AnalysisParameters(horizon_years=3)


def frame(columns, rows):
    return pd.DataFrame(rows, columns=list(columns))


ACCOUNTS = frame(
    c.ACCOUNTS_COLUMNS,
    [(1, "strategic"), (2, "transactional"), (3, "transactional"), (4, "candidate")],
)
REVENUE = frame(
    (*c.REVENUE_COLUMNS, c.LOCATION),
    [
        (1, date(2024, 1, 1), 400_000.0, 0.0, "Lyon"),
        (1, date(2025, 1, 1), 450_000.0, 0.0, "Lyon"),
        (1, date(2026, 1, 1), 284_000.0, 200_000.0, "Lyon"),
        (1, date(2026, 1, 1), 100_000.0, 50_000.0, "Lyon"),
        (1, date(2026, 2, 1), 100_000.0, 50_000.0, "Paris"),
        (2, date(2025, 1, 1), 100_000.0, 0.0, "Lyon"),
        (2, date(2026, 3, 1), 60_000.0, 50_000.0, "Lyon"),
        (3, date(2024, 6, 1), 100_000.0, 0.0, None),
        (3, date(2026, 6, 1), 100_000.0, 0.0, None),
        (3, date(2026, 7, 1), 50_000.0, 0.0, None),  # after T
        (99, date(2026, 1, 1), 1_000_000.0, 0.0, None),  # not an analysed account
    ],
)
FORECASTS = frame(
    c.FORECAST_COLUMNS, [(2, date(2026, 7, 1), 30_000.0), (2, date(2027, 1, 1), 30_000.0)]
)
ACTIVITIES = frame(
    c.ACTIVITY_COLUMNS,
    [
        (1, "SERVICE", date(2026, 2, 1), 700.0),
        (1, "SERVICE", date(2026, 2, 1), 40.0),
        (1, "EXEC-VISIT", date(2026, 3, 1), 5.0),
        (2, "SERVICE", date(2026, 4, 1), 150.0),
        (3, "WH-PICK", date(2025, 8, 1), 10.0),
        (3, "WH-PICK", date(2025, 8, 1), 20.0),
        (99, "SERVICE", date(2026, 4, 1), 1_000.0),  # not an analysed account
    ],
)
RATES = frame(
    c.RATE_COLUMNS,
    [
        ("SERVICE", date(2025, 1, 1), 100.0),
        ("EXEC-VISIT", date(2025, 1, 1), 2_000.0),
        ("WH-PICK", date(2026, 1, 1), 3.0),
    ],
)
ACTIVITY_TYPES = frame(
    c.ACTIVITY_TYPE_COLUMNS, [("SERVICE", False), ("EXEC-VISIT", True), ("WH-PICK", False)]
)
LEDGER = frame(
    c.LEDGER_COLUMNS,
    [(1, "delivered", date(2026, 1, 1), 50_000.0), (1, "received", date(2026, 2, 1), 20_000.0)],
)
CRITERIA = frame(
    c.CRITERIA_SCORE_COLUMNS,
    [
        (1, "size", 3.0, 5),
        (1, "fit", 2.0, 3),
        (1, "access", 5.0, 2),
        (3, "size", 3.0, 5),
        (3, "fit", 1.0, 5),
    ],
)
CONTACTS = frame(
    c.CONTACT_COLUMNS,
    [
        (1, 11, "Jane Doe", "economic_buyer", True, 30, date(2026, 6, 1)),
        (1, 12, "Bob Roe", "coach", True, 30, date(2026, 6, 1)),
        (3, 31, "Ann Lee", "economic_buyer", True, 30, date(2026, 6, 1)),
        (3, 32, "Cat Coach", "coach", True, 30, date(2026, 6, 1)),
    ],
)
EVENTS = frame(
    c.EVENT_COLUMNS,
    [
        (3, "litigation", date(2025, 6, 15)),  # T − 365
        (3, "performance_standards", date(2025, 12, 17)),  # T − 180
        (3, "competitor_evaluation", date(2025, 12, 16)),  # T − 181
    ],
)


def full_inputs(**overrides):
    values = {
        "accounts": ACCOUNTS,
        "revenue": REVENUE,
        "forecasts": FORECASTS,
        "activities": ACTIVITIES,
        "rates": RATES,
        "activity_types": ACTIVITY_TYPES,
        "ledger": LEDGER,
        "criteria_scores": CRITERIA,
        "contacts": CONTACTS,
        "events": EVENTS,
    }
    return AnalysisInputs(**{**values, **overrides})


EXPECTED = {
    # revenue_y1, revenue_y2, revenue_ttm, revenue_3y, growth_rate, forecast_2y,
    # gross_margin_ttm, cost_to_serve_ttm, net_profit_ttm, retention_investment_ttm,
    # value_delivered_ttm, value_received_ttm
    1: [400_000, 450_000, 484_000, 1_334_000, 0.1, 1_118_040, 184_000, 84_000, 100_000, 10_000]
    + [50_000, 20_000],
    2: [0, 100_000, 60_000, 160_000, 0, 60_000, 10_000, 15_000, -5_000, 0, 0, 0],
    3: [100_000, 0, 100_000, 200_000, 0, 200_000, 100_000, 0, 100_000, 0, 0, 0],
    4: [0] * 12,
}
EXPECTED_TAIL = {
    # churn_score, churn_stage, retention, ltv, replacement_customers, replacement_cost,
    # attractiveness, margin, segment
    1: [0, 0, 0.9, 246_363.64, 7, 175_000, 52.5, 0.206612, "maintain"],
    2: [15, 2, 0.765, -9_905.05, 1, 25_000, 50, -0.083333, "reassess"],
    3: [65, 4, 0.315, 124_397.07, 2, 50_000, 100, 1.0, "invest"],
    4: [10, 1, 0.81, 0, 0, 0, 50, 0, "reassess"],
}
HEAD_COLUMNS = [
    c.REVENUE_Y1,
    c.REVENUE_Y2,
    c.REVENUE_TTM,
    c.REVENUE_3Y,
    c.GROWTH_RATE,
    c.FORECAST_2Y,
    c.GROSS_MARGIN_TTM,
    c.COST_TO_SERVE_TTM,
    c.NET_PROFIT_TTM,
    c.RETENTION_INVESTMENT_TTM,
    c.VALUE_DELIVERED_TTM,
    c.VALUE_RECEIVED_TTM,
]
TAIL_COLUMNS = [
    c.CHURN_SCORE,
    c.CHURN_STAGE,
    c.RETENTION,
    c.LTV,
    c.REPLACEMENT_CUSTOMERS,
    c.REPLACEMENT_COST,
    c.ATTRACTIVENESS,
    c.MARGIN,
    c.SEGMENT,
]


def test_every_account_gets_its_hand_computed_row():
    result = analyse_portfolio(full_inputs(), PARAMS, AS_OF)

    rows = result.accounts
    assert rows.index.tolist() == [1, 2, 3, 4]
    assert list(rows.columns) == list(c.RESULT_COLUMNS)
    for account, expected in EXPECTED.items():
        assert rows.loc[account, HEAD_COLUMNS].tolist() == expected, account
    for account, expected in EXPECTED_TAIL.items():
        assert rows.loc[account, TAIL_COLUMNS].tolist() == expected, account
    assert rows.loc[1, c.VALUE_RATIO] == 2.5
    assert rows.loc[[2, 3, 4], c.VALUE_RATIO].isna().all()
    assert result.small_account_revenue == 80_000.0


def test_signals_behind_each_score():
    result = analyse_portfolio(full_inputs(), PARAMS, AS_OF)

    signals = result.accounts[c.SIGNALS]
    assert signals[1] == []
    assert [signal["code"] for signal in signals[2]] == ["revenue_decline"]
    assert signals[2][0] == {
        "code": "revenue_decline",
        "stage": 2,
        "weight": 15.0,
        "detail": "Revenue fell 40 % (TTM 60 k vs 100 k the year before)",
    }
    assert [signal["code"] for signal in signals[3]] == ["ultimatum", "litigation"]


def test_warnings_pareto_and_locations():
    result = analyse_portfolio(full_inputs(), PARAMS, AS_OF)

    assert result.warnings == [
        "2 activities of type WH-PICK dated before its first rate: costed at 0"
    ]
    # SERVICE 74 000 + 15 000 = 89 000 (account 99 left out), EXEC-VISIT 10 000, WH-PICK 0
    # shares of 99 000: 0.898990, 0.101010, 0
    pareto = result.cost_pareto
    assert pareto[c.ACTIVITY_TYPE].tolist() == ["SERVICE", "EXEC-VISIT", "WH-PICK"]
    assert pareto[c.COST].tolist() == [89_000.0, 10_000.0, 0.0]
    assert pareto[c.SHARE].tolist() == [0.898990, 0.101010, 0.0]
    assert pareto[c.CUMULATIVE_SHARE].tolist() == [0.898990, 1.0, 1.0]
    assert pareto[c.VITAL_FEW].tolist() == [True, False, False]
    locations = result.revenue_by_location
    assert locations[locations[c.ACCOUNT] == 1].to_dict("records") == [
        {c.ACCOUNT: 1, c.LOCATION: "Lyon", c.WINDOW: "Y1", c.REVENUE: 400_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Lyon", c.WINDOW: "Y2", c.REVENUE: 450_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Lyon", c.WINDOW: "Y3", c.REVENUE: 384_000.0},
        {c.ACCOUNT: 1, c.LOCATION: "Paris", c.WINDOW: "Y3", c.REVENUE: 100_000.0},
    ]
    assert 99 not in set(locations[c.ACCOUNT])


def test_pre_summed_inputs_give_identical_results():
    revenue = REVENUE.groupby(
        [c.ACCOUNT, c.PERIOD_START, c.LOCATION], as_index=False, dropna=False
    )[[c.REVENUE, c.COST_OF_GOODS]].sum()
    activities = ACTIVITIES.groupby([c.ACCOUNT, c.ACTIVITY_TYPE, c.DATE], as_index=False).agg(
        **{c.QUANTITY: (c.QUANTITY, "sum"), c.ACTIVITY_COUNT: (c.QUANTITY, "size")}
    )
    assert len(revenue) < len(REVENUE)
    assert len(activities) < len(ACTIVITIES)

    raw = analyse_portfolio(full_inputs(), PARAMS, AS_OF)
    pre_summed = analyse_portfolio(
        full_inputs(revenue=revenue, activities=activities), PARAMS, AS_OF
    )

    pd.testing.assert_frame_equal(raw.accounts, pre_summed.accounts)
    pd.testing.assert_frame_equal(raw.cost_pareto, pre_summed.cost_pareto)
    assert raw.warnings == pre_summed.warnings


def test_accounts_without_any_other_data():
    result = analyse_portfolio(AnalysisInputs(accounts=ACCOUNTS), AnalysisParameters(), AS_OF)

    rows = result.accounts
    assert len(rows) == 4
    assert (rows[list(c.MONEY_COLUMNS)] == 0.0).all().all()
    assert rows[c.REPLACEMENT_CUSTOMERS].tolist() == [0, 0, 0, 0]
    # coverage_gap (no contacts mapped) for the accounts meant to be mapped only: 1 and 4
    assert rows[c.CHURN_SCORE].tolist() == [10.0, 0.0, 0.0, 10.0]
    assert rows[c.SEGMENT].tolist() == ["reassess"] * 4
    assert result.warnings == []
    assert result.cost_pareto.empty
    # no transactional account with revenue: S is the parameter
    assert result.small_account_revenue == 100_000.0


def test_no_accounts_at_all():
    result = analyse_portfolio(
        AnalysisInputs(accounts=frame(c.ACCOUNTS_COLUMNS, [])), AnalysisParameters(), AS_OF
    )

    assert result.accounts.empty
    assert list(result.accounts.columns) == list(c.RESULT_COLUMNS)


def test_money_is_rounded_to_cents_once_at_the_end():
    revenue = frame(
        c.REVENUE_COLUMNS,
        [
            (1, date(2024, 1, 1), 300.0, 0.0),
            (1, date(2026, 1, 1), 400.003, 0.0),
            (1, date(2026, 2, 1), 0.004, 0.0),
        ],
    )
    tiny = frame(c.REVENUE_COLUMNS, [(1, date(2026, 1, 1), 0.003, 0.0)])

    result = analyse_portfolio(
        AnalysisInputs(accounts=ACCOUNTS.iloc[:1], revenue=revenue), AnalysisParameters(), AS_OF
    )
    tiny_result = analyse_portfolio(
        AnalysisInputs(accounts=ACCOUNTS.iloc[:1], revenue=tiny), PARAMS, AS_OF
    )

    row = result.accounts.loc[1]
    assert row[c.REVENUE_TTM] == 400.01  # 400.003 + 0.004 = 400.007
    # √(400.007/300) − 1 = √1.333357 − 1 = 0.154711… → 6 dp
    assert row[c.GROWTH_RATE] == 0.154711
    # m = 0.003 is kept unrounded for the ltv: r = 0.9 × 0.9 = 0.81 (coverage gap), g = 0,
    # 0.003 × (1/1.1 + 0.81/1.21 + 0.6561/1.331) = 0.003 × 2.071450 = 0.0062 → 0.01
    assert tiny_result.accounts.loc[1, c.NET_PROFIT_TTM] == 0.0
    assert tiny_result.accounts.loc[1, c.LTV] == 0.01


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="discount_rate"):
        analyse_portfolio(full_inputs(), AnalysisParameters(discount_rate=-0.1), AS_OF)


def test_duplicate_accounts_are_refused():
    accounts = frame(c.ACCOUNTS_COLUMNS, [(1, "strategic"), (1, "strategic")])

    with pytest.raises(ValueError, match="more than once"):
        analyse_portfolio(AnalysisInputs(accounts=accounts), AnalysisParameters(), AS_OF)


def test_the_churn_weights_ops_set_are_the_ones_scored():
    params = AnalysisParameters(horizon_years=3, weight_coverage_gap=30.0, weight_litigation=5.0)

    rows = analyse_portfolio(full_inputs(), params, AS_OF).accounts

    # account 2 (transactional): revenue_decline 15; account 3: litigation 5 + ultimatum 25;
    # account 4 (candidate): coverage_gap 30
    assert rows[c.CHURN_SCORE].tolist() == [0.0, 15.0, 30.0, 30.0]
    assert [signal["weight"] for signal in rows.loc[3, c.SIGNALS]] == [25.0, 5.0]


def test_the_result_carries_its_date_windows_and_cost_per_account_and_type():
    result = analyse_portfolio(full_inputs(), PARAMS, AS_OF)

    assert result.as_of == AS_OF
    assert result.windows == Windows.from_as_of(AS_OF)
    assert result.accounts.index.name == c.ACCOUNT
    assert result.accounts[c.REPLACEMENT_CUSTOMERS].dtype == "int64"
    assert result.accounts[c.CHURN_STAGE].dtype == "int64"
    costs = result.cost_by_account_and_type
    assert costs.round(2).values.tolist() == [  # account 99 left out
        [1, "EXEC-VISIT", 10_000.0],
        [1, "SERVICE", 74_000.0],
        [2, "SERVICE", 15_000.0],
        [3, "WH-PICK", 0.0],
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 10])
@pytest.mark.parametrize("in_account_order", [True, False])
def test_costs_in_parts_give_the_whole_portfolios_figures(size, in_account_order):
    activities = ACTIVITIES.sort_values(c.ACCOUNT, kind="stable", ignore_index=True)
    if not in_account_order:
        activities = activities.iloc[::-1].reset_index(drop=True)
    whole = analyse_portfolio(full_inputs(activities=activities), PARAMS, AS_OF)
    before = analyse_before_costs(full_inputs(activities=activities), PARAMS, AS_OF)

    parts = list(
        analyse_costs_in_parts(
            before, activities=activities, rates=RATES, activity_types=ACTIVITY_TYPES, size=size
        )
    )

    assert [len(part.accounts) for part in parts] == [
        min(size, 4 - start) for start in range(0, 4, size)
    ]
    pd.testing.assert_frame_equal(
        pd.concat([part.accounts for part in parts]), whole.accounts, check_exact=True
    )
    joined = portfolio_costs([(part.cost_by_type, part.unrated) for part in parts])
    pd.testing.assert_frame_equal(joined.cost_pareto, whole.cost_pareto, check_exact=True)
    assert joined.warnings == whole.warnings


def test_costs_in_parts_of_no_accounts_and_of_no_size():
    empty = analyse_before_costs(
        AnalysisInputs(accounts=frame(c.ACCOUNTS_COLUMNS, [])), AnalysisParameters(), AS_OF
    )
    costs = {"activities": ACTIVITIES, "rates": RATES, "activity_types": ACTIVITY_TYPES}

    (only,) = analyse_costs_in_parts(empty, **costs, size=100)
    assert only.accounts.empty
    assert only.cost_by_type.empty  # the activities of accounts not analysed are ignored
    assert only.unrated.empty
    with pytest.raises(ValueError, match="at least one account"):
        next(analyse_costs_in_parts(empty, **costs, size=0))
