"""Filters of the churn backtest page: a share as a percent and a ratio with two decimals,
"—" where the figure has no answer (an empty group, nothing lost)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.filter
def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
