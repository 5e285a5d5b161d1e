"""What each type of result is searched on, and the SQL of its full-text document.

On PostgreSQL each table has a GIN index on exactly this expression (migration 0001), so a
search reads the index: `to_tsvector('simple', translate(kam_unaccent(a || ' ' || b …),
SEPARATORS, spaces))`, where
`kam_unaccent` is the unaccent extension's function made immutable (or the text itself
where the extension could not be created). The 'simple' configuration lower-cases and keeps
every word (no stemming, no stop words: names and titles are not English prose)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, F, Func, TextField, Value
from django.db.models.functions import Coalesce

# Read as spaces before the words are parsed: PostgreSQL's parser keeps "PK-77", an e-mail
# address, a host name or a path whole (and "<east>" as a tag), where a person types their
# parts; the query's words (search/text.py) are split on the same characters.
SEPARATORS = "-./@_:+<>&#=?~"


@dataclass(frozen=True)
class Document:
    type: str
    table: str
    columns: tuple[str, ...]
    index_name: str


DOCUMENTS: dict[str, Document] = {
    d.type: d
    for d in (
        Document(
            "account", "accounts_account", ("name", "external_id", "industry"), "search_account_gin"
        ),
        Document(
            "contact", "relationships_contact", ("name", "title", "email"), "search_contact_gin"
        ),
        Document("plan", "accounts_accountplan", ("period", "strategy"), "search_plan_gin"),
        Document(
            "complaint", "accounts_complaint", ("category", "description"), "search_complaint_gin"
        ),
        Document(
            "interaction", "relationships_interaction", ("summary",), "search_interaction_gin"
        ),
    )
}


class _Joined(Func):
    """a || ' ' || b …"""

    template = "%(expressions)s"
    arg_joiner = " || ' ' || "


class _Document(Func):
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"


class _Query(Func):
    template = "to_tsquery('simple'::regconfig, %(expressions)s)"


class _Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def document_expression(document: Document) -> Func:
    """The document's tsvector, the expression of its GIN index (Django names each column
    with the alias its query gives the table, in a subquery too)."""
    text = _Joined(
        *(Coalesce(F(name), Value(""), output_field=TextField()) for name in document.columns),
        output_field=TextField(),
    )
    unaccented = Func(text, function="kam_unaccent", output_field=TextField())
    spaced = Func(
        unaccented,
        Value(SEPARATORS),
        Value(" " * len(SEPARATORS)),
        function="translate",
        output_field=TextField(),
    )
    return _Document(spaced, output_field=TextField())


def document_matches(document: Document, tsquery: str) -> Func:
    """True where the document matches the tsquery text ('pack':* & 'cfo':*)."""
    return _Matches(document_expression(document), _Query(Value(tsquery), output_field=TextField()))
