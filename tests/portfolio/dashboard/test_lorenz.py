"""The Lorenz curve of revenue concentration (pure: no database)."""

from __future__ import annotations

import pytest

from portfolio.dashboard.lorenz import LORENZ_POINTS, Concentration, LorenzPoint, lorenz_curve


def _points(concentration: Concentration) -> list[tuple[float, float]]:
    return [(point.account_share, point.revenue_share) for point in concentration.points]


def test_no_accounts_no_curve() -> None:
    assert lorenz_curve(revenues_ascending=[]) == Concentration(
        points=[], top_accounts=0, top_share=None
    )


def test_no_revenue_counts_the_top_accounts_without_a_curve_or_share() -> None:
    # 5 accounts: the top 20 % is one account; revenue totals 0, so no share is defined
    assert lorenz_curve(revenues_ascending=[-10.0, 0.0, 0.0, 0.0, 10.0]) == Concentration(
        points=[], top_accounts=1, top_share=None
    )


def test_few_accounts_give_one_point_per_account_from_the_origin() -> None:
    # 4 accounts of 10, 20, 30, 40 (total 100); the top 20 % rounds up to one account
    concentration = lorenz_curve(revenues_ascending=[10.0, 20.0, 30.0, 40.0])
    assert _points(concentration) == [
        (0.0, 0.0),
        (0.25, 0.1),
        (0.5, 0.3),
        (0.75, 0.6),
        (1.0, 1.0),
    ]
    assert concentration.top_accounts == 1
    assert concentration.top_share == pytest.approx(0.4)


def test_equal_revenues_lie_on_the_line_of_equality() -> None:
    concentration = lorenz_curve(revenues_ascending=[5.0] * 10)
    assert all(
        point.revenue_share == pytest.approx(point.account_share) for point in concentration.points
    )
    assert concentration.top_accounts == 2
    assert concentration.top_share == pytest.approx(0.2)


def test_many_accounts_are_sampled_at_lorenz_points_positions() -> None:
    # 1,000 accounts of revenue 1..1000: one point every 10 accounts, plus the origin
    concentration = lorenz_curve(revenues_ascending=[float(n) for n in range(1, 1001)])
    assert len(concentration.points) == LORENZ_POINTS + 1
    assert concentration.points[0] == LorenzPoint(0.0, 0.0)
    assert concentration.points[1].account_share == pytest.approx(0.01)
    assert concentration.points[1].revenue_share == pytest.approx(55 / 500_500)
    assert concentration.points[-1] == LorenzPoint(1.0, 1.0)
    # the top 200 accounts (801..1000) hold (sum 801..1000) / (sum 1..1000)
    assert concentration.top_accounts == 200
    assert concentration.top_share == pytest.approx(180_100 / 500_500)


def test_a_single_account_is_the_top_and_holds_everything() -> None:
    concentration = lorenz_curve(revenues_ascending=[42.0])
    assert _points(concentration) == [(0.0, 0.0), (1.0, 1.0)]
    assert concentration.top_accounts == 1
    assert concentration.top_share == 1.0
