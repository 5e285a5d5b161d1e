"""The signal table's thresholds and at_risk_score as parameters, and the relationship signals
only for the accounts meant to be mapped (DOMAIN.md "Churn signals"). T = 15 Jun 2026."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from portfolio.churn.signals import churn_signals
from portfolio.pipeline import AnalysisInputs, analyse_portfolio
from valuation.analysis import columns as c
from valuation.analysis.parameters import AnalysisParameters

AS_OF = date(2026, 6, 15)


def _frame(columns: tuple[str, ...] | list[str], rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _fired(accounts: list[int], **given: object) -> dict[int, list[str]]:
    frames: dict[str, object] = {
        "complaints": _frame([c.ACCOUNT, c.CATEGORY, c.OPENED_ON], []),
        "assessments": _frame([c.ACCOUNT, c.DATE, c.SCORE], []),
        "contacts": _frame(c.CONTACT_COLUMNS, []),
        "events": _frame([c.ACCOUNT, c.EVENT_TYPE, c.DATE], []),
        "revenue_y2": pd.Series([], dtype="float64"),
        "revenue_ttm": pd.Series([], dtype="float64"),
    }
    fired = churn_signals(accounts=pd.Index(accounts), as_of=AS_OF, **{**frames, **given})  # type: ignore[arg-type]
    codes: dict[int, list[str]] = {account: [] for account in accounts}
    for account, code in zip(fired[c.ACCOUNT], fired[c.SIGNAL_CODE], strict=True):
        codes[int(account)].append(str(code))
    return codes


def test_relationship_signals_apply_only_to_the_mapped_accounts() -> None:
    # 1 (strategic) and 2 (transactional): neither has a coach; both have an economic buyer
    # never contacted
    contacts = _frame(
        c.CONTACT_COLUMNS,
        [
            (1, 11, "Ann", c.ECONOMIC_BUYER, True, 30, None),
            (2, 21, "Bob", c.ECONOMIC_BUYER, True, 30, None),
        ],
    )
    codes = _fired([1, 2], contacts=contacts, mapped=pd.Index([1]))
    assert codes == {1: ["key_influencer_neglected", "coverage_gap"], 2: []}
    # without `mapped`, every account is judged (the pure function's default)
    assert _fired([1, 2], contacts=contacts)[2] == ["key_influencer_neglected", "coverage_gap"]


def test_the_complaint_count_and_window_are_parameters() -> None:
    complaints = _frame(
        [c.ACCOUNT, c.CATEGORY, c.OPENED_ON],
        [
            (1, "delivery", date(2026, 6, 1)),
            (1, "delivery", date(2026, 6, 2)),
            (1, "delivery", date(2026, 1, 10)),
        ],
    )
    # the third complaint is 156 days before T: 90 days see 2, 160 days see 3
    assert _fired([1], complaints=complaints, mapped=pd.Index([]))[1] == []
    wide = {"recurring_days": 160}
    assert _fired([1], complaints=complaints, mapped=pd.Index([]), thresholds=wide)[1] == [
        "recurring_problems"
    ]
    # 4 needed instead of 3: no longer fires
    four = {"recurring_days": 160, "recurring_complaints": 4}
    assert _fired([1], complaints=complaints, mapped=pd.Index([]), thresholds=four)[1] == []


def test_satisfaction_revenue_and_event_thresholds_are_parameters() -> None:
    assessments = _frame(
        [c.ACCOUNT, c.DATE, c.SCORE], [(1, date(2026, 1, 1), 8.0), (1, date(2026, 5, 1), 7.5)]
    )
    revenue_y2 = pd.Series([100.0], index=pd.Index([1]))
    revenue_ttm = pd.Series([80.0], index=pd.Index([1]))  # 80 % of the year before
    events = _frame(
        [c.ACCOUNT, c.EVENT_TYPE, c.DATE], [(1, "rfp_issued", date(2025, 11, 1))]
    )  # T − 226
    common = {
        "assessments": assessments,
        "revenue_y2": revenue_y2,
        "revenue_ttm": revenue_ttm,
        "events": events,
        "mapped": pd.Index([]),
    }
    assert _fired([1], **common)[1] == ["revenue_decline"]  # 80 % < 90 %; drop 0.5 < 1; RFP too old
    loose = {
        "satisfaction_drop": 0.5,
        "revenue_decline_ratio": 0.75,
        "competitor_days": 240,
    }
    assert _fired([1], **common, thresholds=loose)[1] == [
        "satisfaction_decline",
        "competitor_activity",
    ]
    assert _fired([1], **common, thresholds={"low_satisfaction_score": 7.5})[1] == [
        "satisfaction_decline",
        "revenue_decline",
    ]


def test_exactly_the_ratio_does_not_fire_and_huge_revenue_does_not_overflow() -> None:
    accounts = pd.Index([1, 2])
    y2 = pd.Series([100.0, 9e15], index=accounts)
    y3 = pd.Series([90.0, 8.9e15], index=accounts)  # exactly 90 %; 98.9 %
    # exactly 90 % is not below 90 %; compared in integers, 9e15 × 10 000 does not overflow
    assert _fired([1, 2], revenue_y2=y2, revenue_ttm=y3, mapped=pd.Index([])) == {1: [], 2: []}
    assert _fired(
        [2],
        revenue_y2=y2,
        revenue_ttm=y3,
        mapped=pd.Index([]),
        thresholds={"revenue_decline_ratio": 0.99},
    )[2] == ["revenue_decline"]


ACCOUNTS = pd.DataFrame(
    [(1, "strategic"), (2, "transactional"), (3, "candidate"), (4, "pilot"), (5, "exit")],
    columns=list(c.ACCOUNTS_COLUMNS),
)


def test_at_risk_is_the_score_reaching_at_risk_score() -> None:
    # no contacts: coverage_gap (10) for strategic, candidate and pilot only
    result = analyse_portfolio(AnalysisInputs(accounts=ACCOUNTS), AnalysisParameters(), AS_OF)
    assert result.accounts[c.CHURN_SCORE].tolist() == [10.0, 0.0, 10.0, 10.0, 0.0]
    assert result.accounts[c.AT_RISK].tolist() == [False] * 5  # 10 < 25
    at_ten = analyse_portfolio(
        AnalysisInputs(accounts=ACCOUNTS), AnalysisParameters(at_risk_score=10.0), AS_OF
    )
    assert at_ten.accounts[c.AT_RISK].tolist() == [True, False, True, True, False]  # 10 ≥ 10
    at_eleven = analyse_portfolio(
        AnalysisInputs(accounts=ACCOUNTS), AnalysisParameters(at_risk_score=10.5), AS_OF
    )
    assert not at_eleven.accounts[c.AT_RISK].any()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("at_risk_score", 101.0),
        ("at_risk_score", -1.0),
        ("recurring_complaints", 0),
        ("recurring_complaints", 2.5),
        ("recurring_days", 0),
        ("litigation_days", 4000),
        ("low_satisfaction_score", 11.0),
        ("satisfaction_drop", -0.5),
        ("neglect_factor", 0.0),
        ("revenue_decline_ratio", 1.5),
        ("revenue_decline_ratio", 0.0),
    ],
)
def test_a_threshold_out_of_range_is_refused_in_words(name: str, value: float) -> None:
    errors = AnalysisParameters(**{name: value}).validate()  # type: ignore[arg-type]
    assert list(errors) == [name]
    assert errors[name]
