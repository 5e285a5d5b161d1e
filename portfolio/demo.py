"""Demo data of this app, added to the portfolio built by accounts.demo (see seed_demo)."""

from __future__ import annotations

import random

from accounts.demo import DemoPortfolio


def demo_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Nothing of this app's own is seeded yet."""
