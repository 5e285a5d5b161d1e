"""Churn signals at T = 15 Jun 2026.

Date arithmetic used below (T − N days):
  T − 90  = 17 Mar 2026 (14 + 30 + 31 + 15 = 90 days from 17 Mar to 15 Jun)
  T − 180 = 17 Dec 2025 (14 + 31 + 28 + 31 + 30 + 31 + 15 = 180)
  T − 365 = 15 Jun 2025
"""

from datetime import date

import pandas as pd

from portfolio.churn.signals import (
    churn_signals,
    competitor_activity,
    coverage_gap,
    key_influencer_neglected,
    litigation,
    recurring_problems,
    revenue_decline,
    satisfaction_decline,
    ultimatum,
)
from valuation.analysis import columns as c

AS_OF = date(2026, 6, 15)


def complaints_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.CATEGORY, c.OPENED_ON])


def assessments_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.DATE, c.SCORE])


def contacts_frame(rows):
    return pd.DataFrame(rows, columns=list(c.CONTACT_COLUMNS))


def events_frame(rows):
    return pd.DataFrame(rows, columns=[c.ACCOUNT, c.EVENT_TYPE, c.DATE])


def test_recurring_problems():
    complaints = complaints_frame(
        [
            # account 1: 3 delivery complaints, the first exactly 90 days before T
            (1, "delivery", date(2026, 3, 17)),
            (1, "delivery", date(2026, 4, 1)),
            (1, "delivery", date(2026, 6, 15)),
            # account 2: the first is 91 days before T, so only 2 count
            (2, "delivery", date(2026, 3, 16)),
            (2, "delivery", date(2026, 4, 1)),
            (2, "delivery", date(2026, 5, 1)),
            # account 3: 3 complaints but of two categories
            (3, "delivery", date(2026, 4, 1)),
            (3, "delivery", date(2026, 4, 2)),
            (3, "billing", date(2026, 4, 3)),
            # account 4: the third is after T
            (4, "delivery", date(2026, 4, 1)),
            (4, "delivery", date(2026, 4, 2)),
            (4, "delivery", date(2026, 6, 16)),
            # account 5: two recurring categories
            (5, "delivery", date(2026, 5, 2)),
            (5, "delivery", date(2026, 5, 3)),
            (5, "delivery", date(2026, 5, 4)),
            (5, "billing", date(2026, 4, 1)),
            (5, "billing", date(2026, 4, 2)),
            (5, "billing", date(2026, 4, 3)),
            (5, "billing", date(2026, 4, 4)),
        ]
    )

    result = recurring_problems(complaints, AS_OF)

    assert result.to_dict() == {
        1: "3 delivery complaints since 17 Mar 2026",
        5: "4 billing complaints since 1 Apr 2026; 3 delivery complaints since 2 May 2026",
    }


def test_satisfaction_decline():
    assessments = assessments_frame(
        [
            (1, date(2026, 1, 10), 8.0),  # 8 → 7: a drop of 1.0 fires
            (1, date(2026, 4, 1), 7.0),
            (2, date(2026, 1, 10), 7.3),  # 7.3 → 6.3: 0.9999999999999991 in floats, fires
            (2, date(2026, 4, 1), 6.3),
            (3, date(2026, 1, 10), 8.0),  # 8 → 7.5: no
            (3, date(2026, 4, 1), 7.5),
            (4, date(2026, 4, 1), 5.0),  # a single score of 5: fires
            (5, date(2026, 4, 1), 5.5),  # a single 5.5: no
            (6, date(2026, 4, 1), 9.0),  # 9, then 3 after T: latest up to T is 9, no
            (6, date(2026, 6, 16), 3.0),
            (7, date(2026, 1, 10), 6.0),  # a rise: no
            (7, date(2026, 4, 1), 8.0),
            (8, date(2026, 4, 1), 4.5),  # listed out of order: latest is 4.5, fires
            (8, date(2025, 1, 1), 9.0),
        ]
    )

    result = satisfaction_decline(assessments, AS_OF)

    assert result.to_dict() == {
        1: "Satisfaction score 7/10 on 1 Apr 2026, down from 8 on 10 Jan 2026",
        2: "Satisfaction score 6.3/10 on 1 Apr 2026, down from 7.3 on 10 Jan 2026",
        4: "Satisfaction score 5/10 on 1 Apr 2026",
        8: "Satisfaction score 4.5/10 on 1 Apr 2026, down from 9 on 1 Jan 2025",
    }


