"""Alerts on an account manager's home page, for the accounts they may see:

* churn rising: the account is at churn risk (DOMAIN.md at_risk) in the latest successful
  analysis run and was not in the one before it, or its churn stage rose (accounts missing
  from either run are not compared);
* key influencers overdue: active economic buyers and coaches not contacted within their
  desired contact frequency, or never (`relationships.selectors`' overdue rule);
* plan actions overdue: open actions due before today (`accounts.plans.selectors`);
* value unconfirmed: value-ledger entries dated more than 90 days ago that the customer has
  not confirmed (value that is not confirmed does not count with the customer).

This lives in portfolio/ because it reads every app and accounts/ must not import
portfolio/. Each kind is one query whatever the number of accounts (five in all, the two
latest runs included), and each list stops at `ALERT_LIMIT` rows with a count of "more".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, F, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse

from accounts.plans.selectors import plan_actions_overdue
from accounts.selectors import accounts_visible_to
from kam.formatting import money
from kam.roles import Role, user_has_role
from kam.types import AnyUser, User
from portfolio.churn.playbook import signal_action
from portfolio.churn.signals import signal_label
from portfolio.models import AccountSnapshot, AnalysisRun
from relationships.selectors import contacts_visible_to
from valuation.selectors import value_entries_visible_to

ALERT_LIMIT = 10
UNCONFIRMED_VALUE_DAYS = 90


@dataclass(frozen=True)
class Alert:
    account_id: int
    account_name: str
    message: str
    url: str  # where to act
    action: str  # the link's words


@dataclass
class AlertGroup:
    kind: str
    title: str
    alerts: list[Alert] = field(default_factory=list)
    has_more: bool = False
    more_url: str = ""


@dataclass
class HomeAlerts:
    groups: list[AlertGroup]

    @property
    def total(self) -> int:
        return sum(len(group.alerts) for group in self.groups)


def _limited(rows: list[Any]) -> tuple[list[Any], bool]:
    return rows[:ALERT_LIMIT], len(rows) > ALERT_LIMIT


def churn_rising_alerts(*, user: User) -> AlertGroup:
    """Accounts at churn risk (DOMAIN.md at_risk) in the latest successful run that were not
    at risk in the run before, or whose churn stage rose since: the same at_risk every
    page counts, largest revenue at risk first (2 queries)."""
    group = AlertGroup(kind="churn", title="Churn risk rising")
    runs = list(
        AnalysisRun.objects.filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("-as_of", "-finished_at", "-id")
        .values_list("pk", flat=True)[:2]
    )
    if len(runs) < 2:
        return group
    latest, previous = runs
    before = AccountSnapshot.objects.filter(run_id=previous, account_id=OuterRef("account_id"))
    snapshots = list(
        AccountSnapshot.objects.filter(
            run_id=latest, at_risk=True, account__in=accounts_visible_to(user).values("pk")
        )
        .annotate(
            previous_stage=Subquery(before.values("churn_stage")[:1], output_field=IntegerField()),
            previous_at_risk=Subquery(before.values("at_risk")[:1], output_field=BooleanField()),
        )
        .filter(
            Q(previous_at_risk=False) | Q(churn_stage__gt=F("previous_stage")),
            previous_stage__isnull=False,
        )
        .select_related("account")
        .order_by("-revenue_ttm", "account__name")[: ALERT_LIMIT + 1]
    )
    shown, group.has_more = _limited(snapshots)
    for snapshot in shown:
        codes = [
            str(signal.get("code", ""))
            for signal in snapshot.signals or []
            if isinstance(signal, dict)
        ]
        names = ", ".join(signal_label(code) for code in codes)
        change = (
            f"Churn stage rose from {snapshot.previous_stage} to {snapshot.churn_stage}"
            if snapshot.previous_at_risk
            else "Now at churn risk"
        )
        first_step = signal_action(codes[-1]) if codes else ""
        group.alerts.append(
            Alert(
                account_id=snapshot.account_id,
                account_name=snapshot.account.name,
                message=f"{change} (score {snapshot.churn_score}, stage {snapshot.churn_stage})"
                + (f": {names}." if names else ".")
                + (f" {first_step}" if first_step else ""),
                url=reverse("portfolio:account-analysis", args=[snapshot.account_id]),
                action="See the signals",
            )
        )
    return group


def influencers_overdue_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Active economic buyers and coaches overdue against their contact frequency (1 query)."""
    group = AlertGroup(kind="influencers", title="Key influencers overdue")
    contacts = list(
        contacts_visible_to(user=user, as_of=as_of)
        .prefetch_related(None)
        # is_overdue is the selector's annotation, which the type checker does not see.
        .filter(Q(is_economic_buyer=True) | Q(is_coach=True), Q(is_overdue=True), is_active=True)
        .order_by(F("last_interaction_on").asc(nulls_first=True), "account__name", "name")[
            : ALERT_LIMIT + 1
        ]
    )
    shown, group.has_more = _limited(contacts)
    for contact in shown:
        role = "economic buyer" if contact.is_economic_buyer else "coach"
        if contact.is_economic_buyer and contact.is_coach:
            role = "economic buyer and coach"
        if contact.last_interaction_on is None:
            when = "never contacted"
        else:
            days = (as_of - contact.last_interaction_on).days
            when = f"last contact {days} days ago"
        group.alerts.append(
            Alert(
                account_id=contact.account_id,
                account_name=contact.account.name,
                message=f"{contact.name} ({role}): {when}, wanted every "
                f"{contact.contact_frequency_days} days.",
                url=reverse("relationships:interaction-log", args=[contact.account_id]),
                action="Log an interaction",
            )
        )
    return group


