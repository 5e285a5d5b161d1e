"""Every date field of every form is typed as YYYY-MM-DD (kam.forms.DateInput), and English
pages write dates the same way."""

from __future__ import annotations

import datetime
import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.utils import formats, translation

from kam.forms import DateInput

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "relationships", "valuation", "portfolio", "kam", "inbox", "notifications")


def _form_classes() -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("forms.py")):
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ]
    return found


def test_every_date_field_of_every_form_is_typed_as_iso() -> None:
    date_fields = [
        (form.__name__, name, field)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(date_fields) == 22  # every date field of the product's forms (a new one: add it)
    wrong = [
        (form, name) for form, name, field in date_fields if type(field.widget) is not DateInput
    ]
    assert wrong == []


def test_the_date_input_renders_as_text_with_the_format() -> None:
    html = DateInput().render("due", datetime.date(2027, 3, 31))
    assert 'type="text"' in html
    assert 'value="2027-03-31"' in html
    assert 'placeholder="YYYY-MM-DD"' in html
    assert 'pattern="\\d{4}-\\d{2}-\\d{2}"' in html


@pytest.mark.parametrize("language", ["en-gb", "en-us", "en"])
def test_english_writes_dates_as_they_are_typed(language: str) -> None:
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 12, 7)) == "2026-12-07"
        assert formats.date_format(datetime.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "2026-12-07"


def test_the_quick_select_writes_what_djangos_select_writes() -> None:
    from django.test.html import parse_html

    from kam.forms import QuickSelect

    choices = [("", "Anyone"), ("alice", "alice"), ("o'neil", "O'Neil <&> Sons"), ("7", "7")]
    for value in ("", "alice", "o'neil", "7", None, "nobody"):
        attrs = {"id": "id_owner", "aria-describedby": "owner-help"}
        quick = QuickSelect(choices=choices).render("owner", value, attrs=attrs)
        django = forms.Select(choices=choices).render("owner", value, attrs=attrs)
        assert parse_html(quick) == parse_html(django), value
