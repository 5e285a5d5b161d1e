"""The daily checks that notify once (issue 18), and the account managers' weekly summary.

They read several apps (plans, the value ledger, the analysis), so they live in this top
layer; `notifications.services.notify` writes the rows and queues the e-mails."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.models import ActionStatus, PlanAction
from kam.roles import Role
from kam.types import User
from notifications.email import absolute_url
from notifications.models import Kind, Notification
from notifications.selectors import language_of, users_with_role
from notifications.services import notification_message, notify
from portfolio.alerts import UNCONFIRMED_VALUE_DAYS, HomeAlerts, home_alerts_for
from valuation.models import ValueEntry

logger = logging.getLogger(__name__)

# The value ledger's directions in the words of a notification.
DIRECTION_WORDS = {"delivered": gettext_lazy("delivered"), "received": gettext_lazy("received")}


def _already_told(keys: list[str]) -> set[str]:
    return set(Notification.objects.filter(once_key__in=keys).values_list("once_key", flat=True))


def overdue_actions_notify(*, as_of: date, email: bool = True) -> int:
    """Tell each open action's owner, once per due date, that it is overdue."""
    actions: QuerySet[PlanAction] = (
        PlanAction.objects.filter(status=ActionStatus.OPEN, due__lt=as_of)
        .select_related("owner", "plan__account")
        .order_by("due", "id")
    )
    pending = [(f"action-overdue:{a.pk}:{a.due.isoformat()}", a) for a in actions]
    told = _already_told([key for key, _ in pending])
    made = 0
    for key, action in pending:
        if key in told:
            continue
        days = (as_of - action.due).days
        made += len(
            notify(
                recipients=[action.owner],
                kind=Kind.ACTION_OVERDUE,
                message=notification_message(
                    ngettext_lazy(
                        "“%(title)s” on the %(period)s plan of %(account)s was due %(due)s, "
                        "%(days)s day ago.",
                        "“%(title)s” on the %(period)s plan of %(account)s was due %(due)s, "
                        "%(days)s days ago.",
                        days,
                    ),
                    title=action.title,
                    period=action.plan.period,
                    account=action.plan.account.name,
                    due=action.due.isoformat(),
                    days=days,
                ),
                url=reverse("accounts:plan-detail", args=[action.plan_id]),
                once_key=key,
                email=email,
            )
        )
    return made


def unconfirmed_values_notify(*, as_of: date, email: bool = True) -> int:
    """Tell each account's owner, once per entry, of value the customer has not confirmed
    within 90 days of its date."""
    cutoff = as_of - timedelta(days=UNCONFIRMED_VALUE_DAYS)
    entries = (
        ValueEntry.objects.filter(
            customer_confirmed=False, date__lt=cutoff, account__owner__isnull=False
        )
        .select_related("account__owner")
        .order_by("date", "id")
    )
    pending = [(f"value-unconfirmed:{e.pk}", e) for e in entries]
    told = _already_told([key for key, _ in pending])
    made = 0
    for key, entry in pending:
        if key in told:
            continue
        made += len(
            notify(
                recipients=[entry.account.owner],
                kind=Kind.VALUE_UNCONFIRMED,
                message=notification_message(
                    gettext_lazy(
                        "%(category)s (%(direction)s), %(amount)s dated %(date)s on "
                        "%(account)s: not confirmed by the customer after %(days)s days."
                    ),
                    category=entry.category,
                    direction=DIRECTION_WORDS.get(entry.direction, entry.direction),
                    amount=f"{entry.amount:,}",
                    date=entry.date.isoformat(),
                    account=entry.account.name,
                    days=(as_of - entry.date).days,
                ),
                url=reverse("valuation:account-value", args=[entry.account_id]),
                once_key=key,
                email=email,
            )
        )
    return made


def weekly_summary_body(*, user: User, alerts: HomeAlerts) -> str:
    """The summary's text, in the active language."""
    lines = [
        _("Hello %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        _("Your week in KAM:"),
        "",
    ]
    for group in alerts.groups:
        if not group.alerts:
            continue
        more = "+" if group.has_more else ""
        lines.append(
            _("%(title)s (%(count)s)")
            % {"title": group.title, "count": f"{len(group.alerts)}{more}"}
        )
        lines.extend(
            f"  - {alert.account_name}: {alert.message} {absolute_url(alert.url)}"
            for alert in group.alerts
        )
        lines.append("")
    lines.append(_("Your inbox: %(url)s") % {"url": absolute_url("/inbox/")})
    return "\n".join(lines)


def weekly_summaries_send(*, as_of: date) -> int:
    """One e-mail to each account manager with an address: their alerts (churn stage risen,
    key influencers and plan actions overdue, value unconfirmed), in their language. Nothing to
    say, no e-mail; one failed send is logged and the others go on. Returns the number sent."""
    sent = 0
    for user in users_with_role(Role.ACCOUNT_MANAGER).exclude(email="").order_by("username"):
        with translation.override(language_of(user=user)):
            alerts = home_alerts_for(user=user, as_of=as_of)
            if alerts is None or not alerts.total:
                continue
            subject = _("KAM: your weekly summary (%(count)s)") % {"count": alerts.total}
            body = weekly_summary_body(user=user, alerts=alerts)
        try:
            send_mail(
                subject=subject,
                message=body,
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception as error:  # noqa: BLE001 - one user's failure must not stop the others
            logger.error("Could not send %s's weekly summary: %s", user.username, error)
            continue
        sent += 1
    return sent
