"""The global search: accounts (name, external id, industry), contacts (name, title, e-mail), plans
(period, strategy), complaints and interactions (their text), only on the accounts the user
may see (the gatekeeper, accounts.selectors.accounts_visible_to).

A word matches the beginning of a word of the record, accents and case ignored; every word
of the query must match. On PostgreSQL: full-text search on the GIN indexes of
search/documents.py; on SQLite: each word `icontains` in one of the fields, then the same
word-beginning test in Python; SQLite compares the fields through `fold` (search/text.py),
a function of this connection, so accents and case are ignored there too. One query per
type, at most `limit` results of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import CharField, F, Func, Model, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Account, AccountPlan, Complaint
from accounts.selectors import accounts_visible_to
from kam.types import AnyUser
from relationships.models import Contact, Interaction
from search.documents import DOCUMENTS, document_matches
from search.text import Snippet, fold, matches_all, query_words, snippet, tsquery

TYPES = ("account", "contact", "plan", "complaint", "interaction")
TYPE_LABELS = {
    "account": gettext_lazy("Accounts"),
    "contact": gettext_lazy("Contacts"),
    "plan": gettext_lazy("Plans"),
    "complaint": gettext_lazy("Complaints"),
    "interaction": gettext_lazy("Interactions"),
}
LIMIT = 10
# SQLite reads this many candidates per type before the word-beginning test.
SQLITE_CANDIDATES = 200


@dataclass(frozen=True)
class Hit:
    type: str
    id: int
    account: int
    account_name: str
    title: str
    snippet: Snippet
    title_html: str
    url: str


@dataclass
class SearchResults:
    query: str
    words: list[str]
    groups: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def hits(self) -> list[Hit]:
        return [hit for type_ in TYPES for hit in self.groups.get(type_, [])]

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.groups.values())


@dataclass(frozen=True)
class _Type:
    model: type[Model]
    columns: tuple[str, ...]
    base: Callable[[QuerySet[Account]], QuerySet[Any]]
    order: tuple[Any, ...]
    describe: Callable[[Any], tuple[str, str, str]]  # title, text for the snippet, url


def _unindexed(field: str) -> Coalesce:
    """The field, in an expression no b-tree index serves. Ordered by an indexed column with
    a LIMIT, PostgreSQL walks that index and computes each row's document until ten match
    (a whole table for a rare word); ordered by an expression, it reads the matches from the
    GIN index and sorts those."""
    return Coalesce(F(field), F(field))


def _account(a: Account) -> tuple[str, str, str]:
    text = " · ".join(x for x in (a.external_id or "", a.industry) if x)
    return a.name, text, reverse("accounts:detail", args=[a.pk])


def _contact(c: Contact) -> tuple[str, str, str]:
    url = reverse("relationships:map", args=[c.account_id]) + f"?focus={c.pk}"
    return c.name, " · ".join(x for x in (c.title, c.email) if x), url


def _plan(p: AccountPlan) -> tuple[str, str, str]:
    return (
        gettext("%(account)s · %(period)s plan") % {"account": p.account.name, "period": p.period},
        p.strategy,
        reverse("accounts:plan-detail", args=[p.pk]),
    )


def _complaint(c: Complaint) -> tuple[str, str, str]:
    return (
        f"{c.category} · {c.opened_on.isoformat()}",
        c.description,
        reverse("accounts:voice", args=[c.account_id]),
    )


def _interaction(i: Interaction) -> tuple[str, str, str]:
    return (
        f"{i.get_channel_display()} · {i.date.isoformat()}",
        i.summary,
        reverse("relationships:interaction-log", args=[i.account_id]),
    )


_TYPES: dict[str, _Type] = {
    "account": _Type(
        Account,
        DOCUMENTS["account"].columns,
        lambda visible: visible,
        (Lower("name"), "id"),
        _account,
    ),
    "contact": _Type(
        Contact,
        DOCUMENTS["contact"].columns,
        lambda visible: Contact.objects.filter(account__in=visible.values("pk")).select_related(
            "account"
        ),
        (Lower("name"), "id"),
        _contact,
    ),
    "plan": _Type(
        AccountPlan,
        DOCUMENTS["plan"].columns,
        lambda visible: AccountPlan.objects.filter(account__in=visible.values("pk")).select_related(
            "account"
        ),
        (_unindexed("period_start").desc(), "-id"),
        _plan,
    ),
    "complaint": _Type(
        Complaint,
        DOCUMENTS["complaint"].columns,
        lambda visible: Complaint.objects.filter(account__in=visible.values("pk")).select_related(
            "account"
        ),
        (_unindexed("opened_on").desc(), "-id"),
        _complaint,
    ),
    "interaction": _Type(
        Interaction,
        DOCUMENTS["interaction"].columns,
        lambda visible: Interaction.objects.filter(account__in=visible.values("pk")).select_related(
            "account"
        ),
        (_unindexed("date").desc(), "-id"),
        _interaction,
    ),
}


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def matching(type_: str, rows: QuerySet[Any], words: list[str]) -> QuerySet[Any]:
    if uses_full_text():
        return rows.filter(document_matches(DOCUMENTS[type_], tsquery(words)))
    columns = _TYPES[type_].columns
    # SQLite: this connection's kam_fold; PostgreSQL (when the tests compare the two paths):
    # the migration's kam_unaccent, compared without case.
    sqlite = connection.vendor == "sqlite"
    function, lookup = ("kam_fold", "contains") if sqlite else ("kam_unaccent", "icontains")
    folded = {
        f"folded_{c}": Func(F(c), function=function, output_field=CharField()) for c in columns
    }
    per_word = [reduce(or_, (Q(**{f"folded_{c}__{lookup}": w}) for c in columns)) for w in words]
    matched: QuerySet[Any] = rows.alias(**folded).filter(reduce(and_, per_word))
    return matched


def _plain_functions() -> None:
    """SQLite: `kam_fold(text)` on this connection (accents and case away, as on PostgreSQL)."""
    connection.ensure_connection()
    raw: Any = connection.connection
    raw.create_function("kam_fold", 1, lambda text: fold(text or ""), deterministic=True)


def _hit(type_: str, row: Any, words: list[str]) -> Hit:
    title, text, url = _TYPES[type_].describe(row)
    account = row if type_ == "account" else row.account
    return Hit(
        type=type_,
        id=row.pk,
        account=account.pk,
        account_name=account.name,
        title=title,
        title_html=snippet(title, words, length=200).html,
        snippet=snippet(text, words),
        url=url,
    )


def search_for(
    *, user: AnyUser, query: str, types: tuple[str, ...] = TYPES, limit: int = LIMIT
) -> SearchResults:
    """What the user may see that matches every word of `query`, grouped by type."""
    words = query_words(query)
    results = SearchResults(query=query, words=words)
    if not words:
        return results
    visible = accounts_visible_to(user)
    if connection.vendor == "sqlite":
        _plain_functions()
    for type_ in types:
        spec = _TYPES[type_]
        rows = matching(type_, spec.base(visible), words).order_by(*spec.order)
        if uses_full_text():
            # The first `limit` matches by id in a subquery, then only those rows with their
            # account: the join is made for ten rows, not for every match.
            first = rows.values("pk")[:limit]
            found = list(spec.base(visible).filter(pk__in=first).order_by(*spec.order))
        else:
            found = [
                row
                for row in rows[:SQLITE_CANDIDATES]
                if matches_all([str(getattr(row, c) or "") for c in spec.columns], words)
            ][:limit]
        if found:
            results.groups[type_] = [_hit(type_, row, words) for row in found]
    return results
