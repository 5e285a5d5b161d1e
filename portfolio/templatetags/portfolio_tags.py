"""Template tags of the portfolio app: `{% home_alerts %}` renders an account manager's
alerts on the home page (see `portfolio.alerts`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from portfolio.alerts import home_alerts_for

register = template.Library()


@register.inclusion_tag("portfolio/home_alerts.html", takes_context=True)
def home_alerts(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"alerts": None}
    return {"alerts": home_alerts_for(user=user, as_of=timezone.localdate())}
