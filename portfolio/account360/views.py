"""The account 360 page: one printable page for an account's review (thin: parse, call, render)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.selectors import account_get_for_user
from kam.types import AuthenticatedHttpRequest
from portfolio.account360.figures import account_360_figures
from portfolio.account360.selectors import (
    ACCOUNT_360_CACHE_SECONDS,
    account_360,
    account_360_cache_key,
)

# Three years of windows are counted back from the review date; far earlier dates are typos.
EARLIEST_REVIEW_DATE = datetime.date(1900, 1, 1)


def _parse_as_of(raw: str | None, today: datetime.date) -> tuple[datetime.date, str]:
    """The `as_of` query parameter (YYYY-MM-DD, not after today), or today with a message."""
    if not raw:
        return today, ""
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, _("“%(raw)s” is not a date (use YYYY-MM-DD); showing today instead.") % {
            "raw": raw
        }
    if as_of > today:
        return today, _("The review date cannot be in the future; showing today instead.")
    if as_of < EARLIEST_REVIEW_DATE:
        return today, _("The review date cannot be before %(earliest)s; showing today instead.") % {
            "earliest": EARLIEST_REVIEW_DATE.isoformat()
        }
    return as_of, ""


@login_required
def account_360_page(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    """The page's body (everything below the toolbar) is the same for every user who may
    read the account, so it is cached rendered under a key read from the database
    (account_360_cache_key); the gatekeeper runs first on every request, and the frame
    (navigation, user name, tabs, messages, CSRF token) is drawn per request."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    today = timezone.localdate()
    as_of, as_of_error = _parse_as_of(request.GET.get("as_of"), today)
    is_today = as_of == today
    # The body is in the reader's language: one cached body per language.
    key = (
        f"{account_360_cache_key(account=account, as_of=as_of, is_today=is_today)}:{get_language()}"
    )
    context = {
        "account": account,
        "tab": "360",
        "as_of": as_of,
        "is_today": is_today,
        "as_of_error": as_of_error,
    }
    body = cache.get(key)
    if body is None:
        # Any user past the gatekeeper sees the same body: the overdue actions are those of
        # the plans of this account, which every reader of the account may read.
        data = account_360(user=request.user, account=account, as_of=as_of)
        context.update(data=data, **account_360_figures(data))
        body = render_to_string("portfolio/account_360_body.html", context)
        cache.set(key, str(body), timeout=ACCOUNT_360_CACHE_SECONDS)
    context["body"] = mark_safe(body)  # noqa: S308 - our own template output
    return render(request, "portfolio/account_360.html", context)
