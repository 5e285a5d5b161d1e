"""How KAM shows numbers to people: money with its currency, whole units from a thousand up,
ratios as percentages. Pure functions (the template filters in kam/templatetags/kam_format.py
call them), so the pages, the charts' hover texts and the e-mails say the same.

The language's marks are arguments: the decimal and thousands separators (the filters pass
the active language's, from Django's formats) and the units of the short form (thousands,
millions and billions in English; 万 and 亿, ten thousand and a hundred million, in Chinese)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CNY": "¥", "JPY": "¥", "CHF": "CHF "}
MINUS = "−"  # U+2212: a minus sign, not a hyphen

# The short form's units, smallest first: (size, suffix).
THOUSANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("1e3"), "k"),
    (Decimal("1e6"), "M"),
    (Decimal("1e9"), "bn"),
)
MYRIADS: tuple[tuple[Decimal, str], ...] = ((Decimal("1e4"), "万"), (Decimal("1e8"), "亿"))
# Below this, the short form is the full amount.
SHORT_FROM = Decimal(10_000)


def _marks(text: str, decimal_separator: str, thousand_separator: str) -> str:
    """`1,234.5` written with the language's marks."""
    if decimal_separator == "." and thousand_separator == ",":
        return text
    return text.replace(",", "\0").replace(".", decimal_separator).replace("\0", thousand_separator)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _amount(
    rounded: Decimal, currency: str, decimal_separator: str, thousand_separator: str
) -> str:
    """An amount already rounded as it is to be shown, with its sign and currency."""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    sign = MINUS if rounded < 0 else ""
    return f"{sign}{symbol}{_marks(f'{abs(rounded):,}', decimal_separator, thousand_separator)}"


def money(
    value: Any,
    currency: str = "EUR",
    *,
    decimal_separator: str = ".",
    thousand_separator: str = ",",
) -> str:
    """`1234567.89` → `€1,234,568`; below a thousand the cents stay (`€12.50`, but `€40`);
    negative with a minus sign (`−€3,200`); empty for no value. An unknown currency code is
    written before the number (`SEK 1,200`)."""
    number = _decimal(value)
    if number is None:
        return ""
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    if abs(rounded) >= 1000 or rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal("1"), rounding=ROUND_HALF_EVEN)
    return _amount(rounded, currency, decimal_separator, thousand_separator)


def money_exact(
    value: Any,
    currency: str = "EUR",
    *,
    decimal_separator: str = ".",
    thousand_separator: str = ",",
) -> str:
    """To the cent, for a hover or an export: `1234567.891` → `€1,234,567.89`; empty for no
    value."""
    number = _decimal(value)
    if number is None:
        return ""
    cents = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return _amount(cents, currency, decimal_separator, thousand_separator)


def money_hidden_cents(
    value: Any,
    currency: str = "EUR",
    *,
    decimal_separator: str = ".",
    thousand_separator: str = ",",
) -> str:
    """The exact amount when `money` rounds its cents away (`€1,234,567.89` for
    1234567.891), else empty: what a hover adds to a rounded figure."""
    number = _decimal(value)
    if number is None:
        return ""
    cents = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    if cents == cents.to_integral_value() or abs(cents) < 1000:
        return ""
    return money_exact(
        number, currency, decimal_separator=decimal_separator, thousand_separator=thousand_separator
    )


def money_short(
    value: Any,
    currency: str = "EUR",
    *,
    decimal_separator: str = ".",
    thousand_separator: str = ",",
    units: tuple[tuple[Decimal, str], ...] = THOUSANDS,
) -> str:
    """For a card or a chart label: `€12.3k`, `€345k`, `€1.2M`, `−€2.5bn` (with MYRIADS:
    `€1.2万`, `€345万`, `€12亿`), and `money` below 10,000. A value that rounds up to the next
    unit takes it (`€1M`, not `€1000k`; `€1亿`, not `€10000万`)."""
    number = _decimal(value)
    if number is None:
        return ""
    size = abs(number)
    if size < SHORT_FROM:
        return money(
            number,
            currency,
            decimal_separator=decimal_separator,
            thousand_separator=thousand_separator,
        )
    index = max([0, *(i for i, (unit, _suffix) in enumerate(units) if size >= unit)])
    while True:
        unit, suffix = units[index]
        places = Decimal("0.1") if size < unit * 100 else Decimal("1")
        scaled = (size / unit).quantize(places, rounding=ROUND_HALF_EVEN)
        if index == len(units) - 1 or scaled < units[index + 1][0] / unit:
            break
        index += 1
    text = _marks(f"{scaled:f}".removesuffix(".0"), decimal_separator, thousand_separator)
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{MINUS if number < 0 else ''}{symbol}{text}{suffix}"


def percent(value: Any, places: int = 0, *, decimal_separator: str = ".") -> str:
    """A ratio as a percentage: `0.63` → `63 %`, `0.0512` with one place → `5.1 %`; empty for
    no value."""
    number = _decimal(value)
    if number is None:
        return ""
    scaled = (number * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = MINUS if scaled < 0 else ""
    return f"{sign}{_marks(f'{abs(scaled):f}', decimal_separator, '')} %"


def number(value: Any, *, decimal_separator: str = ".", thousand_separator: str = ",") -> str:
    """A plain figure: grouped by thousands, at most two decimals (`1,234.5`); empty for none."""
    number_ = _decimal(value)
    if number_ is None:
        return ""
    rounded = number_.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN).normalize()
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal("1"))
    sign = MINUS if rounded < 0 else ""
    return f"{sign}{_marks(f'{abs(rounded):,f}', decimal_separator, thousand_separator)}"
