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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.plans.selectors import plan_actions_overdue
from accounts.selectors import accounts_visible_to
from kam.formatting import money
from kam.roles import Role, user_has_role
from kam.types import AnyUser, User
from portfolio.models import AccountSnapshot, AnalysisRun
from portfolio.signal_words import signal_name, signal_step
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
    group = AlertGroup(kind="churn", title=_("Churn risk rising"))
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
        names = pgettext("between the names in a list", ", ").join(
            signal_name(code) for code in codes
        )
        figures = {
            "from": snapshot.previous_stage,
            "stage": snapshot.churn_stage,
            "score": snapshot.churn_score,
            "signals": names,
        }
        if snapshot.previous_at_risk:
            message = (
                _(
                    "Churn stage rose from %(from)s to %(stage)s (score %(score)s, stage "
                    "%(stage)s): %(signals)s."
                )
                if names
                else _(
                    "Churn stage rose from %(from)s to %(stage)s (score %(score)s, stage "
                    "%(stage)s)."
                )
            ) % figures
        else:
            message = (
                _("Now at churn risk (score %(score)s, stage %(stage)s): %(signals)s.")
                if names
                else _("Now at churn risk (score %(score)s, stage %(stage)s).")
            ) % figures
        first_step = signal_step(codes[-1]) if codes else ""
        group.alerts.append(
            Alert(
                account_id=snapshot.account_id,
                account_name=snapshot.account.name,
                message=message + (f" {first_step}" if first_step else ""),
                url=reverse("portfolio:account-analysis", args=[snapshot.account_id]),
                action=_("See the signals"),
            )
        )
    return group


def influencers_overdue_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Active economic buyers and coaches overdue against their contact frequency (1 query)."""
    group = AlertGroup(kind="influencers", title=_("Key influencers overdue"))
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
        role = _("economic buyer") if contact.is_economic_buyer else _("coach")
        if contact.is_economic_buyer and contact.is_coach:
            role = _("economic buyer and coach")
        words = {
            "name": contact.name,
            "role": role,
            "frequency": contact.contact_frequency_days,
        }
        if contact.last_interaction_on is None:
            message = _("%(name)s (%(role)s): never contacted, wanted every %(frequency)s days.")
        else:
            words["days"] = (as_of - contact.last_interaction_on).days
            message = _(
                "%(name)s (%(role)s): last contact %(days)s days ago, wanted every "
                "%(frequency)s days."
            )
        group.alerts.append(
            Alert(
                account_id=contact.account_id,
                account_name=contact.account.name,
                message=message % words,
                url=reverse("relationships:interaction-log", args=[contact.account_id]),
                action=_("Log an interaction"),
            )
        )
    return group


def actions_overdue_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Open plan actions due before `as_of` (1 query)."""
    group = AlertGroup(
        kind="actions",
        title=_("Plan actions overdue"),
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
                message=ngettext(
                    "“%(title)s” (%(owner)s) was due %(due)s, %(days)s day ago.",
                    "“%(title)s” (%(owner)s) was due %(due)s, %(days)s days ago.",
                    days,
                )
                % {
                    "title": action.title,
                    "owner": action.owner.username,
                    "due": action.due.isoformat(),
                    "days": days,
                },
                url=reverse("accounts:plan-detail", args=[action.plan_id]),
                action=_("Open the plan"),
            )
        )
    return group


def values_unconfirmed_alerts(*, user: User, as_of: date) -> AlertGroup:
    """Ledger entries older than 90 days the customer has not confirmed (1 query)."""
    group = AlertGroup(kind="values", title=_("Value not confirmed by the customer"))
    cutoff = as_of - timedelta(days=UNCONFIRMED_VALUE_DAYS)
    entries = list(
        value_entries_visible_to(user)
        .filter(customer_confirmed=False, date__lt=cutoff)
        .order_by("date", "id")[: ALERT_LIMIT + 1]
    )
    shown, group.has_more = _limited(entries)
    currency = str(settings.KAM_CURRENCY)
    for entry in shown:
        direction = _("delivered") if entry.direction == "delivered" else _("received")
        group.alerts.append(
            Alert(
                account_id=entry.account_id,
                account_name=entry.account.name,
                message=_(
                    "%(category)s (%(direction)s), %(amount)s dated %(date)s: not confirmed by "
                    "the customer after %(days)s days."
                )
                % {
                    "category": entry.category,
                    "direction": direction,
                    "amount": money(entry.amount, currency),
                    "date": entry.date.isoformat(),
                    "days": (as_of - entry.date).days,
                },
                # Straight to the entry's row, where "Mark confirmed" is.
                url=reverse("valuation:account-value", args=[entry.account_id])
                + f"#entry-{entry.pk}",
                action=_("Confirm with the customer"),
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
