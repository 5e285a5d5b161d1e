"""How amounts and ratios read on the pages (kam/formatting.py), hand-checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kam.formatting import money, money_hidden_cents, money_short, percent


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (Decimal("1234567.89"), "EUR", "€1,234,568"),
        (Decimal("999.994"), "EUR", "€999.99"),
        (Decimal("999.995"), "EUR", "€1,000"),  # rounds to a thousand: whole units
        (Decimal("12.5"), "EUR", "€12.50"),
        (Decimal("40.00"), "EUR", "€40"),
        (0, "EUR", "€0"),
        (-3200, "EUR", "−€3,200"),
        (1200, "SEK", "SEK 1,200"),
        (1200, "USD", "$1,200"),
        (None, "EUR", ""),
        ("", "EUR", ""),
        ("not a number", "EUR", ""),
        (float("nan"), "EUR", ""),
        (True, "EUR", ""),
    ],
)
def test_money(value: object, currency: str, expected: str) -> None:
    assert money(value, currency) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9_999, "€9,999"),
        (10_000, "€10k"),
        (12_345, "€12.3k"),
        (345_000, "€345k"),
        (999_999, "€1M"),
        (1_234_567, "€1.2M"),
        (45_600_000, "€45.6M"),
        (999_999_999, "€1bn"),
        (2_500_000_000, "€2.5bn"),
        (-12_345, "−€12.3k"),
        (None, ""),
    ],
)
def test_money_short(value: object, expected: str) -> None:
    assert money_short(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.63"), 0, "63 %"),
        ("0.0512", 1, "5.1 %"),
        (-0.1, 0, "−10 %"),
        (1, 0, "100 %"),
        (None, 0, ""),
    ],
)
def test_percent(value: object, places: int, expected: str) -> None:
    assert percent(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "1,234.5"),
        (60, "60"),
        ("52.50", "52.5"),
        (-1234567.891, "−1,234,567.89"),
        (None, ""),
    ],
)
def test_number(value: object, expected: str) -> None:
    from kam.formatting import number

    assert number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.891"), "€1,234,567.89"),
        (Decimal("-2500.5"), "−€2,500.50"),
        (Decimal("20000.00"), ""),  # nothing hidden: no hover
        (Decimal("12.5"), ""),  # below a thousand the cents are shown
        (None, ""),
    ],
)
def test_money_hidden_cents(value: object, expected: str) -> None:
    assert money_hidden_cents(value, "EUR") == expected


def test_money_hover_filter_puts_the_cents_in_a_title() -> None:
    from django.template import Context, Template

    template = Template("{% load kam_format %}{{ a|money_hover }}|{{ b|money_hover }}")
    html = template.render(Context({"a": Decimal("1234567.891"), "b": Decimal("40")}))
    assert html == '<span title="€1,234,567.89">€1,234,568</span>|€40'
