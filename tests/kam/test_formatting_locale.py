"""Amounts and ratios in the active language (kam/templatetags/kam_format.py): English and
Chinese group thousands with commas; Chinese short amounts count in 万 and 亿."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kam.formatting import MYRIADS, money, money_short, number, percent

FIGURES = (
    "{% load kam_format %}{{ a|money }}|{{ a|money_short }}|{{ b|money_short }}"
    "|{{ r|percent:1 }}|{{ n|figure:'number' }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "€1,234,568|€1.2M|€345k|5.1 %|12,345.5"),
        ("zh-hans", "€1,234,568|€123万|€34.5万|5.1 %|12,345.5"),
    ],
)
def test_figures_in_each_language(language: str, expected: str) -> None:
    context = Context({"a": Decimal("1234567.89"), "b": 345_000, "r": "0.0512", "n": 12345.5})
    with translation.override(language):
        assert Template(FIGURES).render(context) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9_999, "€9,999"),  # below 10,000 the full amount
        (12_300, "€1.2万"),
        (345_000, "€34.5万"),
        (3_450_000, "€345万"),
        (99_999_999, "€1亿"),  # rounds up into the next unit, not €10000万
        (1_200_000_000, "€12亿"),
        (-25_000, "−€2.5万"),
    ],
)
def test_chinese_short_amounts(value: int, expected: str) -> None:
    assert money_short(value, "EUR", units=MYRIADS) == expected


def test_other_marks() -> None:
    # a language writing 1.234,5 (none of ours yet) gets its marks everywhere
    marks = {"decimal_separator": ",", "thousand_separator": "."}
    assert money(Decimal("1234567.5"), "EUR", **marks) == "€1.234.568"
    assert money(Decimal("12.5"), "EUR", **marks) == "€12,50"
    assert money_short(1_250_000, "EUR", **marks) == "€1,2M"
    assert number(1234.5, **marks) == "1.234,5"
    assert percent("0.0512", 1, decimal_separator=",") == "5,1 %"


def test_dates_in_each_language() -> None:
    template = Template('{{ day|date:"DATE_FORMAT" }}')
    from datetime import date

    context = Context({"day": date(2026, 12, 7)})
    with translation.override("en-gb"):
        assert template.render(context) == "2026-12-07"
    with translation.override("zh-hans"):
        assert template.render(context) == "2026年12月7日"
