"""Template hygiene that Django does not check: a `{# … #}` comment must end on its line,
otherwise Django prints it on the page as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OPENED_NOT_CLOSED = re.compile(r"\{#(?!.*#\})")


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_single_line_comments_close_on_their_line(template: Path) -> None:
    unclosed = [
        number
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if OPENED_NOT_CLOSED.search(line)
    ]

    assert unclosed == [], f"use {{% comment %}} for multi-line comments (lines {unclosed})"
