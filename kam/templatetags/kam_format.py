"""`{% load kam_format %}`: `|money`, `|money_hover` (exact cents on hover), `|money_short`,
`|percent` and `|number` (kam/formatting.py), in the currency of the settings' `KAM_CURRENCY`
and with the active language's marks: its decimal and thousands separators (Django's formats,
kam/formats/ for Chinese) and the units of the short form (万 and 亿 in Chinese)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils import formats, translation
from django.utils.html import format_html

from kam import formatting

register = template.Library()


def _currency() -> str:
    return str(settings.KAM_CURRENCY)


def _separators() -> dict[str, str]:
    return {
        "decimal_separator": str(formats.get_format("DECIMAL_SEPARATOR")),
        "thousand_separator": str(formats.get_format("THOUSAND_SEPARATOR")),
    }


def _units() -> tuple[tuple[Decimal, str], ...]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return formatting.MYRIADS if language.startswith("zh") else formatting.THOUSANDS


@register.filter
def money(value: Any) -> str:
    return formatting.money(value, _currency(), **_separators())


@register.filter
def money_short(value: Any) -> str:
    return formatting.money_short(value, _currency(), units=_units(), **_separators())


@register.filter
def percent(value: Any, places: int = 0) -> str:
    return formatting.percent(
        value, int(places), decimal_separator=_separators()["decimal_separator"]
    )


@register.filter
def figure(value: Any, kind: str) -> str:
    """A figure as its kind reads: `money`, `percent` (one place) or a number."""
    if kind == "money":
        return money(value)
    if kind == "percent":
        return percent(value, 1)
    return number(value)


@register.filter
def money_hover(value: Any) -> str:
    """`|money`, with the exact amount to the cent on hover when the shown one is rounded."""
    shown = money(value)
    exact = formatting.money_hidden_cents(value, _currency(), **_separators())
    return format_html('<span title="{}">{}</span>', exact, shown) if exact else shown


@register.filter
def number(value: Any) -> str:
    return formatting.number(value, **_separators())
