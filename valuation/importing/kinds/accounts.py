"""Kind `accounts`: upserted on the external id; the owner is an active account manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account, Designation
from kam.roles import Role
from valuation.importing.cells import Lookup, RowChecker, cells_of, parse_choice, parse_text
from valuation.importing.outcome import ImportOutcome
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import Upsert, upsert_rows

FIELDS = ("name", "industry", "region", "designation", "owner_id")


def accounts_parser(positions: dict[str, int]) -> RowParser:
    users = dict(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ACCOUNT_MANAGER.value)
        .values_list("username", "id")
    )
    users.update(
        get_user_model()
        .objects.filter(is_active=True, is_superuser=True)
        .values_list("username", "id")
    )
    owner = Lookup(
        users,
        missing=_("'{}' is not an active account manager, so cannot own accounts."),
        empty=_("The owner (a username) is required."),
    )
    check = RowChecker()

    def parse(row: list[str]) -> Row:
        c = cells_of(row, positions)
        external_id = check.take(
            "external_id",
            lambda t: parse_text(t, what=gettext_noop("external id"), max_length=64),
            c["external_id"],
        )
        name = check.take(
            "name", lambda t: parse_text(t, what=gettext_noop("name"), max_length=200), c["name"]
        )
        industry = check.take(
            "industry",
            lambda t: parse_text(t, what=gettext_noop("industry"), max_length=100, required=False),
            c["industry"],
        )
        region = check.take(
            "region",
            lambda t: parse_text(t, what=gettext_noop("region"), max_length=100, required=False),
            c["region"],
        )
        designation = check.take(
            "designation",
            lambda t: parse_choice(
                t or "candidate", what=gettext_noop("designation"), choices=Designation.values
            ),
            c["designation"],
        )
        owner_id = check.take("owner", owner, c["owner"])
        check.done()
        return (external_id, name, industry, region, designation, owner_id)

    return parse


def _versioned(account: Account, before: list[Any]) -> None:
    """Versioned record (kam/versioning.py): an edit based on the version before the import
    is refused instead of undoing it."""
    account.version += 1
    account.field_versions = {
        **(account.field_versions or {}),
        **{
            name.removesuffix("_id"): account.version
            for name, old in zip(FIELDS, before, strict=True)
            if getattr(account, name) != old
        },
    }


UPSERT = Upsert(
    model=Account,
    key_fields=("external_id",),
    value_fields=FIELDS,
    also_update=("updated_at", "version", "field_versions"),
    on_change=_versioned,
)


def write_accounts(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    # Written in bulk, without save signals: the import's commit moves the accounts data's
    # version for every kind (valuation.importing.services).
    return upsert_rows(UPSERT, rows, context.outcome)