def test_key_influencer_neglected():
    contacts = contacts_frame(
        [
            # account 1: economic buyer last seen 60 days ago = exactly 2 × 30: not older
            (1, 11, "Jane Doe", "economic_buyer", True, 30, date(2026, 4, 16)),
            # coach last seen 61 days ago > 2 × 30: neglected
            (1, 12, "Bob Roe", "coach", True, 30, date(2026, 4, 15)),
            # account 2: economic buyer never contacted
            (2, 21, "Ann Lee", "economic_buyer", True, 14, None),
            # account 3: inactive economic buyer: ignored
            (3, 31, "Old Boss", "economic_buyer", False, 14, None),
            # account 4: a user buyer is not a key influencer
            (4, 41, "Sam User", "user_buyer", True, 14, None),
            # account 5: one contact with both roles, last seen 14 Jan 2026 (152 days)
            (5, 51, "Jane Poe", "coach", True, 30, date(2026, 1, 14)),
            (5, 51, "Jane Poe", "economic_buyer", True, 30, date(2026, 1, 14)),
            # account 6: an interaction after T does not count: never contacted up to T
            (6, 61, "Ray Late", "coach", True, 30, date(2026, 6, 20)),
            # account 7: no desired frequency, but contacted: no
            (7, 71, "Kim Free", "coach", True, None, date(2020, 1, 1)),
            # account 8: no desired frequency and never contacted
            (8, 81, "Lou New", "coach", True, None, None),
        ]
    )

    result = key_influencer_neglected(contacts, AS_OF)

    assert result.to_dict() == {
        1: "Coach Bob Roe last contacted 15 Apr 2026 (expected every 30 days)",
        2: "Economic buyer Ann Lee never contacted (expected every 14 days)",
        5: "Economic buyer and coach Jane Poe last contacted 14 Jan 2026 (expected every 30 days)",
        6: "Coach Ray Late never contacted (expected every 30 days)",
        8: "Coach Lou New never contacted",
    }


def test_coverage_gap():
    contacts = contacts_frame(
        [
            (1, 11, "Jane Doe", "economic_buyer", True, 30, None),
            (1, 12, "Bob Roe", "coach", True, 30, None),
            (2, 21, "Ann Lee", "economic_buyer", True, 30, None),
            (3, 31, "Old Boss", "economic_buyer", False, 30, None),
            (4, 41, "Cat Coach", "coach", True, 30, None),
        ]
    )

    result = coverage_gap(contacts, pd.Index([1, 2, 3, 4, 9]))

    assert result.to_dict() == {
        2: "No active coach mapped",
        3: "No active economic buyer or coach mapped",
        4: "No active economic buyer mapped",
        9: "No active economic buyer or coach mapped",  # no contacts at all
    }


def test_revenue_decline():
    index = pd.Index([1, 2, 3, 4, 5])
    revenue_y2 = pd.Series([1_600_000.0, 100.0, 100.0, 0.0, 500.0], index=index)
    revenue_ttm = pd.Series([1_200_000.0, 90.0, 89.99, 0.0, 0.0], index=index)

    result = revenue_decline(revenue_y2, revenue_ttm)

    assert result.to_dict() == {
        # 1.2 M < 0.9 × 1.6 M = 1.44 M; fell 1 − 1.2/1.6 = 25 %
        1: "Revenue fell 25 % (TTM 1.2 M vs 1.6 M the year before)",
        # account 2: 90 is exactly 0.9 × 100, not below; account 4: Y2 = 0
        3: "Revenue fell 10 % (TTM 90 vs 100 the year before)",  # 1 − 89.99/100 = 10.01 %
        5: "Revenue fell 100 % (TTM 0 vs 500 the year before)",
    }


