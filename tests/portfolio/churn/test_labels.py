"""Every signal has one name in words, used by the dashboard, the 360 page and the alerts."""

from __future__ import annotations

from portfolio.churn.signals import SIGNAL_DEFINITIONS, signal_label


def test_each_signal_has_its_own_label() -> None:
    labels = [signal_label(definition.code) for definition in SIGNAL_DEFINITIONS]

    assert labels == [
        "Recurring problems",
        "Satisfaction declining",
        "Key influencer neglected",
        "Coverage gap",
        "Revenue declining",
        "Competitor activity",
        "Ultimatum or broken promise",
        "Litigation",
    ]


def test_an_unknown_code_from_an_older_run_is_spelt_out() -> None:
    assert signal_label("price_war") == "Price war"
