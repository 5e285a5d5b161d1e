"""Today's date for the rules that compare with it (a plan action past its due date). One
function, so the test suite can fix the day its dated examples were written for
(tests/conftest.py) and stays right as the calendar moves on."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    """The local date (settings.TIME_ZONE)."""
    return timezone.localdate()
