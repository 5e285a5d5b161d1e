"""The dashboard's filters, read from query parameters (the page, its tables, the API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Designation
from portfolio.models import Segment

MAX_FILTER_LENGTH = 150


@dataclass(frozen=True)
class DashboardFilters:
    """Filters of the dashboard; an empty string means "any". `owner` is a username."""

    segment: str = ""
    designation: str = ""
    owner: str = ""
    region: str = ""

    def as_query(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value}

    @property
    def is_active(self) -> bool:
        return bool(self.as_query())


@dataclass(frozen=True)
class ParsedFilters:
    filters: DashboardFilters
    errors: dict[str, str]  # filter name → why its value was ignored


def dashboard_filters_parse(*, params: Mapping[str, object]) -> ParsedFilters:
    """Read the filters from query parameters. An unknown segment or designation, or an
    over-long value, is ignored with a message in plain words (never an error page)."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    choices = {"segment": Segment, "designation": Designation}
    # What the messages call each filter (the query parameter keeps its name).
    names = {
        "segment": _("segment"),
        "designation": _("designation"),
        "owner": _("owner"),
        "region": _("region"),
    }
    for name in ("segment", "designation", "owner", "region"):
        raw = params.get(name, "")
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            continue
        if len(value) > MAX_FILTER_LENGTH:
            errors[name] = _("The %(filter)s filter is too long; it was ignored.") % {
                "filter": names[name]
            }
            continue
        if name in choices and value not in choices[name].values:
            allowed = ", ".join(choices[name].values)
            errors[name] = _(
                "There is no %(filter)s “%(value)s” (one of %(allowed)s); it was ignored."
            ) % {"filter": names[name], "value": value, "allowed": allowed}
            continue
        values[name] = value
    return ParsedFilters(filters=DashboardFilters(**values), errors=errors)
