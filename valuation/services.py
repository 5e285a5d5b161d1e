"""Writes of the valuation app: activity types and rates, service activities, the value
ledger, revenue and forecasts.

Each service enforces who may write (`valuation.rules`) and the data rules, writes in one
transaction, raises ValidationError with plain-words messages per field, and raises the data
version of the accounts whose 360 page it changed (`account_data_changed`; a type or a rate
prices every account, so it raises them all). Imports write in bulk and change the page's
cache key through the latest import instead (portfolio.account360.selectors).

Lock order: a write under an account takes the account's row first
(`accounts.services.account_row_require`), then the record's. An account's deletion takes the
account's row and then deletes its records, so the two queue instead of deadlocking.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account, AccountLocation
from accounts.services import (
    UNSET,
    Unset,
    account_data_changed,
    account_row_lock,
    account_row_require,
    given,
)
from kam.rules import require
from kam.types import User
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
from valuation.rules import (
    ACTIVITY_CHANGE_REFUSED,
    ACTIVITY_RECORD_REFUSED,
    FORECAST_REFUSED,
    PRICING_REFUSED,
    REVENUE_REFUSED,
    VALUE_CHANGE_REFUSED,
    VALUE_RECORD_REFUSED,
    can_change_activity,
    can_change_value_entry,
    can_load_revenue,
    can_price_activities,
    can_record_activity,
    can_record_value,
)


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


# --- activity types and rates (ops) ----------------------------------------------------


@transaction.atomic
def activity_type_create(
    *, code: str, name: str, unit: str, is_investment: bool = False, created_by: User
) -> ActivityType:
    require(can_price_activities(created_by), PRICING_REFUSED)
    activity_type = ActivityType(
        code=code.strip(), name=name.strip(), unit=unit.strip(), is_investment=is_investment
    )
    activity_type.full_clean()
    activity_type.save()
    account_data_changed(account_ids=None)
    return activity_type


@transaction.atomic
def activity_type_update(
    *,
    activity_type: ActivityType,
    updated_by: User,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    unit: str | Unset = UNSET,
    is_investment: bool | Unset = UNSET,
) -> ActivityType:
    require(can_price_activities(updated_by), PRICING_REFUSED)
    fields = given(code=code, name=name, unit=unit, is_investment=is_investment)
    for field_name, value in fields.items():
        setattr(activity_type, field_name, _stripped(value))
    activity_type.full_clean()
    activity_type.save(update_fields=list(fields))
    account_data_changed(account_ids=None)
    return activity_type


@transaction.atomic
def activity_type_delete(*, activity_type: ActivityType, deleted_by: User) -> None:
    require(can_price_activities(deleted_by), PRICING_REFUSED)
    # Locked first: an import writing activities of this type holds it FOR KEY SHARE (it
    # has no database foreign key to protect it, kam.row_locks), so the check below waits
    # for the import to end and then sees its rows.
    ActivityType.objects.select_for_update().filter(pk=activity_type.pk).exists()
    if activity_type.activities.exists():
        raise ValidationError(
            _(
                "This activity type has recorded activities; it cannot be deleted (their cost "
                "would be lost)."
            )
        )
    activity_type.delete()
    account_data_changed(account_ids=None)


@transaction.atomic
def activity_rate_create(
    *,
    activity_type: ActivityType,
    effective_from: datetime.date,
    unit_cost: Decimal,
    created_by: User,
) -> ActivityRate:
    require(can_price_activities(created_by), PRICING_REFUSED)
    rate = ActivityRate(
        activity_type=activity_type, effective_from=effective_from, unit_cost=unit_cost
    )
    rate.full_clean()
    rate.save()
    account_data_changed(account_ids=None)
    return rate


@transaction.atomic
def activity_rate_update(
    *,
    rate: ActivityRate,
    updated_by: User,
    activity_type: ActivityType | Unset = UNSET,
    effective_from: datetime.date | Unset = UNSET,
    unit_cost: Decimal | Unset = UNSET,
) -> ActivityRate:
    require(can_price_activities(updated_by), PRICING_REFUSED)
    fields = given(activity_type=activity_type, effective_from=effective_from, unit_cost=unit_cost)
    for field_name, value in fields.items():
        setattr(rate, field_name, value)
    rate.full_clean()
    rate.save()
    account_data_changed(account_ids=None)
    return rate


@transaction.atomic
def activity_rate_delete(*, rate: ActivityRate, deleted_by: User) -> None:
    require(can_price_activities(deleted_by), PRICING_REFUSED)
    rate.delete()
    account_data_changed(account_ids=None)


# --- service activities (owners, team members and ops) ----------------------------------


def _check_quantity(quantity: Decimal | None) -> None:
    if quantity is not None and quantity < 0:
        raise ValidationError({"quantity": _("A quantity cannot be negative.")})


@transaction.atomic
def service_activity_create(
    *,
    account: Account,
    activity_type: ActivityType,
    date: datetime.date,
    quantity: Decimal,
    created_by: User,
) -> ServiceActivity:
    require(can_record_activity(created_by, account), ACTIVITY_RECORD_REFUSED)
    activity = ServiceActivity(
        account=account,
        activity_type=activity_type,
        date=date,
        quantity=quantity,
        created_by=created_by,
    )
    _check_quantity(quantity)
    activity.full_clean()
    # The table has no foreign key to the account: taking its row keeps a deletion of the
    # account from missing this activity.
    account_row_require(account_id=account.pk)
    activity.save()
    account_data_changed(account_ids=[account.pk])
    return activity


@transaction.atomic
def service_activity_delete(*, activity: ServiceActivity, deleted_by: User) -> None:
    require(can_change_activity(deleted_by, activity), ACTIVITY_CHANGE_REFUSED)
    if not account_row_lock(account_id=activity.account_id):
        return  # the account's deletion took its activities with it
    activity.delete()
    account_data_changed(account_ids=[activity.account_id])


@transaction.atomic
def service_activity_update(
    *,
    activity: ServiceActivity,
    changed_by: User,
    activity_type: ActivityType | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    quantity: Decimal | Unset = UNSET,
) -> ServiceActivity:
    require(can_change_activity(changed_by, activity), ACTIVITY_CHANGE_REFUSED)
    fields = given(activity_type=activity_type, date=date, quantity=quantity)
    _check_quantity(None if isinstance(quantity, Unset) else quantity)
    for field_name, value in fields.items():
        setattr(activity, field_name, value)
    activity.full_clean()
    account_row_require(account_id=activity.account_id)
    activity.save()
    account_data_changed(account_ids=[activity.account_id])
    return activity


# --- value ledger (owners and team members) ----------------------------------------------


def _confirmation_errors(entry: ValueEntry) -> dict[str, str]:
    errors: dict[str, str] = {}
    if entry.customer_confirmed:
        if not entry.confirmed_by.strip():
            errors["confirmed_by"] = _("Name the customer's person who confirmed this value.")
        if entry.confirmed_on is None:
            errors["confirmed_on"] = _("Give the date the customer confirmed this value.")
        elif entry.date and entry.confirmed_on < entry.date:
            errors["confirmed_on"] = _("The confirmation cannot be earlier than the entry's date.")
    else:
        if entry.confirmed_by.strip():
            errors["confirmed_by"] = _("Tick 'confirmed by the customer' or leave this empty.")
        if entry.confirmed_on is not None:
            errors["confirmed_on"] = _("Tick 'confirmed by the customer' or leave this empty.")
    return errors


def _check_entry(entry: ValueEntry) -> None:
    errors = _confirmation_errors(entry)
    if entry.amount is not None and entry.amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if entry.direction not in Direction.values:
        errors["direction"] = _("Choose delivered to or received from the account.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def value_entry_create(
    *,
    account: Account,
    created_by: User,
    direction: str,
    category: str,
    amount: Decimal,
    date: datetime.date,
    evidence: str = "",
    customer_confirmed: bool = False,
    confirmed_by: str = "",
    confirmed_on: datetime.date | None = None,
) -> ValueEntry:
    require(can_record_value(created_by, account), VALUE_RECORD_REFUSED)
    entry = ValueEntry(
        account=account,
        created_by=created_by,
        direction=direction,
        category=(category or "").strip(),
        amount=amount,
        date=date,
        evidence=evidence,
        customer_confirmed=customer_confirmed,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
    )
    _check_entry(entry)
    entry.full_clean()
    account_row_require(account_id=account.pk)
    entry.save()
    account_data_changed(account_ids=[account.pk])
    return entry


@transaction.atomic
def value_entry_update(
    *,
    entry: ValueEntry,
    changed_by: User,
    version: int | None = None,
    direction: str | Unset = UNSET,
    category: str | Unset = UNSET,
    amount: Decimal | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    evidence: str | Unset = UNSET,
    customer_confirmed: bool | Unset = UNSET,
    confirmed_by: str | Unset = UNSET,
    confirmed_on: datetime.date | None | Unset = UNSET,
) -> ValueEntry:
    """Change a ledger entry. Only what differs is written; a stale `version` raises
    VersionConflictError (kam/versioning.py)."""
    require(can_change_value_entry(changed_by, entry), VALUE_CHANGE_REFUSED)
    fields = given(
        direction=direction,
        category=category,
        amount=amount,
        date=date,
        evidence=evidence,
        customer_confirmed=customer_confirmed,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
    )
    candidate = ValueEntry.objects.get(pk=entry.pk)
    for field_name, value in fields.items():
        setattr(candidate, field_name, _stripped(value))
    _check_entry(candidate)
    candidate.full_clean()
    account_row_require(account_id=entry.account_id)
    fresh: ValueEntry
    fresh, changed = versioned_update(
        instance=entry,
        values={field_name: getattr(candidate, field_name) for field_name in fields},
        version=version,
        by=changed_by,
    )
    if changed:
        account_data_changed(account_ids=[entry.account_id])
    return fresh


@transaction.atomic
def value_entry_delete(*, entry: ValueEntry, deleted_by: User) -> None:
    require(can_change_value_entry(deleted_by, entry), VALUE_CHANGE_REFUSED)
    if not account_row_lock(account_id=entry.account_id):
        return  # the account's deletion took its ledger with it
    entry.delete()
    account_data_changed(account_ids=[entry.account_id])


# --- revenue and forecasts (ops, via API or import) ----------------------------------------


def _location_for(account: Account, name: str) -> AccountLocation:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"location": _("The location (a site name) is required.")})
    location, _created = AccountLocation.objects.get_or_create(account=account, name=name[:120])
    return location


@transaction.atomic
def revenue_record_save(
    *,
    account: Account,
    location: str,
    period_start: datetime.date,
    revenue: Decimal,
    cost_of_goods: Decimal,
    saved_by: User,
    record: RevenueRecord | None = None,
) -> RevenueRecord:
    """Create or change a revenue record (the location is named; created when missing)."""
    require(can_load_revenue(saved_by), REVENUE_REFUSED)
    account_row_require(account_id=account.pk)
    record = record or RevenueRecord()
    record.account = account
    record.location = _location_for(account, location)
    record.period_start = period_start
    record.revenue = revenue
    record.cost_of_goods = cost_of_goods
    record.full_clean()
    record.save()
    account_data_changed(account_ids=[account.pk])
    return record


@transaction.atomic
def revenue_record_delete(*, record: RevenueRecord, deleted_by: User) -> None:
    require(can_load_revenue(deleted_by), REVENUE_REFUSED)
    if not account_row_lock(account_id=record.account_id):
        return  # the account's deletion took its revenue with it
    record.delete()
    account_data_changed(account_ids=[record.account_id])


@transaction.atomic
def forecast_save(
    *,
    account: Account,
    period_start: datetime.date,
    revenue: Decimal,
    saved_by: User,
    forecast: Forecast | None = None,
) -> Forecast:
    require(can_load_revenue(saved_by), FORECAST_REFUSED)
    account_row_require(account_id=account.pk)
    forecast = forecast or Forecast()
    forecast.account = account
    forecast.period_start = period_start
    forecast.revenue = revenue
    forecast.full_clean()
    forecast.save()
    account_data_changed(account_ids=[account.pk])
    return forecast


@transaction.atomic
def forecast_delete(*, forecast: Forecast, deleted_by: User) -> None:
    require(can_load_revenue(deleted_by), FORECAST_REFUSED)
    if not account_row_lock(account_id=forecast.account_id):
        return  # the account's deletion took its forecasts with it
    forecast.delete()
    account_data_changed(account_ids=[forecast.account_id])