def test_competitor_activity_180_days_counts_181_does_not():
    events = events_frame(
        [
            (1, "competitor_evaluation", date(2025, 12, 17)),  # T − 180: counts
            (2, "rfp_issued", date(2025, 12, 16)),  # T − 181: does not
            (3, "rfp_issued", date(2026, 6, 16)),  # after T: does not
            (4, "competitor_evaluation", date(2026, 1, 5)),
            (4, "competitor_evaluation", date(2026, 3, 1)),
            (4, "rfp_issued", date(2026, 5, 20)),
            (5, "litigation", date(2026, 5, 20)),  # another signal's event
        ]
    )

    result = competitor_activity(events, AS_OF)

    assert result.to_dict() == {
        1: "Competitor evaluation on 17 Dec 2025",
        4: "RFP issued on 20 May 2026; Competitor evaluation (2 events, latest 1 Mar 2026)",
    }


def test_ultimatum_events():
    events = events_frame(
        [
            (1, "performance_standards", date(2025, 12, 17)),  # T − 180
            (2, "ultimatum", date(2025, 12, 16)),  # T − 181
            (3, "broken_commitment", date(2026, 6, 15)),  # T
        ]
    )

    result = ultimatum(events, AS_OF)

    assert result.to_dict() == {
        1: "Performance standards imposed on 17 Dec 2025",
        3: "Broken commitment on 15 Jun 2026",
    }


def test_litigation_within_365_days():
    events = events_frame(
        [
            (1, "litigation", date(2025, 6, 15)),  # T − 365: counts
            (2, "litigation", date(2025, 6, 14)),  # T − 366: does not
        ]
    )

    assert litigation(events, AS_OF).to_dict() == {1: "Litigation on 15 Jun 2025"}


def test_empty_inputs_fire_nothing_but_coverage_gap():
    accounts = pd.Index([1, 2])

    fired = churn_signals(
        accounts=accounts,
        complaints=complaints_frame([]),
        assessments=assessments_frame([]),
        contacts=contacts_frame([]),
        events=events_frame([]),
        revenue_y2=pd.Series([], dtype="float64"),
        revenue_ttm=pd.Series([], dtype="float64"),
        as_of=AS_OF,
    )

    assert fired.to_dict("records") == [
        {
            c.ACCOUNT: 1,
            c.SIGNAL_CODE: "coverage_gap",
            c.STAGE: 1,
            c.SIGNAL_WEIGHT: 10.0,
            c.DETAIL: "No active economic buyer or coach mapped",
        },
        {
            c.ACCOUNT: 2,
            c.SIGNAL_CODE: "coverage_gap",
            c.STAGE: 1,
            c.SIGNAL_WEIGHT: 10.0,
            c.DETAIL: "No active economic buyer or coach mapped",
        },
    ]


def test_churn_signals_in_cycle_order_with_custom_weights():
    accounts = pd.Index([7])
    events = events_frame(
        [
            (7, "litigation", date(2026, 1, 1)),
            (7, "rfp_issued", date(2026, 2, 1)),
            (99, "litigation", date(2026, 1, 1)),  # not an analysed account
        ]
    )

    fired = churn_signals(
        accounts=accounts,
        complaints=complaints_frame([]),
        assessments=assessments_frame([]),
        contacts=contacts_frame([]),
        events=events,
        revenue_y2=pd.Series([100.0], index=accounts),
        revenue_ttm=pd.Series([50.0], index=accounts),
        as_of=AS_OF,
        weights={"litigation": 50.0},
    )

    assert fired[c.SIGNAL_CODE].tolist() == [
        "coverage_gap",
        "revenue_decline",
        "competitor_activity",
        "litigation",
    ]
    assert fired[c.STAGE].tolist() == [1, 2, 2, 4]
    assert fired[c.SIGNAL_WEIGHT].tolist() == [10.0, 15.0, 15.0, 50.0]
    assert set(fired[c.ACCOUNT]) == {7}


