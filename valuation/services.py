"""Writes of the valuation app: imports, activity types and rates, service activities, the
value ledger, revenue and forecasts.

Callers (pages, API, command, task) have already decided that the acting user may do this
(ops for imports, types, rates, revenue and forecasts; the account's owner or team members
for activities and ledger entries). These functions enforce the data rules and write in one
transaction, raising ValidationError with plain-words messages per field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Account, AccountLocation
from accounts.rules import RECORD_CHANGE_REFUSED, can_change_account_record
from kam.roles import Role, user_has_role
from kam.rules import require
from kam.versioning import versioned_update
from valuation.models import (
    ActivityRate,
    ActivityType,
    Direction,
    Forecast,
    RevenueRecord,
    ServiceActivity,
    ValueEntry,
)

# --- activity types and rates (ops) ----------------------------------------------------


@transaction.atomic
def activity_type_create(*, code: str, name: str, unit: str, is_investment: bool) -> ActivityType:
    activity_type = ActivityType(
        code=code.strip(), name=name.strip(), unit=unit.strip(), is_investment=is_investment
    )
    activity_type.full_clean()
    activity_type.save()
    return activity_type


@transaction.atomic
def activity_type_update(*, activity_type: ActivityType, **fields: Any) -> ActivityType:
    allowed = {"code", "name", "unit", "is_investment"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown activity type fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(activity_type, name, value.strip() if isinstance(value, str) else value)
    activity_type.full_clean()
    activity_type.save(update_fields=list(fields))
    return activity_type


@transaction.atomic
def activity_type_delete(*, activity_type: ActivityType) -> None:
    # Locked first: an import writing activities of this type holds it FOR KEY SHARE (it
    # has no database foreign key to protect it, kam.row_locks), so the check below waits
    # for the import to end and then sees its rows.
    ActivityType.objects.select_for_update().filter(pk=activity_type.pk).exists()
    if activity_type.activities.exists():
        raise ValidationError(
            "This activity type has recorded activities; it cannot be deleted (their cost "
            "would be lost)."
        )
    activity_type.delete()


@transaction.atomic
def activity_rate_create(
    *, activity_type: ActivityType, effective_from: datetime.date, unit_cost: Decimal
) -> ActivityRate:
    rate = ActivityRate(
        activity_type=activity_type, effective_from=effective_from, unit_cost=unit_cost
    )
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def activity_rate_update(*, rate: ActivityRate, **fields: Any) -> ActivityRate:
    allowed = {"activity_type", "effective_from", "unit_cost"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown rate fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(rate, name, value)
    rate.full_clean()
    rate.save()
    return rate


# --- service activities (owners and team members) ---------------------------------------


@transaction.atomic
def service_activity_create(
    *,
    account: Account,
    activity_type: ActivityType,
    date: datetime.date,
    quantity: Decimal,
    created_by: Any,
) -> ServiceActivity:
    activity = ServiceActivity(
        account=account,
        activity_type=activity_type,
        date=date,
        quantity=quantity,
        created_by=created_by,
    )
    if quantity is not None and quantity < 0:
        raise ValidationError({"quantity": "A quantity cannot be negative."})
    activity.full_clean()
    activity.save()
    return activity


def service_activity_can_change(*, user: Any, activity: ServiceActivity) -> bool:
    """Ops change any activity (they load them); otherwise the account's owner any of its
    activities, a team member those they recorded."""
    return user_has_role(user, Role.OPS) or can_change_account_record(user, activity)


def _require_may_change_activity(user: Any, activity: ServiceActivity) -> None:
    if not service_activity_can_change(user=user, activity=activity):
        raise PermissionDenied(
            "Only operations staff, the account's owner, or the team member who recorded it "
            "may change this activity."
        )


@transaction.atomic
def service_activity_delete(*, activity: ServiceActivity, deleted_by: Any) -> None:
    _require_may_change_activity(deleted_by, activity)
    activity.delete()


@transaction.atomic
def service_activity_update(
    *, activity: ServiceActivity, changed_by: Any, **fields: Any
) -> ServiceActivity:
    _require_may_change_activity(changed_by, activity)
    allowed = {"activity_type", "date", "quantity"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown activity fields: {', '.join(sorted(unknown))}.")
    if fields.get("quantity") is not None and fields["quantity"] < 0:
        raise ValidationError({"quantity": "A quantity cannot be negative."})
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    return activity


# --- value ledger (owners and team members) ----------------------------------------------

VALUE_ENTRY_FIELDS = (
    "direction",
    "category",
    "amount",
    "date",
    "evidence",
    "customer_confirmed",
    "confirmed_by",
    "confirmed_on",
)


def _check_confirmation(entry: ValueEntry) -> None:
    errors: dict[str, str] = {}
    if entry.customer_confirmed:
        if not entry.confirmed_by.strip():
            errors["confirmed_by"] = "Name the customer's person who confirmed this value."
        if entry.confirmed_on is None:
            errors["confirmed_on"] = "Give the date the customer confirmed this value."
        elif entry.date and entry.confirmed_on < entry.date:
            errors["confirmed_on"] = "The confirmation cannot be earlier than the entry's date."
    else:
        if entry.confirmed_by.strip():
            errors["confirmed_by"] = "Tick 'confirmed by the customer' or leave this empty."
        if entry.confirmed_on is not None:
            errors["confirmed_on"] = "Tick 'confirmed by the customer' or leave this empty."
    if entry.amount is not None and entry.amount <= 0:
        errors["amount"] = "The amount must be more than zero."
    if entry.direction not in Direction.values:
        errors["direction"] = "Choose delivered to or received from the account."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def value_entry_create(*, account: Account, created_by: Any, **fields: Any) -> ValueEntry:
    unknown = set(fields) - set(VALUE_ENTRY_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown value entry fields: {', '.join(sorted(unknown))}.")
    fields.setdefault("evidence", "")
    fields.setdefault("confirmed_by", "")
    fields["category"] = (fields.get("category") or "").strip()
    entry = ValueEntry(account=account, created_by=created_by, **fields)
    _check_confirmation(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def value_entry_update(
    *, entry: ValueEntry, changed_by: Any, version: int | None = None, **fields: Any
) -> ValueEntry:
    """Change a ledger entry. Only what differs is written; a stale `version` raises
    VersionConflictError (kam/versioning.py)."""
    require(
        can_change_account_record(changed_by, entry),
        RECORD_CHANGE_REFUSED.format(what="a value entry"),
    )
    unknown = set(fields) - set(VALUE_ENTRY_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown value entry fields: {', '.join(sorted(unknown))}.")
    candidate = ValueEntry.objects.get(pk=entry.pk)
    for name, value in fields.items():
        setattr(candidate, name, value.strip() if isinstance(value, str) else value)
    _check_confirmation(candidate)
    candidate.full_clean()
    fresh, _changed = versioned_update(
        instance=entry,
        values={name: getattr(candidate, name) for name in fields},
        version=version,
        by=changed_by,
    )
    return fresh


@transaction.atomic
def value_entry_delete(*, entry: ValueEntry, deleted_by: Any) -> None:
    require(
        can_change_account_record(deleted_by, entry),
        RECORD_CHANGE_REFUSED.format(what="a value entry"),
    )
    entry.delete()


# --- revenue and forecasts (ops, via API or import) ----------------------------------------


def _location_for(account: Account, name: str) -> AccountLocation:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"location": "The location (a site name) is required."})
    location, _ = AccountLocation.objects.get_or_create(account=account, name=name[:120])
    return location


@transaction.atomic
def revenue_record_save(
    *,
    account: Account,
    location: str,
    period_start: datetime.date,
    revenue: Decimal,
    cost_of_goods: Decimal,
    record: RevenueRecord | None = None,
) -> RevenueRecord:
    """Create or change a revenue record (the location is named; created when missing)."""
    record = record or RevenueRecord()
    record.account = account
    record.location = _location_for(account, location)
    record.period_start = period_start
    record.revenue = revenue
    record.cost_of_goods = cost_of_goods
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def forecast_save(
    *,
    account: Account,
    period_start: datetime.date,
    revenue: Decimal,
    forecast: Forecast | None = None,
) -> Forecast:
    forecast = forecast or Forecast()
    forecast.account = account
    forecast.period_start = period_start
    forecast.revenue = revenue
    forecast.full_clean()
    forecast.save()
    return forecast
