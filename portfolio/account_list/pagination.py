"""The account list's pages at depth (100,000 accounts): `?page=N` as every list answers it,
and `?cursor=` (keyset pagination), whose cost does not grow with the page's depth; and the
`count` of either read from the cache, computed once per version of the accounts data
(kam.data_versions), per caller's scope and filters, instead of a `count(*)` per request.

`?cursor=` (empty: the first page) answers `count`, `next`, `previous` and `results` as a
page does; `next` and `previous` carry the cursor of the row beyond the page. A cursor
holds the position (the ordering's value and the id of the last or first row shown), so a
row added or removed meanwhile never repeats or skips another. It sorts by one `ordering=`
term (and `id`), as the page does; two terms answer 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from kam import data_versions
from kam.api import StandardPagination
from portfolio.account_list.selectors import reader_scope

CURSOR = "cursor"
# The query parameters that choose which rows, not which page or order of them.
NOT_FILTERS = {"page", "page_size", CURSOR, "ordering", "format"}
COUNT_SECONDS = 24 * 60 * 60


def cached_count(
    *,
    user: Any,
    params: Any,
    queryset: QuerySet[Any],
    kind: str,
    run_id: int | None,
    not_filters: frozenset[str] | set[str] = NOT_FILTERS,
) -> int:
    """`queryset.count()`, from the cache when this scope (the user's accounts, or every
    account for executives and ops) and these filters (`params` but `not_filters`, a
    QueryDict) of the list `kind` were counted since the accounts last changed (a new
    analysis run changes the rows of the figures' filters: `run_id`, the run the figures
    come from, is part of the key)."""
    filters = sorted((name, params.getlist(name)) for name in params if name not in not_filters)
    digest = hashlib.sha256(json.dumps([filters, run_id]).encode()).hexdigest()[:24]
    scope = reader_scope(user)
    version = data_versions.current(data_versions.ACCOUNTS)
    key = f"account-list-count:{kind}:{version}:{scope}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.order_by().count()
        cache.set(key, count, COUNT_SECONDS)
    return int(count)


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (``cached_count``) instead of counting."""

    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


class AccountListPagination(StandardPagination):
    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.cursor_request = request
        self.cursor_mode = CURSOR in request.query_params
        run = getattr(view, "figures_run", None)
        count = cached_count(
            user=request.user,
            params=request.query_params,
            queryset=queryset,
            kind="api",
            run_id=None if run is None else run.pk,
        )
        if not self.cursor_mode:
            self.django_paginator_class = lambda *a, **k: CountedPaginator(  # type: ignore[assignment]
                *a, count=count, **k
            )
            return super().paginate_queryset(queryset, request, view)
        return self._keyset_page(queryset, request, view, count)

    # --- keyset ---

    def _keyset_page(
        self, queryset: QuerySet[Any], request: Request, view: Any, count: int
    ) -> list[Any]:
        if len(request.query_params.getlist(CURSOR)) > 1:
            raise serializers.ValidationError({CURSOR: ["Give it once."]})
        if "page" in request.query_params:
            raise serializers.ValidationError({CURSOR: ["Give a cursor or a page, not both."]})
        size = self.get_page_size(request)
        field, descending = _ordering(request, view)
        position = _decode(request.query_params.get(CURSOR, ""))
        backwards = position is not None and position["before"]
        rows = queryset.order_by(*_order(field, descending=descending, backwards=backwards))
        if position is not None:
            rows = rows.filter(
                _beyond(field, position["value"], position["id"], descending, backwards)
            )
        page = list(rows[: size + 1])
        more = len(page) > size
        page = page[:size]
        if backwards:
            page.reverse()
        self.count = count
        self.field = field
        self.rows = page
        came_from_elsewhere = position is not None
        self.has_next = more if not backwards else True
        self.has_previous = more if backwards else came_from_elsewhere
        return page

    def _link(self, row: Any, *, before: bool) -> str:
        value = getattr(row, self.field)
        token = json.dumps({"v": _jsonable(value), "id": row.pk, "b": before})
        encoded = base64.urlsafe_b64encode(token.encode()).decode()
        url = remove_query_param(self.cursor_request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR, encoded)

    def get_paginated_response(self, data: Any) -> Response:
        if not getattr(self, "cursor_mode", False):
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.count,
                "next": self._link(self.rows[-1], before=False)
                if self.has_next and self.rows
                else None,
                "previous": self._link(self.rows[0], before=True)
                if self.has_previous and self.rows
                else None,
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": CURSOR,
                "required": False,
                "in": "query",
                "description": "Keyset pagination: empty for the first page, then the cursor of "
                "a `next` or `previous` link. Its cost does not grow with depth. Sorts by one "
                "`ordering` term; not with `page`.",
                "schema": {"type": "string"},
            }
        )
        return parameters


def _ordering(request: Request, view: Any) -> tuple[str, bool]:
    raw = request.query_params.get("ordering")
    allowed = set(getattr(view, "ordering_fields", ()))
    if not raw:
        return "name", False
    terms = [term.strip() for term in raw.split(",") if term.strip()]
    # Unknown terms are left out, as the numbered pages' ordering does; none left: by name.
    terms = [term for term in terms if term.lstrip("-") in allowed]
    if terms and terms[-1].lstrip("-") == "id" and len(terms) > 1:
        terms = terms[:-1]
    if not terms:
        return "name", False
    if len(terms) != 1:
        raise serializers.ValidationError(
            {"ordering": ["With a cursor, give one ordering term (id breaks ties)."]}
        )
    return terms[0].lstrip("-"), terms[0].startswith("-")


def _order(field: str, *, descending: bool, backwards: bool) -> list[Any]:
    """The sort of the page (nulls last, then id), or its reverse to read a previous page."""
    if not backwards:
        term = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return [term, F("id").asc()] if field != "id" else [term]
    term = F(field).asc(nulls_first=True) if descending else F(field).desc(nulls_first=True)
    return [term, F("id").desc()] if field != "id" else [term]


def _beyond(field: str, value: Any, pk: int, descending: bool, backwards: bool) -> Q:
    """The rows after (or, `backwards`, before) the row (`value`, `pk`) in the page's sort."""
    if field == "id":
        later = descending == backwards
        return Q(id__gt=pk) if later else Q(id__lt=pk)
    null = Q(**{f"{field}__isnull": True})
    same = Q(**{field: value})
    further = "lt" if descending != backwards else "gt"
    id_further = "lt" if backwards else "gt"
    if not backwards:
        if value is None:
            return null & Q(id__gt=pk)
        return Q(**{f"{field}__{further}": value}) | (same & Q(id__gt=pk)) | null
    if value is None:
        return ~null | (null & Q(**{f"id__{id_further}": pk}))
    return Q(**{f"{field}__{further}": value}) | (same & Q(**{f"id__{id_further}": pk}))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _decode(raw: str) -> dict[str, Any] | None:
    if raw == "":
        return None
    try:
        token = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
        position = {"value": token["v"], "id": int(token["id"]), "before": bool(token["b"])}
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as error:
        raise serializers.ValidationError(
            {CURSOR: ["This cursor is not one the list gave; follow a next or previous link."]}
        ) from error
    if not isinstance(position["value"], str | int | float | bool | None):
        raise serializers.ValidationError({CURSOR: ["This cursor is not one the list gave."]})
    return position