def no_events():
    return events_frame([])


def signals_of(accounts, **frames):
    values = {
        "complaints": complaints_frame([]),
        "assessments": assessments_frame([]),
        "contacts": contacts_frame([]),
        "events": no_events(),
        "revenue_y2": pd.Series([], dtype="float64"),
        "revenue_ttm": pd.Series([], dtype="float64"),
    }
    return churn_signals(accounts=pd.Index(accounts), as_of=AS_OF, **{**values, **frames})


def test_complaint_categories_with_as_many_complaints_are_listed_alphabetically():
    complaints = complaints_frame(
        [
            (1, category, date(2026, 5, day))
            for category in ("quality", "billing")
            for day in (1, 2, 3)
        ]
    )

    assert recurring_problems(complaints, AS_OF).to_dict() == {
        1: "3 billing complaints since 1 May 2026; 3 quality complaints since 1 May 2026"
    }


def test_satisfaction_edges_an_assessment_on_t_and_a_drop_of_one_at_six_decimals():
    assessments = assessments_frame(
        [
            (1, date(2026, 6, 15), 4.0),  # on T itself: counts
            (2, date(2026, 1, 10), 7.0),  # 7 → 6.0000004 is a drop of 1.000000 at 6 dp
            (2, date(2026, 4, 1), 6.0000004),
        ]
    )

    assert satisfaction_decline(assessments, AS_OF).to_dict() == {
        1: "Satisfaction score 4/10 on 15 Jun 2026",
        2: "Satisfaction score 6/10 on 1 Apr 2026, down from 7 on 10 Jan 2026",
    }


def test_key_influencer_edges_contact_on_t_a_zero_or_one_day_frequency_and_no_name():
    contacts = contacts_frame(
        [
            (1, 11, "Jane Doe", "economic_buyer", True, 30, date(2026, 6, 15)),  # seen on T
            (2, 21, "Ann Lee", "coach", True, 0, date(2026, 6, 1)),  # 0 days: no frequency
            (3, 31, "Bo Fast", "coach", True, 1, date(2026, 6, 12)),  # 3 days > 2 × 1
            (4, 41, None, "coach", True, 30, None),  # no name on record
        ]
    )

    assert key_influencer_neglected(contacts, AS_OF).to_dict() == {
        3: "Coach Bo Fast last contacted 12 Jun 2026 (expected every 1 days)",
        4: "Coach contact 41 never contacted (expected every 30 days)",
    }


def test_several_neglected_contacts_of_one_account_economic_buyers_first_then_by_name():
    contacts = contacts_frame(
        [
            (1, 13, "Zoe Coach", "coach", True, 30, None),
            (1, 12, "Al Coach", "coach", True, 30, None),
            (1, 11, "Yan Buyer", "economic_buyer", True, 30, None),
        ]
    )

    assert key_influencer_neglected(contacts, AS_OF).to_dict() == {
        1: "Economic buyer Yan Buyer never contacted (expected every 30 days); "
        "Coach Al Coach never contacted (expected every 30 days); "
        "Coach Zoe Coach never contacted (expected every 30 days)"
    }


