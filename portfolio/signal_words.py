"""The churn signals' names, playbook steps and details in the reader's language.

The pure churn modules (portfolio/churn/) hold the names and steps in English, marked for the
catalogue, and write each fired signal's detail as an English sentence stored with the run's
snapshots (portfolio/churn/signals.py, one form per signal). Every page, export and alert asks
here, where Django's gettext translates them: a detail is read back into its parts (counts,
dates, names) and said again in the reader's language; in English it is given back as it was
stored, and a detail of a form this does not know is shown as stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, pgettext

from portfolio.churn.playbook import signal_action
from portfolio.churn.signals import SEPARATOR, signal_label


def signal_name(code: str) -> str:
    """The signal's name ('coverage_gap' → 'Coverage gap', or its translation)."""
    return gettext(signal_label(code))


def signal_step(code: str) -> str:
    """The playbook's action for the signal ('' for a code the playbook does not know)."""
    action = signal_action(code)
    # gettext("") would be the catalogue's header
    return gettext(action) if action else ""


def signal_and_words(code: str, words: str) -> str:
    """ "Coverage gap: No active coach mapped": the signal's name and words about it."""
    return pgettext("a churn signal's name, then its detail or its step", "%(name)s: %(words)s") % {
        "name": signal_name(code),
        "words": words,
    }


def signals_joined(texts: list[str]) -> str:
    """Several signals' texts in one cell ("; " between them in English)."""
    return pgettext("between churn signals in a cell", "; ").join(texts)


# --- the details -----------------------------------------------------------------------------

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAY = r"\d{1,2} (?:" + "|".join(_MONTHS) + r") \d{4}"
_NUMBER = r"-?\d+(?:\.\d+)?"

# The words the details are made of (signals.py's ROLE_LABELS and event labels, capitalised
# as the details begin with them), as msgids.
_ROLES = {
    "Economic buyer and coach": gettext_noop("Economic buyer and coach"),
    "Economic buyer": gettext_noop("Economic buyer"),
    "Coach": gettext_noop("Coach"),
}
_EVENTS = {
    "Competitor evaluation": gettext_noop("Competitor evaluation"),
    "RFP issued": gettext_noop("RFP issued"),
    "Performance standards imposed": gettext_noop("Performance standards imposed"),
    "Ultimatum": gettext_noop("Ultimatum"),
    "Broken commitment": gettext_noop("Broken commitment"),
    "Litigation": gettext_noop("Litigation"),
}
_COVERAGE = {
    "No active economic buyer mapped": gettext_noop("No active economic buyer mapped"),
    "No active coach mapped": gettext_noop("No active coach mapped"),
    "No active economic buyer or coach mapped": gettext_noop(
        "No active economic buyer or coach mapped"
    ),
}


def _day(text: str) -> str:
    """ "2 May 2026" (the details' own date form) in the reader's date format."""
    day, month, year = text.split()
    return date_format(date(int(year), _MONTHS.index(month) + 1, int(day)))


def _alternatives(words: dict[str, str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


Said = Callable[[dict[str, str]], str]

# Each form a detail part takes: its pattern, and the sentence in the reader's language from
# the pattern's groups (dates given in the reader's format by _day).
_FORMS: list[tuple[re.Pattern[str], Said]] = [
    (
        re.compile(rf"^(?P<count>\d+) (?P<category>.+) complaints since (?P<day>{_DAY})$"),
        lambda parts: gettext("%(count)s %(category)s complaints since %(day)s") % parts,
    ),
    (
        re.compile(
            rf"^Satisfaction score (?P<score>{_NUMBER})/10 on (?P<day>{_DAY}), down from "
            rf"(?P<before>{_NUMBER}) on (?P<before_day>{_DAY})$"
        ),
        lambda parts: gettext(
            "Satisfaction score %(score)s/10 on %(day)s, down from %(before)s on %(before_day)s"
        )
        % parts,
    ),
    (
        re.compile(rf"^Satisfaction score (?P<score>{_NUMBER})/10 on (?P<day>{_DAY})$"),
        lambda parts: gettext("Satisfaction score %(score)s/10 on %(day)s") % parts,
    ),
    (
        re.compile(
            rf"^(?P<role>{_alternatives(_ROLES)}) (?P<name>.+) last contacted (?P<day>{_DAY}) "
            rf"\(expected every (?P<days>{_NUMBER}) days\)$"
        ),
        lambda parts: gettext(
            "%(role)s %(name)s last contacted %(day)s (expected every %(days)s days)"
        )
        % parts,
    ),
    (
        re.compile(
            rf"^(?P<role>{_alternatives(_ROLES)}) (?P<name>.+) last contacted (?P<day>{_DAY})$"
        ),
        lambda parts: gettext("%(role)s %(name)s last contacted %(day)s") % parts,
    ),
    (
        re.compile(
            rf"^(?P<role>{_alternatives(_ROLES)}) (?P<name>.+) never contacted "
            rf"\(expected every (?P<days>{_NUMBER}) days\)$"
        ),
        lambda parts: gettext("%(role)s %(name)s never contacted (expected every %(days)s days)")
        % parts,
    ),
    (
        re.compile(rf"^(?P<role>{_alternatives(_ROLES)}) (?P<name>.+) never contacted$"),
        lambda parts: gettext("%(role)s %(name)s never contacted") % parts,
    ),
    (
        re.compile(
            r"^Revenue fell (?P<fall>-?\d+) % \(TTM (?P<after>-?[\d.]+(?: [kM])?) vs "
            r"(?P<before>-?[\d.]+(?: [kM])?) the year before\)$"
        ),
        lambda parts: gettext(
            "Revenue fell %(fall)s %% (TTM %(after)s vs %(before)s the year before)"
        )
        % parts,
    ),
    (
        re.compile(rf"^(?P<event>{_alternatives(_EVENTS)}) on (?P<day>{_DAY})$"),
        lambda parts: gettext("%(event)s on %(day)s") % parts,
    ),
    (
        re.compile(
            rf"^(?P<event>{_alternatives(_EVENTS)}) \((?P<count>\d+) events, latest "
            rf"(?P<day>{_DAY})\)$"
        ),
        lambda parts: gettext("%(event)s (%(count)s events, latest %(day)s)") % parts,
    ),
]


def _part_in_words(part: str) -> str:
    if part in _COVERAGE:
        return gettext(_COVERAGE[part])
    for pattern, said in _FORMS:
        found = pattern.match(part)
        if found is None:
            continue
        parts = {name: value for name, value in found.groupdict().items() if value is not None}
        for name in ("day", "before_day"):
            if name in parts:
                parts[name] = _day(parts[name])
        if "role" in parts:
            parts["role"] = gettext(_ROLES[parts["role"]])
        if "event" in parts:
            parts["event"] = gettext(_EVENTS[parts["event"]])
        return said(parts)
    return part


def signal_detail(detail: str) -> str:
    """A fired signal's stored detail in the reader's language (as stored in English, or when
    its form is not one signals.py writes)."""
    if not detail:
        return ""
    return pgettext("between the parts of a churn signal's detail", "; ").join(
        _part_in_words(part) for part in detail.split(SEPARATOR)
    )