def actions_overdue_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Open plan actions due before `as_of` (1 query)."""
    group = AlertGroup(
        kind="actions",
        title="Plan actions overdue",
        more_url=reverse("accounts:overdue-actions"),
    )
    actions = list(
        plan_actions_overdue(user=user, as_of=as_of).order_by("due", "id")[: ALERT_LIMIT + 1]
    )
    shown, group.has_more = _limited(actions)
    for action in shown:
        days = (as_of - action.due).days
        group.alerts.append(
            Alert(
                account_id=action.plan.account_id,
                account_name=action.plan.account.name,
                message=f"“{action.title}” ({action.owner.username}) was due "
                f"{action.due.isoformat()}, {days} day{'s' if days != 1 else ''} ago.",
                url=reverse("accounts:plan-detail", args=[action.plan_id]),
                action="Open the plan",
            )
        )
    return group


def values_unconfirmed_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Ledger entries older than 90 days the customer has not confirmed (1 query)."""
    group = AlertGroup(kind="values", title="Value not confirmed by the customer")
    cutoff = as_of - timedelta(days=UNCONFIRMED_VALUE_DAYS)
    entries = list(
        value_entries_visible_to(user)
        .filter(customer_confirmed=False, date__lt=cutoff)
        .order_by("date", "id")[: ALERT_LIMIT + 1]
    )
    shown, group.has_more = _limited(entries)
    currency = str(settings.KAM_CURRENCY)
    for entry in shown:
        direction = "delivered" if entry.direction == "delivered" else "received"
        group.alerts.append(
            Alert(
                account_id=entry.account_id,
                account_name=entry.account.name,
                message=f"{entry.category} ({direction}), {money(entry.amount, currency)} dated "
                f"{entry.date.isoformat()}: not confirmed by the customer after "
                f"{(as_of - entry.date).days} days.",
                # Straight to the entry's row, where "Mark confirmed" is.
                url=reverse("valuation:account-value", args=[entry.account_id])
                + f"#entry-{entry.pk}",
                action="Confirm with the customer",
            )
        )
    return group


def home_alerts_for(*, user: AnyUser, as_of: date) -> HomeAlerts | None:
    """The four alert lists for an account manager; None for anybody else (executives and
    ops have their own dashboards). Five queries in all, whatever the portfolio's size."""
    if not isinstance(user, User) or not user_has_role(user, Role.ACCOUNT_MANAGER):
        return None
    return HomeAlerts(
        groups=[
            churn_rising_alerts(user=user),
            influencers_overdue_alerts(user=user, as_of=as_of),
            actions_overdue_alerts(user=user, as_of=as_of),
            values_unconfirmed_alerts(user=user, as_of=as_of),
        ]
    )
