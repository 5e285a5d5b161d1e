"""The kinds of file an import takes (CONTRACT.md, "Data import and export"): one module per
kind or family of kinds, each with its row parser and writer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from valuation.importing.kinds.accounts import accounts_parser, write_accounts
from valuation.importing.kinds.activities import activities_parser, write_activities
from valuation.importing.kinds.costs import (
    activity_rates_parser,
    activity_types_parser,
    write_activity_rates,
    write_activity_types,
)
from valuation.importing.kinds.figures import (
    forecasts_parser,
    revenue_parser,
    write_forecasts,
    write_revenue,
)
from valuation.importing.kinds.records import (
    complaints_parser,
    events_parser,
    write_complaints,
    write_events,
)
from valuation.importing.kinds.relationships import (
    CONTACT_COLUMNS,
    INTERACTION_COLUMNS,
    contacts_key,
    contacts_parser,
    interactions_parser,
    write_contacts,
    write_interactions,
)
from valuation.importing.outcome import ImportRefused, RowError
from valuation.importing.specs import KindSpec
from valuation.models import ImportKind

SPECS: dict[str, KindSpec] = {
    ImportKind.ACCOUNTS: KindSpec(
        kind=ImportKind.ACCOUNTS,
        columns=("external_id", "name", "industry", "region", "designation", "owner"),
        natural_key=("external_id",),
        make_parser=accounts_parser,
        write=write_accounts,
        key_of=lambda row: (row[0],),
    ),
    ImportKind.REVENUE: KindSpec(
        kind=ImportKind.REVENUE,
        columns=("account", "location", "period_start", "revenue", "cost_of_goods"),
        natural_key=("account", "location", "period_start"),
        make_parser=revenue_parser,
        write=write_revenue,
        key_of=lambda row: (row[0], row[1], row[2]),
    ),
    ImportKind.FORECASTS: KindSpec(
        kind=ImportKind.FORECASTS,
        columns=("account", "period_start", "revenue"),
        natural_key=("account", "period_start"),
        make_parser=forecasts_parser,
        write=write_forecasts,
        key_of=lambda row: (row[0], row[1]),
    ),
    ImportKind.ACTIVITY_TYPES: KindSpec(
        kind=ImportKind.ACTIVITY_TYPES,
        columns=("code", "name", "unit", "is_investment"),
        natural_key=("code",),
        make_parser=activity_types_parser,
        write=write_activity_types,
        key_of=lambda row: (row[0],),
    ),
    ImportKind.ACTIVITY_RATES: KindSpec(
        kind=ImportKind.ACTIVITY_RATES,
        columns=("activity_type", "effective_from", "unit_cost"),
        natural_key=("activity_type", "effective_from"),
        make_parser=activity_rates_parser,
        write=write_activity_rates,
        key_of=lambda row: (row[0], row[1]),
    ),
    ImportKind.ACTIVITIES: KindSpec(
        kind=ImportKind.ACTIVITIES,
        columns=("account", "activity_type", "date", "quantity"),
        natural_key=None,
        make_parser=activities_parser,
        write=write_activities,
    ),
    ImportKind.COMPLAINTS: KindSpec(
        kind=ImportKind.COMPLAINTS,
        columns=("account", "category", "severity", "opened_on", "resolved_on", "description"),
        natural_key=None,
        make_parser=complaints_parser,
        write=write_complaints,
    ),
    ImportKind.EVENTS: KindSpec(
        kind=ImportKind.EVENTS,
        columns=("account", "kind", "date", "notes"),
        natural_key=None,
        make_parser=events_parser,
        write=write_events,
    ),
    ImportKind.CONTACTS: KindSpec(
        kind=ImportKind.CONTACTS,
        columns=CONTACT_COLUMNS,
        natural_key=("account", "external_id"),
        make_parser=contacts_parser,
        write=write_contacts,
        key_of=contacts_key,
    ),
    ImportKind.INTERACTIONS: KindSpec(
        kind=ImportKind.INTERACTIONS,
        columns=INTERACTION_COLUMNS,
        natural_key=None,
        make_parser=interactions_parser,
        write=write_interactions,
    ),
}


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        known = ", ".join(SPECS)
        raise ImportRefused(
            [
                RowError(
                    0,
                    "",
                    _("Unknown kind '%(kind)s'; use one of: %(known)s.")
                    % {"kind": kind, "known": known},
                )
            ]
        ) from None
