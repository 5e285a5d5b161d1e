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


# No inline code, for the Content-Security-Policy (kam/settings.py): scripts come from static
# files (data through json_script or data- attributes), styles from static/css, handlers
# through addEventListener. A <script type="application/json"> is data, not code.
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")
TEMPLATE_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.DOTALL)
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"""[\s"']style\s*=""", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"""[\s"'](on[a-z]+)\s*=""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(html: str, *, template: bool = False) -> list[str]:
    """Every inline script, style element, style attribute, on*= handler and javascript: URL
    in the HTML. With template=True, Django comments are dropped first and every other
    {% tag %} and {{ variable }} becomes one character, so a <script>{% include … %}</script>
    still counts as a body."""
    if template:
        html = TEMPLATE_CODE.sub("_", TEMPLATE_COMMENT.sub(" ", html))
    found = []
    for attributes, body in SCRIPT.findall(html):
        kind = SCRIPT_TYPE.search(attributes)
        if body.strip() and not (kind and kind.group(1).lower() in DATA_SCRIPT_TYPES):
            found.append(f"inline script: {body.strip()[:60]!r}")
    found += [f"<style> element at {m.start()}" for m in STYLE_ELEMENT.finditer(html)]
    for tag in TAG.findall(html):
        if STYLE_ATTRIBUTE.search(tag):
            found.append(f"style attribute: {tag[:80]!r}")
        found += [f"{m.group(1)} handler: {tag[:80]!r}" for m in HANDLER_ATTRIBUTE.finditer(tag)]
        if JAVASCRIPT_URL.search(tag):
            found.append(f"javascript: URL: {tag[:80]!r}")
    return found


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_templates_hold_no_inline_script_style_or_handler(template: Path) -> None:
    assert inline_code(template.read_text(), template=True) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script type="text/javascript">\n go();\n</script>', "inline script"),
        ("<style>p { color: red }</style>", "<style> element"),
        ('<p class="x" style="color:red">', "style attribute"),
        ("<button\n  type=button onclick='go()'>", "onclick handler"),
        ('<body onload="go()">', "onload handler"),
        ('<a href="javascript:go()">', "javascript: URL"),
    ],
)
def test_inline_code_finds_each_kind(html: str, expected: str) -> None:
    found = inline_code(html)

    assert len(found) == 1
    assert found[0].startswith(expected)


def test_inline_code_passes_external_scripts_data_and_template_tags() -> None:
    html = (
        "{% load static %}<script src=\"{% static 'js/charts.js' %}\" defer></script>"
        '<script id="figure" type="application/json">{"data": []}</script>'
        '<div class="chart" data-figure="figure" data-onclick="x" aria-label="Chart"></div>'
        '{% render_field field style=style %}{# style="color:red" #}'
        "{% comment %}<script>alert(1)</script>{% endcomment %}"
        '<input name="one" value="{{ value }}">'
    )

    assert inline_code(html, template=True) == []


def test_a_script_whose_body_is_an_include_is_inline() -> None:
    assert inline_code("<script>{% include 'setup.js' %}</script>", template=True) != []
