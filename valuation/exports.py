"""CSV and XLSX export of each import kind, with the same columns as the import (CONTRACT.md),
so an exported file imports back unchanged. Rows stream from the database; only accounts the
user may see are exported."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.models import AccountEvent, Complaint
from accounts.selectors import accounts_visible_to
from kam.roles import user_reads_all_accounts
from kam.spreadsheets import csv_download, xlsx_download
from kam.types import AnyUser
from relationships.models import Contact, Interaction
from valuation import selectors
from valuation.importing.kinds import SPECS
from valuation.importing.kinds.relationships import (
    CONTACT_EXPORT_VALUES,
    INTERACTION_EXPORT_VALUES,
    contacts_export_queryset,
    interactions_export_queryset,
)
from valuation.models import ImportKind

EXPORT_FORMATS = ("csv", "xlsx")
VALUE_ENTRIES_EXPORT = "value_entries"  # the ledger is exported, not imported


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    columns: tuple[str, ...]
    queryset: Callable[[AnyUser], QuerySet[Any]]
    values: tuple[str, ...]  # .values_list() paths, in column order


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _accounts(user: AnyUser) -> QuerySet[Any]:
    return accounts_visible_to(user).order_by("external_id", "id")


def _of_visible_accounts(model: type[Model], *ordering: str) -> Callable[[AnyUser], QuerySet[Any]]:
    def queryset(user: AnyUser) -> QuerySet[Any]:
        rows: QuerySet[Any] = model._default_manager.order_by(*ordering)
        if user_reads_all_accounts(user):
            return rows
        return rows.filter(account__in=accounts_visible_to(user).values("pk"))

    return queryset


EXPORTS: dict[str, ExportSpec] = {
    ImportKind.ACCOUNTS: ExportSpec(
        ImportKind.ACCOUNTS,
        SPECS[ImportKind.ACCOUNTS].columns,
        _accounts,
        ("external_id", "name", "industry", "region", "designation", "owner__username"),
    ),
    ImportKind.REVENUE: ExportSpec(
        ImportKind.REVENUE,
        SPECS[ImportKind.REVENUE].columns,
        selectors.revenue_records_visible_to,
        ("account__external_id", "location__name", "period_start", "revenue", "cost_of_goods"),
    ),
    ImportKind.FORECASTS: ExportSpec(
        ImportKind.FORECASTS,
        SPECS[ImportKind.FORECASTS].columns,
        selectors.forecasts_visible_to,
        ("account__external_id", "period_start", "revenue"),
    ),
    ImportKind.ACTIVITY_TYPES: ExportSpec(
        ImportKind.ACTIVITY_TYPES,
        SPECS[ImportKind.ACTIVITY_TYPES].columns,
        lambda user: selectors.activity_types_list(),
        ("code", "name", "unit", "is_investment"),
    ),
    ImportKind.ACTIVITY_RATES: ExportSpec(
        ImportKind.ACTIVITY_RATES,
        SPECS[ImportKind.ACTIVITY_RATES].columns,
        lambda user: selectors.activity_rates_list(),
        ("activity_type__code", "effective_from", "unit_cost"),
    ),
    ImportKind.ACTIVITIES: ExportSpec(
        ImportKind.ACTIVITIES,
        SPECS[ImportKind.ACTIVITIES].columns,
        selectors.service_activities_visible_to,
        ("account__external_id", "activity_type__code", "date", "quantity"),
    ),
    ImportKind.COMPLAINTS: ExportSpec(
        ImportKind.COMPLAINTS,
        SPECS[ImportKind.COMPLAINTS].columns,
        _of_visible_accounts(Complaint, "opened_on", "id"),
        ("account__external_id", "category", "severity", "opened_on", "resolved_on", "description"),
    ),
    ImportKind.EVENTS: ExportSpec(
        ImportKind.EVENTS,
        SPECS[ImportKind.EVENTS].columns,
        _of_visible_accounts(AccountEvent, "date", "id"),
        ("account__external_id", "kind", "date", "notes"),
    ),
    ImportKind.CONTACTS: ExportSpec(
        ImportKind.CONTACTS,
        SPECS[ImportKind.CONTACTS].columns,
        lambda user: contacts_export_queryset(_of_visible_accounts(Contact, "id")(user)),
        CONTACT_EXPORT_VALUES,
    ),
    ImportKind.INTERACTIONS: ExportSpec(
        ImportKind.INTERACTIONS,
        SPECS[ImportKind.INTERACTIONS].columns,
        lambda user: interactions_export_queryset(_of_visible_accounts(Interaction, "id")(user)),
        INTERACTION_EXPORT_VALUES,
    ),
    VALUE_ENTRIES_EXPORT: ExportSpec(
        VALUE_ENTRIES_EXPORT,
        (
            "account",
            "direction",
            "category",
            "amount",
            "date",
            "evidence",
            "customer_confirmed",
            "confirmed_by",
            "confirmed_on",
        ),
        selectors.value_entries_visible_to,
        (
            "account__external_id",
            "direction",
            "category",
            "amount",
            "date",
            "evidence",
            "customer_confirmed",
            "confirmed_by",
            "confirmed_on",
        ),
    ),
}


def export_rows(
    *, kind: str, user: AnyUser, queryset: QuerySet[Any] | None = None
) -> Iterator[tuple[Any, ...]]:
    """The kind's rows as tuples in column order (a chunked server-side iteration)."""
    spec = EXPORTS[kind]
    source = spec.queryset(user) if queryset is None else queryset
    for row in source.values_list(*spec.values).iterator(chunk_size=5000):
        yield tuple(_text(value) for value in row)


def sheet_title(kind: str) -> str:
    """The XLSX sheet's name, in the reader's language: the kind's name without its
    explanation in brackets (a sheet name has at most 31 characters). The import reads the
    first sheet whatever its name."""
    label = _("Value ledger") if kind == VALUE_ENTRIES_EXPORT else str(ImportKind(kind).label)
    return label.split(" (")[0].split("（")[0][:31]


def export_response(
    *, kind: str, user: AnyUser, file_format: str, queryset: QuerySet[Any] | None = None
) -> StreamingHttpResponse | FileResponse:
    """A download of the kind's rows visible to the user, as CSV (streamed) or XLSX."""
    spec = EXPORTS[kind]
    rows = export_rows(kind=kind, user=user, queryset=queryset)
    stamp = datetime.date.today().isoformat()  # noqa: DTZ011 - a file name, local date is fine
    if file_format == "xlsx":
        return xlsx_download(f"{kind}-{stamp}.xlsx", sheet_title(kind), spec.columns, rows)
    return csv_download(f"{kind}-{stamp}.csv", spec.columns, rows)
