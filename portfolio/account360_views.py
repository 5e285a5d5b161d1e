"""The account 360 page: one printable page for an account's review (thin: parse, call, render)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import account_get_for_user
from portfolio.account360_figures import account_360_figures
from portfolio.account360_selectors import account_360


def _parse_as_of(raw: str | None, today: datetime.date) -> tuple[datetime.date, str]:
    """The `as_of` query parameter (YYYY-MM-DD, not after today), or today with a message."""
    if not raw:
        return today, ""
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, f"“{raw}” is not a date (use YYYY-MM-DD); showing today instead."
    if as_of > today:
        return today, "The review date cannot be in the future; showing today instead."
    return as_of, ""


@login_required
def account_360_page(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    today = timezone.localdate()
    as_of, as_of_error = _parse_as_of(request.GET.get("as_of"), today)
    data = account_360(user=request.user, account=account, as_of=as_of)
    return render(
        request,
        "portfolio/account_360.html",
        {
            "account": account,
            "tab": "360",
            "data": data,
            "as_of": as_of,
            "is_today": as_of == today,
            "as_of_error": as_of_error,
            **account_360_figures(data),
        },
    )
