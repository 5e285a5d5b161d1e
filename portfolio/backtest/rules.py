"""Who reads the churn backtest and calibration, who adopts a calibration (predicates)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from accounts.rules import can_review, is_ops
from kam.types import AnyUser

BACKTEST_REFUSED = gettext_noop(
    "The churn backtest spans every account of the portfolio: executives and operations staff "
    "read it."
)
ADOPT_REFUSED = gettext_noop(
    "Only operations staff adopt a calibration (it changes the analysis parameters)."
)


def can_read_backtest(user: AnyUser) -> bool:
    """Executives and ops: the backtest counts every account, so an account manager, who sees
    only their own, would learn of others' losses from it."""
    return can_review(user) or is_ops(user)


def can_adopt_calibration(user: AnyUser) -> bool:
    """Ops change the analysis parameters, so ops adopt a proposal (a parameter change)."""
    return is_ops(user)
