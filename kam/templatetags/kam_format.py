"""`{% load kam_format %}`: `|money`, `|money_hover` (exact cents on hover), `|money_short`,
`|percent` and `|number` (kam/formatting.py), in the currency of the settings' `KAM_CURRENCY`."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html

from kam import formatting

register = template.Library()


def _currency() -> str:
    return str(settings.KAM_CURRENCY)


@register.filter
def money(value: Any) -> str:
    return formatting.money(value, _currency())


@register.filter
def money_short(value: Any) -> str:
    return formatting.money_short(value, _currency())


@register.filter
def percent(value: Any, places: int = 0) -> str:
    return formatting.percent(value, int(places))


@register.filter
def figure(value: Any, kind: str) -> str:
    """A figure as its kind reads: `money`, `percent` (one place) or a number."""
    if kind == "money":
        return formatting.money(value, _currency())
    if kind == "percent":
        return formatting.percent(value, 1)
    return formatting.number(value)


@register.filter
def money_hover(value: Any) -> str:
    """`|money`, with the exact amount to the cent on hover when the shown one is rounded."""
    shown = formatting.money(value, _currency())
    exact = formatting.money_hidden_cents(value, _currency())
    return format_html('<span title="{}">{}</span>', exact, shown) if exact else shown


@register.filter
def number(value: Any) -> str:
    return formatting.number(value)
