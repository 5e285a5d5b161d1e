"""Revenue concentration: the Lorenz curve of the accounts' revenue and the top 20 % share.

Pure (stdlib only: no Django, no database); the dashboard's selectors read the sorted
revenues and call `lorenz_curve`."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal

LORENZ_POINTS = 100  # the Lorenz curve is sampled at this many positions
TOP_ACCOUNTS_SHARE = Decimal("0.2")  # "the top accounts" are this share of them


@dataclass(frozen=True)
class LorenzPoint:
    account_share: float
    revenue_share: float


@dataclass(frozen=True)
class Concentration:
    points: list[LorenzPoint]
    top_accounts: int  # how many accounts are the top 20 %
    top_share: float | None  # their share of revenue (None when revenue totals 0)


def lorenz_curve(*, revenues_ascending: list[float]) -> Concentration:
    """The Lorenz curve sampled at about LORENZ_POINTS positions (x the share of accounts,
    smallest revenue first; y the share of revenue, both 0-1, starting at (0, 0)) and the
    top 20 % of accounts (rounded up) with their share of revenue.

    `revenues_ascending`: each account's revenue (currency units), smallest first. No curve
    and no share when revenue totals 0 or less; nothing at all without accounts."""
    count = len(revenues_ascending)
    if count == 0:
        return Concentration(points=[], top_accounts=0, top_share=None)
    top_accounts = math.ceil(count * TOP_ACCOUNTS_SHARE)
    rest = count - top_accounts
    running = list(itertools.accumulate(revenues_ascending))
    total = running[-1]
    if total <= 0:
        return Concentration(points=[], top_accounts=top_accounts, top_share=None)
    positions = {math.ceil(count * step / LORENZ_POINTS) for step in range(1, LORENZ_POINTS + 1)}
    points = [LorenzPoint(0.0, 0.0)] + [
        LorenzPoint(position / count, running[position - 1] / total)
        for position in sorted(positions)
    ]
    below = running[rest - 1] if rest else 0.0
    return Concentration(
        points=points, top_accounts=top_accounts, top_share=(total - below) / total
    )
