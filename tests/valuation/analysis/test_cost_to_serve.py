from datetime import date

import pandas as pd
import pytest

from valuation.analysis import columns as c
from valuation.analysis.cost_to_serve import cost_by_activity_type, cost_pareto, cost_to_serve
from valuation.analysis.windows import Windows

AS_OF = date(2026, 6, 15)
WINDOWS = Windows.from_as_of(AS_OF)  # Y3 = 1 Jul 2025 .. 15 Jun 2026


def activity_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.ACTIVITY_TYPE, c.DATE, c.QUANTITY])


RATES = pd.DataFrame(
    [
        ("WH-PICK", date(2025, 10, 1), 2.00),
        ("WH-PICK", date(2026, 2, 1), 2.50),  # rate change mid-window
        ("EXEC-VISIT", date(2025, 1, 1), 1_500.00),
    ],
    columns=[c.ACTIVITY_TYPE, c.EFFECTIVE_FROM, c.UNIT_COST],
)
ACTIVITY_TYPES = pd.DataFrame(
    [("WH-PICK", False), ("EXEC-VISIT", True), ("NO-RATE", False)],
    columns=[c.ACTIVITY_TYPE, c.IS_INVESTMENT],
)
ACTIVITIES = activity_frame(
    [
        (1, "WH-PICK", date(2025, 6, 30), 1_000.0),  # before Y3: ignored
        (1, "WH-PICK", date(2025, 9, 30), 60.0),  # before the first rate: 0 + warning
        (1, "WH-PICK", date(2025, 9, 30), 40.0),  # same day, same type
        (1, "WH-PICK", date(2025, 10, 1), 10.0),  # first rate's day: 10 × 2.00 = 20
        (1, "WH-PICK", date(2026, 1, 31), 40.0),  # old rate: 40 × 2.00 = 80
        (1, "WH-PICK", date(2026, 2, 1), 10.0),  # change day, new rate: 10 × 2.50 = 25
        (1, "WH-PICK", date(2026, 3, 15), 4.0),  # after the change: 4 × 2.50 = 10
        (1, "WH-PICK", date(2026, 6, 16), 1_000.0),  # after T: ignored
        (1, "EXEC-VISIT", date(2026, 4, 10), 2.0),  # investment: 2 × 1 500 = 3 000
        (2, "NO-RATE", date(2026, 5, 1), 3.0),  # type without any rate: 0 + warning
        (2, "WH-PICK", date(2026, 5, 1), 8.0),  # 8 × 2.50 = 20
    ]
)


def test_cost_to_serve_uses_the_rate_in_force():
    result = cost_to_serve(ACTIVITIES, RATES, ACTIVITY_TYPES, WINDOWS)

    # account 1: 0 + 20 + 80 + 25 + 10 + 3 000 = 3 135, of which 3 000 investment
    assert result.by_account.loc[1, c.COST_TO_SERVE_TTM] == pytest.approx(3_135.0)
    assert result.by_account.loc[1, c.RETENTION_INVESTMENT_TTM] == pytest.approx(3_000.0)
    # account 2: 0 + 20
    assert result.by_account.loc[2, c.COST_TO_SERVE_TTM] == pytest.approx(20.0)
    assert result.by_account.loc[2, c.RETENTION_INVESTMENT_TTM] == 0.0


def test_activities_without_a_rate_are_warned_about():
    result = cost_to_serve(ACTIVITIES, RATES, ACTIVITY_TYPES, WINDOWS)

    assert result.warnings == [
        "2 activities of type WH-PICK dated before its first rate: costed at 0",
        "1 activity of type NO-RATE with no rate at all: costed at 0",
    ]
    assert result.unrated[c.QUANTITY].tolist() == [100.0, 3.0]


def test_pre_summed_activities_give_identical_results():
    summed = ACTIVITIES.groupby([c.ACCOUNT, c.ACTIVITY_TYPE, c.DATE], as_index=False).agg(
        **{c.QUANTITY: (c.QUANTITY, "sum"), c.ACTIVITY_COUNT: (c.QUANTITY, "size")}
    )
    assert len(summed) == len(ACTIVITIES) - 1

    raw = cost_to_serve(ACTIVITIES, RATES, ACTIVITY_TYPES, WINDOWS)
    pre_summed = cost_to_serve(summed, RATES, ACTIVITY_TYPES, WINDOWS)

    pd.testing.assert_frame_equal(raw.by_account.round(2), pre_summed.by_account.round(2))
    pd.testing.assert_series_equal(
        raw.by_activity_type.round(2), pre_summed.by_activity_type.round(2)
    )
    assert raw.warnings == pre_summed.warnings


