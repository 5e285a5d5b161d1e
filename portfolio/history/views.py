"""The account's History tab: who changed which of its records, when, and how."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts import selectors
from kam.types import AuthenticatedHttpRequest
from portfolio.history import selectors as history_selectors
from valuation.importing.rules import can_import


@login_required
def account_history(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    kind = request.GET.get("kind", "")
    kinds = history_selectors.history_kinds()
    if kind not in dict(kinds):
        kind = ""
    page, items = history_selectors.account_history_page(
        account=account, kind=kind or None, page=request.GET.get("page")
    )
    return render(
        request,
        "accounts/account_history.html",
        {
            "account": account,
            "tab": "history",
            "page": page,
            "items": items,
            "kind": kind,
            "kinds": kinds,
            "querystring": urlencode({"kind": kind} if kind else {}),
            "imports": history_selectors.history_import_batches() if not kind else None,
            # The import batches link to ops' import pages (valuation.importing.rules).
            "sees_imports": can_import(request.user),
        },
    )