def test_revenue_amounts_are_shortened_at_their_thresholds_and_tiny_or_negative_years():
    index = pd.Index([1, 2, 3, 4, 5, 6])
    revenue_y2 = pd.Series([2_000_000.0, 2_000_000.0, 2_000.0, 2_500.0, 0.0, 0.01], index=index)
    revenue_ttm = pd.Series([1_000_000.0, 1_050_000.0, 1_000.0, 1_500.0, -100.0, 0.0], index=index)

    assert revenue_decline(revenue_y2, revenue_ttm).to_dict() == {
        1: "Revenue fell 50 % (TTM 1.0 M vs 2.0 M the year before)",  # 1 000 000 is "1.0 M"
        2: "Revenue fell 48 % (TTM 1.1 M vs 2.0 M the year before)",
        3: "Revenue fell 50 % (TTM 1 k vs 2 k the year before)",  # 1 000 is "1 k"
        4: "Revenue fell 40 % (TTM 2 k vs 2 k the year before)",  # 1 500 rounds to 2 k
        # account 5: no revenue the year before (Y2 = 0) is no decline, even below zero
        6: "Revenue fell 100 % (TTM 0 vs 0 the year before)",  # Y2 of one cent is > 0
    }


def test_events_of_one_day_are_listed_by_type():
    events = events_frame(
        [(1, "rfp_issued", date(2026, 5, 20)), (1, "competitor_evaluation", date(2026, 5, 20))]
    )

    assert competitor_activity(events, AS_OF).to_dict() == {
        1: "Competitor evaluation on 20 May 2026; RFP issued on 20 May 2026"
    }


def test_coverage_gap_words_for_each_missing_role():
    contacts = contacts_frame(
        [
            (1, 11, "Jane Doe", "economic_buyer", True, 30, None),
            (2, 21, "Bob Roe", "coach", True, 30, None),
            (4, 41, "Kim Both", "economic_buyer", True, 30, None),
            (4, 41, "Kim Both", "coach", True, 30, None),
        ]
    )

    result = coverage_gap(contacts, pd.Index([1, 2, 3, 4]))

    assert result.to_dict() == {
        1: "No active coach mapped",
        2: "No active economic buyer mapped",
        3: "No active economic buyer or coach mapped",
    }


def test_every_signal_is_evaluated_at_t_with_the_weights_given():
    fired = signals_of(
        [1, 2],
        assessments=assessments_frame([(1, date(2026, 6, 1), 4.0)]),
        contacts=contacts_frame(
            [
                (1, 11, "Jane Doe", "economic_buyer", True, 30, date(2026, 6, 1)),
                (1, 12, "Bob Roe", "coach", True, 30, date(2026, 6, 1)),
            ]
        ),
        revenue_y2=pd.Series([100.0, 100.0], index=[1, 2]),
        revenue_ttm=pd.Series([100.0], index=[1]),  # account 2 has none: it counts as 0
        weights={"satisfaction_decline": 7.5, "revenue_decline": 33.0},
    )

    assert fired.to_dict("records") == [
        {
            c.ACCOUNT: 1,
            c.SIGNAL_CODE: "satisfaction_decline",
            c.STAGE: 1,
            c.SIGNAL_WEIGHT: 7.5,
            c.DETAIL: "Satisfaction score 4/10 on 1 Jun 2026",
        },
        {
            c.ACCOUNT: 2,
            c.SIGNAL_CODE: "coverage_gap",
            c.STAGE: 1,
            c.SIGNAL_WEIGHT: 10.0,
            c.DETAIL: "No active economic buyer or coach mapped",
        },
        {
            c.ACCOUNT: 2,
            c.SIGNAL_CODE: "revenue_decline",
            c.STAGE: 2,
            c.SIGNAL_WEIGHT: 33.0,
            c.DETAIL: "Revenue fell 100 % (TTM 0 vs 100 the year before)",
        },
    ]
    assert fired.index.tolist() == [0, 1, 2]
    assert fired[c.STAGE].dtype == "int64"


def test_nothing_fired_still_has_the_columns_and_their_types():
    fired = signals_of(pd.Index([], dtype="int64"))

    assert fired.empty
    assert fired.dtypes.astype(str).to_dict() == {
        c.ACCOUNT: "int64",
        c.SIGNAL_CODE: "object",
        c.STAGE: "int64",
        c.SIGNAL_WEIGHT: "float64",
        c.DETAIL: "object",
    }
