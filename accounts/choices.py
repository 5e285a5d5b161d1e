"""The industries and regions offered on the account form. The fields stay text (imports and
the API take any value, CONTRACT.md); the form offers these lists plus the account's own
value, so a typo does not start a new region and an imported value is kept on edit."""

from __future__ import annotations

INDUSTRIES = [
    "Aerospace",
    "Automotive",
    "Chemicals",
    "Energy",
    "Food & beverage",
    "Healthcare",
    "Hospitality",
    "Industrial",
    "Metals",
    "Packaging",
    "Paper & forest products",
    "Pharmaceuticals",
    "Retail",
    "Telecommunications",
    "Textiles",
    "Transport & logistics",
]
REGIONS = ["Asia Pacific", "Europe", "Latin America", "Middle East & Africa", "North America"]


def offered(standard: list[str], current: str) -> list[tuple[str, str]]:
    """The form's choices: none, then the standard values and the current one, A-Z."""
    values = sorted({*standard, *([current] if current else [])}, key=str.casefold)
    return [("", "—"), *((value, value) for value in values)]
