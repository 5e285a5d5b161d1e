"""`{% waiting_for_you %}`: an executive's decisions waiting, on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from inbox.selectors import waiting_for

register = template.Library()


@register.inclusion_tag("inbox/waiting.html", takes_context=True)
def waiting_for_you(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "waiting": None if user is None else waiting_for(user=user),
        "csrf_token": context.get("csrf_token"),
        "compact": True,
    }