def test_types_missing_from_activity_types_are_not_investments():
    result = cost_to_serve(
        ACTIVITIES, RATES, ACTIVITY_TYPES.iloc[0:0], WINDOWS
    )  # no type list at all

    assert result.by_account.loc[1, c.COST_TO_SERVE_TTM] == pytest.approx(3_135.0)
    assert result.by_account.loc[1, c.RETENTION_INVESTMENT_TTM] == 0.0


def test_no_rates_at_all_costs_zero_with_warnings():
    result = cost_to_serve(ACTIVITIES, RATES.iloc[0:0], ACTIVITY_TYPES, WINDOWS)

    assert result.by_account[c.COST_TO_SERVE_TTM].tolist() == [0.0, 0.0]
    # Y3 WH-PICK activities: 100 + 10 + 40 + 10 + 4 + 8 quantity over 7 rows
    assert result.warnings == [
        "7 activities of type WH-PICK with no rate at all: costed at 0",
        "1 activity of type EXEC-VISIT with no rate at all: costed at 0",
        "1 activity of type NO-RATE with no rate at all: costed at 0",
    ]


def test_empty_activities():
    result = cost_to_serve(activity_frame([]), RATES, ACTIVITY_TYPES, WINDOWS)

    assert result.by_account.empty
    assert result.by_activity_type.empty
    assert result.warnings == []


def test_cost_by_activity_type():
    result = cost_by_activity_type(ACTIVITIES, RATES, WINDOWS)

    # WH-PICK: 20 + 80 + 25 + 10 + 20 = 155; EXEC-VISIT 3 000; NO-RATE 0
    assert result.round(2).to_dict() == {"EXEC-VISIT": 3_000.0, "NO-RATE": 0.0, "WH-PICK": 155.0}


def test_pareto_vital_few_reaching_exactly_80_percent():
    costs = pd.Series({"C": 15.0, "A": 50.0, "D": 5.0, "B": 30.0})

    result = cost_pareto(costs)

    assert result[c.ACTIVITY_TYPE].tolist() == ["A", "B", "C", "D"]
    assert result[c.SHARE].tolist() == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert result[c.CUMULATIVE_SHARE].tolist() == pytest.approx([0.5, 0.8, 0.95, 1.0])
    # A + B = 80 % exactly: the smallest set reaching 80 %
    assert result[c.VITAL_FEW].tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ({"A": 70.0, "B": 20.0, "C": 10.0}, [True, True, False]),  # 70 % < 80 %, 90 % ≥
        ({"A": 90.0, "B": 10.0}, [True, False]),  # one type is enough
        ({"A": 10.0, "B": 70.0, "C": 20.0}, [True, True, False]),  # sorted first
        # 0.7 + 0.1 is 0.7999999999999999 in floats but 80 % in cents: C is not needed
        ({"B": 0.7, "A": 0.1, "C": 0.1, "D": 0.1}, [True, True, False, False]),
        ({"A": 0.0, "B": 0.0}, [False, False]),  # no cost at all
    ],
)
def test_pareto_vital_few(costs, expected):
    result = cost_pareto(pd.Series(costs))

    assert result[c.VITAL_FEW].tolist() == expected


def test_pareto_of_nothing():
    result = cost_pareto(pd.Series([], dtype="float64"))

    assert result.empty
    assert list(result.columns) == [
        c.ACTIVITY_TYPE,
        c.COST,
        c.SHARE,
        c.CUMULATIVE_SHARE,
        c.VITAL_FEW,
    ]


