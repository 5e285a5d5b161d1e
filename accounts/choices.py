"""The industries and regions offered on the account form. The fields stay text (imports and
the API take any value, CONTRACT.md); the form offers these lists plus the account's own
value, so a typo does not start a new region and an imported value is kept on edit. The values
are data (stored and exported as written here); the form shows them in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

INDUSTRIES = [
    gettext_noop("Aerospace"),
    gettext_noop("Automotive"),
    gettext_noop("Chemicals"),
    gettext_noop("Energy"),
    gettext_noop("Food & beverage"),
    gettext_noop("Healthcare"),
    gettext_noop("Hospitality"),
    gettext_noop("Industrial"),
    gettext_noop("Metals"),
    gettext_noop("Packaging"),
    gettext_noop("Paper & forest products"),
    gettext_noop("Pharmaceuticals"),
    gettext_noop("Retail"),
    gettext_noop("Telecommunications"),
    gettext_noop("Textiles"),
    gettext_noop("Transport & logistics"),
]
REGIONS = [
    gettext_noop("Asia Pacific"),
    gettext_noop("Europe"),
    gettext_noop("Latin America"),
    gettext_noop("Middle East & Africa"),
    gettext_noop("North America"),
]


def offered(standard: list[str], current: str) -> list[tuple[str, str]]:
    """The form's choices: none, then the standard values (labelled in the reader's language)
    and the current one, A-Z by value."""
    values = sorted({*standard, *([current] if current else [])}, key=str.casefold)
    return [
        ("", "—"),
        *((value, gettext(value) if value in standard else value) for value in values),
    ]
