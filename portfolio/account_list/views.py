"""`/accounts/`: the accounts a user may see with what KAM computes about them, filtered and
sorted by any column, and downloaded as CSV or XLSX with the same filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.rules import can_create_account
from accounts.saved_views.selectors import saved_view_list
from accounts.saved_views.services import saved_view_delete, saved_view_save
from kam.types import AuthenticatedHttpRequest
from portfolio.account_list.exports import account_list_download
from portfolio.account_list.filters import SORTS, AccountListFilter, order_terms
from portfolio.account_list.pagination import CountedPaginator, cached_count
from portfolio.account_list.selectors import account_list_choices, accounts_with_figures
from portfolio.selectors import analysis_run_latest_succeeded

PAGE_SIZE = 25
DOWNLOADS = ("csv", "xlsx")

# The columns, in order: (title, sort key or "", numeric).
COLUMNS = [
    (gettext_lazy("Account"), "name", False),
    (gettext_lazy("Designation"), "designation", False),
    (gettext_lazy("Owner"), "owner", False),
    (gettext_lazy("Revenue TTM"), "revenue", True),
    (gettext_lazy("Net profit TTM"), "profit", True),
    (gettext_lazy("Segment"), "segment", False),
    (gettext_lazy("Churn risk"), "churn", True),
    (gettext_lazy("Last contact"), "contact", False),
    (gettext_lazy("Plan"), "plan", False),
]


def _sort_links(sort: str, kept: dict[str, str]) -> list[dict[str, Any]]:
    """Each column's header: the link that sorts by it (descending first for figures and
    dates, where the largest or latest matters most), and aria-sort for the current one."""
    headers = []
    for title, key, numeric in COLUMNS:
        current = sort.removeprefix("-") == key
        descending = sort.startswith("-")
        first = f"-{key}" if numeric or key == "contact" else key
        flipped = key if descending else f"-{key}"
        target = flipped if current else first
        headers.append(
            {
                "title": title,
                "numeric": numeric,
                "href": "?" + urlencode({**kept, "sort": target}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


# What a saved view keeps: the filters and the sort (never a page number or a download).
VIEW_PARAMETERS = frozenset([*AccountListFilter.base_filters, "sort"])


def _problems(request: AuthenticatedHttpRequest, filters: AccountListFilter) -> list[str]:
    """What in the address the list cannot do, in words (an old link, a typed URL)."""
    problems = [
        f"{filters.form.fields[name].label}: {message}"
        for name, messages_ in filters.errors.items()
        for message in messages_
    ]
    sort = request.GET.get("sort", "name")
    if sort.removeprefix("-") not in SORTS:
        problems.append(
            _(
                "Sort: “%(sort)s” is not a column of the list; use one of %(sorts)s "
                "(with - for descending)."
            )
            % {"sort": sort, "sorts": ", ".join(SORTS)}
        )
    download = request.GET.get("download", "")
    if download and download not in DOWNLOADS:
        problems.append(
            _("Download: “%(download)s” is not a format; use csv or xlsx.") % {"download": download}
        )
    return problems


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    run = analysis_run_latest_succeeded()
    everything = accounts_with_figures(user=request.user, run=run)
    filters = AccountListFilter(
        request.GET, queryset=everything, choices=account_list_choices(user=request.user)
    )
    problems = _problems(request, filters)
    download = request.GET.get("download", "")
    if problems:
        # Said, with status 400, and nothing listed or downloaded: not everything instead.
        if download:
            return HttpResponse(
                "\n".join(problems), status=400, content_type="text/plain; charset=utf-8"
            )
        sort, accounts = "name", everything.none()
    else:
        sort = request.GET.get("sort", "name")
        accounts = filters.qs.order_by(*order_terms(sort))
        if download:
            return account_list_download(accounts, file_format=download)
    count = cached_count(
        user=request.user,
        params=request.GET,
        queryset=accounts,
        kind="page",
        run_id=None if run is None else run.pk,
        not_filters={"page", "download", "sort"},
    )
    page = CountedPaginator(accounts, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    kept = {
        key: str(value)
        for key, value in request.GET.items()
        if key not in ("page", "download", "sort") and value
    }
    return render(
        request,
        "accounts/account_list.html",
        {
            "page": page,
            "filters": filters,
            "problems": problems,
            "headers": _sort_links(sort, kept),
            "run": run,
            "querystring": urlencode({**kept, "sort": sort}),
            "download_query": urlencode({**kept, "sort": sort}),
            "can_create": can_create_account(request.user),
            "filtered": bool(kept),
            "saved_views": saved_view_list(user=request.user),
            "current_query": urlencode({**kept, "sort": sort}) if kept or sort != "name" else "",
        },
        status=400 if problems else 200,
    )


@login_required
@require_POST
def saved_view_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the list as it is shown (the form posts the list's query string) under a name."""
    query = request.POST.get("query", "")
    try:
        view = saved_view_save(
            user=request.user,
            name=request.POST.get("name", ""),
            query=query,
            allowed=VIEW_PARAMETERS,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, _("The view was not saved: %(problem)s") % {"problem": message})
        return redirect(f"{reverse('accounts')}?{query}")
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('accounts')}?{view.query}")


@login_required
@require_POST
def saved_view_remove(request: AuthenticatedHttpRequest, view_id: int) -> HttpResponse:
    if not saved_view_delete(user=request.user, view_id=view_id):
        raise Http404(_("You have no such saved view."))
    messages.success(request, _("Saved view removed."))
    return redirect("accounts")
