"""Marking English texts for the catalogue in modules that do not import Django (the pure
churn modules, the schedule in words): makemessages reads the name `gettext_noop`, and the
pages translate the text with Django's gettext when they show it (portfolio.signal_words)."""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """The text itself, marked for translation."""
    return message
