"""Template tags of the portfolio app: `{% home_alerts %}` renders an account manager's
alerts on the home page (see `portfolio.alerts`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kam.roles import Role, user_has_role
from portfolio.alerts import home_alerts_for
from portfolio.selectors import ops_status_get

register = template.Library()


@register.inclusion_tag("portfolio/home_alerts.html", takes_context=True)
def home_alerts(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"alerts": None}
    return {"alerts": home_alerts_for(user=user, as_of=timezone.localdate())}


@register.inclusion_tag("portfolio/ops_status.html", takes_context=True)
def ops_status(context: template.Context) -> dict[str, Any]:
    """Ops' home-page panel: the latest runs, the next nightly run and the latest imports."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user_has_role(user, Role.OPS):
        return {"status": None}
    return {"status": ops_status_get(now=timezone.now())}
