"""Calibration recovers a planted rule from past runs (pure, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from portfolio.churn.calibration import (
    MIN_LOST_ACCOUNTS,
    RunSample,
    Setting,
    SignalOptions,
    auc_of,
    calibrate,
    evaluate,
)

COUNTS = (2, 3, 4, 5)
OPTIONS = [
    SignalOptions("recurring_problems", "recurring_complaints", tuple(float(n) for n in COUNTS)),
    SignalOptions("satisfaction_decline"),
    SignalOptions("coverage_gap"),
]
TODAY = Setting(
    weights={"recurring_problems": 20.0, "satisfaction_decline": 15.0, "coverage_gap": 10.0},
    thresholds={"recurring_complaints": 3.0},
    at_risk_score=25.0,
)


def _run(run: int, complaints: list[int], seed: int) -> RunSample:
    """Accounts with the given complaint counts; the planted rule: lost when 4 or more. A
    coverage gap at random; a satisfaction decline for some kept accounts only (noise the
    score should learn to ignore)."""
    rng = np.random.default_rng(seed)
    count = np.array(complaints)
    lost = count >= 4
    gap = rng.random(len(count)) < 0.5
    decline = (~lost) & (rng.random(len(count)) < 0.4)
    return RunSample(
        run=run,
        accounts=np.arange(run * 1000, run * 1000 + len(count)),
        lost=lost,
        fires={
            "recurring_problems": np.column_stack([count >= n for n in COUNTS]),
            "satisfaction_decline": decline[:, None],
            "coverage_gap": gap[:, None],
        },
    )


def _samples() -> list[RunSample]:
    # two runs of 30 accounts: complaint counts 0-5, 3 and 4 frequent (the two rules differ there)
    pattern = [0, 1, 2, 3, 3, 3, 4, 4, 5, 0] * 3
    return [_run(1, pattern, seed=1), _run(2, pattern[::-1], seed=2)]


def test_the_planted_rule_four_complaints_not_three_is_recovered() -> None:
    result = calibrate(_samples(), OPTIONS, TODAY)

    assert result.enough
    assert result.proposed is not None
    assert result.proposed.thresholds["recurring_complaints"] == 4.0
    # the noise that fires for kept accounts only can no longer outscore the planted signal
    weights = result.proposed.weights
    assert weights["recurring_problems"] > weights["satisfaction_decline"] + weights["coverage_gap"]
    assert result.proposed_evaluation is not None
    assert result.proposed_evaluation.mean_auc == pytest.approx(1.0)
    assert result.current_evaluation.mean_auc is not None
    assert result.current_evaluation.mean_auc < 0.9  # today: 3 complaints fire for kept accounts
    # at risk from the score that separates best: every lost account and no kept one
    flagged = result.proposed_evaluation
    assert (flagged.at_risk, flagged.at_risk_lost) == (18, 18)
    assert flagged.lift == pytest.approx(60 / 18)  # rate 1 over a base rate of 18 / 60
    names = [name for name, _now, _proposed in result.changes]
    assert "recurring_complaints" in names
    assert ("recurring_complaints", 3.0, 4.0) in result.changes


def test_today_is_evaluated_on_the_same_runs() -> None:
    today = evaluate(_samples(), OPTIONS, TODAY)
    assert [row.run for row in today.runs] == [1, 2]
    assert [row.lost for row in today.runs] == [9, 9]
    # today's at risk (≥ 25): 3+ complaints with a gap (30) or a decline (35), or both signals
    assert today.at_risk > today.at_risk_lost


def test_too_few_lost_accounts_propose_nothing() -> None:
    few = [_run(1, [4] * (MIN_LOST_ACCOUNTS - 1) + [0] * 20, seed=3)]

    result = calibrate(few, OPTIONS, TODAY)

    assert not result.enough
    assert result.proposed is None
    assert (result.lost_accounts, result.needed) == (MIN_LOST_ACCOUNTS - 1, MIN_LOST_ACCOUNTS)
    assert result.current_evaluation.runs[0].lost == MIN_LOST_ACCOUNTS - 1


def test_auc_from_ranks_counts_ties_one_half() -> None:
    assert auc_of(np.array([10, 10, 10]), np.array([True, False, False])) == 0.5
    assert auc_of(np.array([30, 20, 25, 35, 0, 0]), np.array([1, 1, 1, 0, 0, 0])) == pytest.approx(
        2 / 3
    )
    assert auc_of(np.array([1, 2]), np.array([False, False])) is None
