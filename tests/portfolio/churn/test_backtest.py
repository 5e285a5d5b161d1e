"""The backtest's maths on cases computed by hand (DOMAIN.md "Backtest")."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.churn.backtest import (
    Backtest,
    ScoredAccount,
    auc,
    backtest,
    lost_within,
    roc_curve,
    scored_accounts,
)

T = date(2026, 1, 1)


def _five() -> list[ScoredAccount]:
    # account, score, stage, at_risk (at_risk_score 25)
    return scored_accounts(
        [(1, 50, 2, True), (2, 30, 1, True), (3, 10, 1, False), (4, 0, 0, False), (5, 0, 0, False)]
    )


def _stage(result: Backtest, stage: int) -> tuple[int, int, float | None, float | None]:
    row = result.by_stage[stage]
    assert row.stage == stage
    return row.accounts, row.lost, row.rate, row.lift


def test_every_figure_of_a_small_run() -> None:
    # lost: 1 (flagged, stage 2) and 4 (score 0: missed); 2, 3, 5 kept
    result = backtest(_five(), [(1, date(2026, 3, 1)), (4, date(2026, 6, 30))], as_of=T)

    assert (result.accounts, result.lost) == (5, 2)
    assert result.base_rate == pytest.approx(0.4)  # 2 / 5
    # lost 50 beats the three kept (30, 10, 0): 3; lost 0 beats none and ties 0: 0.5 → 3.5 / 6
    assert result.auc == pytest.approx(3.5 / 6)
    # at risk: 1 and 2, one lost → 0.5, lift 0.5 / 0.4 = 1.25
    assert (result.at_risk.accounts, result.at_risk.lost) == (2, 1)
    assert result.at_risk.rate == pytest.approx(0.5)
    assert result.at_risk.lift == pytest.approx(1.25)
    assert _stage(result, 0) == (2, 1, 0.5, pytest.approx(1.25))
    assert _stage(result, 1) == (2, 0, 0.0, 0.0)
    assert _stage(result, 2) == (1, 1, 1.0, pytest.approx(2.5))
    assert _stage(result, 3) == (0, 0, None, None)  # nobody at stage 3: no rate
    assert _stage(result, 4) == (0, 0, None, None)
    assert result.missed == [4]
    assert result.lost_accounts == frozenset({1, 4})


def test_ties_count_one_half() -> None:
    assert auc([10, 10], [10, 10, 10]) == 0.5
    assert auc([20, 10], [10]) == pytest.approx((1 + 0.5) / 2)
    assert auc([0], [5]) == 0.0
    assert auc([5], [0]) == 1.0


def test_no_lost_account() -> None:
    result = backtest(_five(), [], as_of=T)

    assert (result.lost, result.base_rate, result.auc) == (0, 0.0, None)
    assert (result.at_risk.rate, result.at_risk.lift) == (0.0, None)  # no base rate to lift
    assert result.roc == []
    assert result.missed == []


def test_every_account_lost() -> None:
    result = backtest(_five(), [(n, date(2026, 2, 1)) for n in range(1, 6)], as_of=T)

    assert (result.lost, result.base_rate, result.auc) == (5, 1.0, None)  # nobody kept
    assert (result.at_risk.rate, result.at_risk.lift) == (1.0, 1.0)
    assert result.missed == [3, 4, 5]  # highest score first, then account


def test_event_on_the_horizons_last_day_counts_and_the_day_after_does_not() -> None:
    events = [
        (1, date(2026, 1, 31)),  # T + 30: the last day of a 30-day horizon
        (2, date(2026, 2, 1)),  # T + 31
        (3, T),  # on T itself: before the horizon opens
        (4, date(2025, 12, 1)),  # before T
        (99, date(2026, 1, 10)),  # not an account of the run
    ]
    assert lost_within(events, as_of=T, horizon_days=30) == frozenset({1, 99})
    result = backtest(_five(), events, as_of=T, horizon_days=30)
    assert (result.lost, result.lost_accounts) == (1, frozenset({1}))
    assert backtest(_five(), events, as_of=T, horizon_days=31).lost_accounts == {1, 2}
    assert result.horizon_end == date(2026, 1, 31)


def test_roc_curve_steps_through_each_score_and_its_area_is_the_auc() -> None:
    scored = _five()
    lost = frozenset({1, 4})

    points = [(p.false_positive_rate, p.true_positive_rate) for p in roc_curve(scored, lost)]

    # thresholds ∞, 50, 30, 10, 0: kept 2, 3, 5 (3), lost 1, 4 (2)
    assert points == [
        (0.0, 0.0),
        (0.0, 0.5),
        (pytest.approx(1 / 3), 0.5),
        (pytest.approx(2 / 3), 0.5),
        (1.0, 1.0),
    ]
    area = sum(
        (x2 - x1) * (y1 + y2) / 2 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False)
    )
    assert area == pytest.approx(3.5 / 6)


@pytest.mark.parametrize("horizon", [0, -1, 3651])
def test_a_horizon_out_of_range_is_refused(horizon: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 3650"):
        backtest(_five(), [], as_of=T, horizon_days=horizon)
