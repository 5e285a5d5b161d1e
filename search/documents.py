"""What each type of result is searched on, and the SQL of its full-text document.

On PostgreSQL each table has a GIN index on exactly this expression (migration 0001), so a
search reads the index: `to_tsvector('simple', translate(kam_unaccent(a || ' ' || b …),
SEPARATORS, spaces))`, where
`kam_unaccent` is the unaccent extension's function made immutable (or the text itself
where the extension could not be created). The 'simple' configuration lower-cases and keeps
every word (no stemming, no stop words: names and titles are not English prose)."""

from __future__ import annotations

from dataclasses import dataclass

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
        Document("contact", "relationships_contact", ("name", "title"), "search_contact_gin"),
        Document("plan", "accounts_accountplan", ("period", "strategy"), "search_plan_gin"),
        Document(
            "complaint", "accounts_complaint", ("category", "description"), "search_complaint_gin"
        ),
        Document(
            "interaction", "relationships_interaction", ("summary",), "search_interaction_gin"
        ),
    )
}


def document_sql(document: Document, *, qualified: bool = True) -> str:
    """The tsvector expression of the document (columns named with their table in a query,
    bare in the index; PostgreSQL matches the two)."""

    def column(name: str) -> str:
        return f'"{document.table}"."{name}"' if qualified else f'"{name}"'

    text = " || ' ' || ".join(f"COALESCE({column(name)}, '')" for name in document.columns)
    return (
        f"to_tsvector('simple'::regconfig, translate(kam_unaccent({text}), "
        f"'{SEPARATORS}', '{' ' * len(SEPARATORS)}'))"
    )
