"""Who may write money both ways (predicates: no writes, no raising).

- Revenue and forecasts come from the ERP and planning systems: ops load them.
- Activity types and rates price every account's cost to serve: ops keep them.
- Service activities: the account's owner and team members record them, and ops (who load
  them in bulk); the owner changes any, a team member those they recorded, ops any.
- The value ledger: the owner and team members; a team member changes only their entries.
Services enforce these with `kam.rules.require`; pages and the API ask them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.rules import (
    can_change_account_record,
    can_contribute_to_account,
    is_ops,
)
from kam.types import AnyUser
from valuation.models import ServiceActivity, ValueEntry

REVENUE_REFUSED = _("Only operations staff may change revenue records.")
FORECAST_REFUSED = _("Only operations staff may change forecasts.")
PRICING_REFUSED = _("Only operations staff may change this.")
ACTIVITY_RECORD_REFUSED = _(
    "Only the account's owner, its team members and operations staff may record activities."
)
ACTIVITY_CHANGE_REFUSED = _(
    "Only operations staff, the account's owner, or the team member who recorded it may "
    "change this activity."
)
VALUE_RECORD_REFUSED = _(
    "Only the account's owner and its team members may change its value ledger."
)
# accounts.rules.RECORD_CHANGE_REFUSED in words of its own, so it translates whole.
VALUE_CHANGE_REFUSED = _(
    "Only the account's owner, or the team member who recorded it, changes a value entry."
)


def can_load_revenue(user: AnyUser) -> bool:
    """Ops load and correct revenue records and forecasts."""
    return is_ops(user)


def can_price_activities(user: AnyUser) -> bool:
    """Ops keep the activity types and their rates."""
    return is_ops(user)


def can_record_activity(user: AnyUser, account: Account) -> bool:
    """The account's owner and team members record activities, and ops."""
    return is_ops(user) or can_contribute_to_account(user, account)


def can_change_activity(user: AnyUser, activity: ServiceActivity) -> bool:
    """Ops change any activity (they load them); otherwise the account's owner any of its
    activities, a team member those they recorded."""
    return is_ops(user) or can_change_account_record(user, activity)


def can_record_value(user: AnyUser, account: Account) -> bool:
    """The account's owner and team members add to its value ledger."""
    return can_contribute_to_account(user, account)


def can_change_value_entry(user: AnyUser, entry: ValueEntry) -> bool:
    """The owner changes any ledger entry, a team member those they recorded."""
    return can_change_account_record(user, entry)
