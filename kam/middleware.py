"""Request checks that hold for every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext_lazy

NUL_MESSAGE = gettext_lazy(
    "The address contains a NUL character (%00), which no field accepts; remove it."
)


class RejectNulInQueryMiddleware:
    """Answer 400 when a query parameter holds a NUL character.

    PostgreSQL refuses NUL in any text it is given, so a search or filter value read from the
    query string would otherwise fail as a server error. Forms and serializers already refuse
    NUL in submitted fields (Django's and DRF's CharField validators); this covers the query
    strings that views read directly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(NUL_MESSAGE)}, status=400)
            return HttpResponseBadRequest(
                str(NUL_MESSAGE), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
