"""The search page: the navigation's box lands here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kam.types import AuthenticatedHttpRequest
from search.api import QUERY_MAX, QUERY_TOO_LONG
from search.selectors import TYPE_LABELS, search_for
from search.text import query_words


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())
    problem = ""
    results = None
    if len(query) > QUERY_MAX:
        problem = str(QUERY_TOO_LONG).format(max_length=QUERY_MAX)
    elif query and not query_words(query):
        problem = _("Give at least one word (letters or digits).")
    elif query:
        results = search_for(user=request.user, query=query)
    groups = (
        [(TYPE_LABELS[type_], hits) for type_, hits in results.groups.items()] if results else []
    )
    return render(
        request,
        "search/search.html",
        {"search_query": query, "results": results, "groups": groups, "problem": problem},
        status=400 if problem else 200,
    )
