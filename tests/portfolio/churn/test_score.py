import json

import pandas as pd

from portfolio.churn.score import churn_score
from valuation.analysis import columns as c


def fired_frame(rows):
    return pd.DataFrame(rows, columns=list(c.FIRED_SIGNAL_COLUMNS))


def test_score_sums_weights_and_takes_the_highest_stage():
    fired = fired_frame(
        [
            (1, "recurring_problems", 1, 20.0, "3 delivery complaints since 2 May 2026"),
            (1, "competitor_activity", 2, 15.0, "RFP issued on 1 May 2026"),
        ]
    )

    result = churn_score(fired, pd.Index([1, 2]))

    assert result.loc[1, c.CHURN_SCORE] == 35.0  # 20 + 15
    assert result.loc[1, c.CHURN_STAGE] == 2
    assert result.loc[1, c.SIGNALS] == [
        {
            "code": "recurring_problems",
            "stage": 1,
            "weight": 20.0,
            "detail": "3 delivery complaints since 2 May 2026",
        },
        {
            "code": "competitor_activity",
            "stage": 2,
            "weight": 15.0,
            "detail": "RFP issued on 1 May 2026",
        },
    ]
    # no signal: score 0, stage 0, no details
    assert result.loc[2, c.CHURN_SCORE] == 0.0
    assert result.loc[2, c.CHURN_STAGE] == 0
    assert result.loc[2, c.SIGNALS] == []


def test_score_is_capped_at_100():
    fired = fired_frame(
        [
            (1, "coverage_gap", 1, 10.0, "No active coach mapped"),
            (1, "revenue_decline", 2, 15.0, "Revenue fell 25 %"),
            (1, "competitor_activity", 2, 15.0, "RFP issued"),
            (1, "ultimatum", 3, 25.0, "Ultimatum"),
            (1, "litigation", 4, 40.0, "Litigation"),
        ]
    )

    result = churn_score(fired, pd.Index([1]))

    assert result.loc[1, c.CHURN_SCORE] == 100.0  # 10 + 15 + 15 + 25 + 40 = 105 → 100
    assert result.loc[1, c.CHURN_STAGE] == 4


def test_score_without_any_fired_signal():
    result = churn_score(fired_frame([]), pd.Index(["a"]))

    assert result.loc["a"].tolist() == [0.0, 0, []]


def test_scores_are_indexed_by_account_with_whole_stages_and_json_ready_signals():
    fired = fired_frame([(3, "litigation", 4, 40.0, "Litigation on 1 May 2026")])

    result = churn_score(fired, pd.Index([3, 1]))

    assert result.index.name == c.ACCOUNT
    assert result.index.tolist() == [3, 1]
    assert result[c.CHURN_STAGE].dtype == "int64"
    assert result[c.CHURN_SCORE].dtype == "float64"
    # the signals are stored as JSON: plain Python numbers, not numpy ones
    assert json.loads(json.dumps(result.loc[3, c.SIGNALS])) == result.loc[3, c.SIGNALS]