def test_each_costed_activity_shows_its_rate_and_why_it_has_none():
    from valuation.analysis.cost_to_serve import costed_activities

    result = costed_activities(ACTIVITIES, RATES, WINDOWS)

    assert list(result.columns) == [
        c.ACCOUNT,
        c.ACTIVITY_TYPE,
        c.DATE,
        c.QUANTITY,
        c.ACTIVITY_COUNT,
        c.UNIT_COST,
        c.COST,
        c.REASON,
    ]
    assert result.index.tolist() == list(range(len(result)))
    assert result[c.ACTIVITY_COUNT].dtype == "int64"
    unrated = result[result[c.UNIT_COST].isna()]
    # no rate in force: cost 0 (not empty), with the reason
    assert unrated[c.COST].tolist() == [0.0, 0.0, 0.0]
    assert sorted(unrated[c.REASON]) == ["before_first_rate", "before_first_rate", "no_rate"]


def test_of_several_rates_set_on_one_day_the_last_row_wins_however_many():
    # 40 corrections entered on each of two days, in one interleaved table
    rows = []
    for n in range(1, 41):
        rows.append(("WH-PICK", date(2025, 8, 1), float(n)))
        rows.append(("WH-PICK", date(2025, 9, 1), float(100 + n)))
    rates = pd.DataFrame(rows, columns=[c.ACTIVITY_TYPE, c.EFFECTIVE_FROM, c.UNIT_COST])
    activities = activity_frame(
        [(1, "WH-PICK", date(2025, 8, 15), 1.0), (1, "WH-PICK", date(2025, 9, 15), 1.0)]
    )

    result = cost_by_activity_type(activities, rates, WINDOWS)

    assert result.to_dict() == {"WH-PICK": 40.0 + 140.0}


def test_numeric_activity_type_ids_without_any_rate_are_costed_at_zero():
    activities = activity_frame([(1, 7, date(2026, 1, 5), 2.0)])
    no_rates = pd.DataFrame(columns=[c.ACTIVITY_TYPE, c.EFFECTIVE_FROM, c.UNIT_COST])

    result = cost_to_serve(activities, no_rates, ACTIVITY_TYPES.iloc[0:0], WINDOWS)

    assert result.by_account[c.COST_TO_SERVE_TTM].tolist() == [0.0]
    assert result.warnings == ["1 activity of type 7 with no rate at all: costed at 0"]


def test_cost_per_account_and_type_and_per_type():
    result = cost_to_serve(ACTIVITIES, RATES, ACTIVITY_TYPES, WINDOWS)

    per_pair = result.by_account_and_type
    assert list(per_pair.columns) == [c.ACCOUNT, c.ACTIVITY_TYPE, c.COST]
    assert per_pair.round(2).values.tolist() == [
        [1, "EXEC-VISIT", 3_000.0],
        [1, "WH-PICK", 135.0],
        [2, "NO-RATE", 0.0],
        [2, "WH-PICK", 20.0],
    ]
    assert result.by_activity_type.name == c.COST
    assert result.unrated.index.tolist() == [0, 1]


def test_unrated_types_with_as_many_activities_are_warned_in_name_order():
    activities = activity_frame(
        [(1, "ZETA", date(2026, 1, 5), 1.0), (1, "ALPHA", date(2026, 1, 5), 1.0)]
    )

    result = cost_to_serve(activities, RATES, ACTIVITY_TYPES, WINDOWS)

    assert result.warnings == [
        "1 activity of type ALPHA with no rate at all: costed at 0",
        "1 activity of type ZETA with no rate at all: costed at 0",
    ]


def test_pareto_ties_go_by_activity_type_and_a_zero_total_shares_nothing():
    ties = cost_pareto(pd.Series({"B": 10.0, "C": 10.0, "A": 10.0}))
    nothing = cost_pareto(pd.Series({"B": 0.0, "A": 0.0}))

    assert ties[c.ACTIVITY_TYPE].tolist() == ["A", "B", "C"]
    assert ties.index.tolist() == [0, 1, 2]
    assert nothing[c.ACTIVITY_TYPE].tolist() == ["A", "B"]
    assert nothing[c.SHARE].tolist() == [0.0, 0.0]
    assert nothing[c.CUMULATIVE_SHARE].tolist() == [0.0, 0.0]
    assert nothing[c.VITAL_FEW].tolist() == [False, False]


def test_one_cent_is_a_whole_pareto():
    result = cost_pareto(pd.Series({"A": 0.01}))

    assert result[c.SHARE].tolist() == [1.0]
    assert result[c.VITAL_FEW].tolist() == [True]
