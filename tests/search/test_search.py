"""The global search: every type, a word's beginning with accents and case ignored, only
what the user may see; the PostgreSQL full-text path and the plain (SQLite) path answer
the same for the cases the plain one supports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from accounts.models import Complaint
from search import selectors
from search.selectors import search_for
from search.text import query_words, snippet
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(account: Any, other_manager: Any) -> dict[str, Any]:
    packaging = AccountFactory(
        owner=account.owner, name="Crème Packaging", external_id="PK-77", industry="Packaging"
    )
    cfo = ContactFactory(
        account=packaging,
        name="Jana Novák",
        title="Chief Financial Officer (CFO)",
        email="jana.novak@creme-pack.example",
    )
    ContactFactory(account=packaging, name="Piet Bos", title="Plant manager")
    theirs = AccountFactory(owner=other_manager, name="Rival Packaging Ltd", industry="Packaging")
    ContactFactory(account=theirs, name="Secret Person", title="CFO of the rival")
    plan_with_content(packaging, strategy="Win the <east> plant through the service contract.")
    Complaint.objects.create(
        account=packaging,
        category="Late delivery",
        opened_on=date(2026, 3, 1),
        description="Pallets arrived two days late at the Brno plant.",
    )
    InteractionFactory(account=packaging, summary="Lunch with the CFO about the tender.")
    return {"packaging": packaging, "cfo": cfo, "theirs": theirs}


def _found(results: Any) -> set[tuple[str, str]]:
    return {(hit.type, hit.title) for hit in results.hits}


def test_a_contact_is_found_by_a_word_of_their_title(owner: Any, world: dict[str, Any]) -> None:
    results = search_for(user=owner, query="cfo")
    assert ("contact", "Jana Novák") in _found(results)
    assert ("contact", "Piet Bos") not in _found(results)
    (hit,) = results.groups["contact"]
    assert hit.url == f"/accounts/{world['packaging'].pk}/relationships/?focus={world['cfo'].pk}"
    assert hit.snippet.html == (
        "Chief Financial Officer (<mark>CFO</mark>) · jana.novak@creme-pack.example"
    )


def test_a_contact_is_found_by_a_part_of_their_email(owner: Any, world: dict[str, Any]) -> None:
    (hit,) = search_for(user=owner, query="creme-pack.example").groups["contact"]
    assert hit.title == "Jana Novák"
    assert "jana.novak@<mark>creme</mark>-<mark>pack</mark>.<mark>example</mark>" in (
        hit.snippet.html
    )


def test_every_word_must_begin_a_word_of_the_record(owner: Any, world: dict[str, Any]) -> None:
    assert _found(search_for(user=owner, query="financ chief")) == {("contact", "Jana Novák")}
    assert _found(search_for(user=owner, query="inancial")) == set()  # not inside a word
    assert _found(search_for(user=owner, query="cfo plant")) == set()  # not one record


def test_accents_and_case_are_ignored(owner: Any, world: dict[str, Any]) -> None:
    assert ("account", "Crème Packaging") in _found(search_for(user=owner, query="CREME pack"))
    assert ("contact", "Jana Novák") in _found(search_for(user=owner, query="novak"))
    accented = search_for(user=owner, query="nóvák")
    assert accented.groups["contact"][0].title_html == "Jana <mark>Novák</mark>"


def test_results_are_grouped_by_type(owner: Any, world: dict[str, Any]) -> None:
    results = search_for(user=owner, query="plant")
    assert set(results.groups) == {"contact", "plan", "complaint"}
    assert [h.type for h in search_for(user=owner, query="cfo").hits] == ["contact", "interaction"]
    assert search_for(user=owner, query="PK-77").groups["account"][0].title == "Crème Packaging"


def test_never_another_managers_account(
    owner: Any, other_manager: Any, executive: Any, world: dict[str, Any]
) -> None:
    assert ("account", "Rival Packaging Ltd") not in _found(
        search_for(user=owner, query="packaging")
    )
    assert ("contact", "Secret Person") not in _found(search_for(user=owner, query="cfo"))
    theirs = _found(search_for(user=other_manager, query="cfo"))
    assert theirs == {("contact", "Secret Person")}
    assert ("contact", "Secret Person") in _found(search_for(user=executive, query="cfo"))


def test_the_snippet_escapes_html_before_marking(owner: Any, world: dict[str, Any]) -> None:
    (hit,) = search_for(user=owner, query="east").groups["plan"]
    assert hit.snippet.html == (
        "Win the &lt;<mark>east</mark>&gt; plant through the service contract."
    )


def test_postgresql_and_the_plain_path_answer_the_same(
    owner: Any, executive: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [
        "cfo",
        "financ chief",
        "plant",
        "PK-77",
        "late pallets",
        "packaging",
        "inancial",
        "novak@creme",
    ]
    full_text = {
        (u.pk, q): _found(search_for(user=u, query=q)) for u in (owner, executive) for q in queries
    }
    monkeypatch.setattr(selectors, "uses_full_text", lambda: False)
    plain = {
        (u.pk, q): _found(search_for(user=u, query=q)) for u in (owner, executive) for q in queries
    }
    assert plain == full_text
    assert full_text[(owner.pk, "plant")]  # the comparison compares something


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_the_search_reads_the_gin_index(owner: Any, world: dict[str, Any]) -> None:
    from relationships.models import Contact

    rows = selectors.matching("contact", Contact.objects.all(), ["cfo"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_contact_gin" in plan


def test_query_words_and_snippet_window() -> None:
    assert query_words("  Crème, BRÛLÉE!! crème  ") == ["creme", "brulee"]
    assert query_words("¿?") == []
    long = "word " * 60 + "target here " + "tail " * 60
    cut = snippet(long, ["target"])
    assert "<mark>target</mark>" in cut.html
    assert cut.text.startswith("…")
    assert cut.text.endswith("…")
    assert len(cut.text) <= 162


def test_api_answers_the_contract_shape(owner_api: Any, world: dict[str, Any]) -> None:
    answer = owner_api.get("/api/v1/search/", {"q": "cfo"})
    assert answer.status_code == 200
    body = answer.json()
    first = body["results"][0]
    assert set(first) >= {"type", "id", "account", "title", "snippet", "url"}
    assert (first["type"], first["title"], first["account"]) == (
        "contact",
        "Jana Novák",
        world["packaging"].pk,
    )
    assert first["highlighted"].startswith("Chief Financial Officer (<mark>CFO</mark>)")
    only = owner_api.get("/api/v1/search/", {"q": "cfo", "type": "interaction"}).json()
    assert [r["type"] for r in only["results"]] == ["interaction"]


@pytest.mark.parametrize("params", [{}, {"q": "x" * 201}, {"q": "a", "type": "nope"}])
def test_api_bad_queries_answer_400(owner_api: Any, params: dict[str, str]) -> None:
    answer = owner_api.get("/api/v1/search/", params)
    assert answer.status_code == 400
    assert answer.json()


@pytest.mark.parametrize("q", ["", "   ", "?!", "_-_", "\u0301"])
def test_api_a_query_without_a_word_finds_nothing(
    owner_api: Any, world: dict[str, Any], q: str
) -> None:
    """No schema pattern can say "a letter or digit of any script", so a q without one is
    not an error the schema could state (make fuzz: `?q=` rejected as valid): it matches
    nothing."""
    answer = owner_api.get("/api/v1/search/", {"q": q})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"q": q.strip(), "words": [], "count": 0, "results": []}


def test_api_anonymous_401_and_page_sign_in(anonymous_api: Any, anonymous_client: Any) -> None:
    assert anonymous_api.get("/api/v1/search/", {"q": "cfo"}).status_code == 401
    assert anonymous_client.get("/search/", {"q": "cfo"}).status_code == 302


def test_page_groups_and_highlights(
    owner_client: Any, other_manager_client: Any, world: dict[str, Any]
) -> None:
    page = owner_client.get("/search/", {"q": "cfo"}).content.decode()
    assert "<h2>Contacts" in page
    assert "Chief Financial Officer (<mark>CFO</mark>) · jana.novak@" in page
    assert "Secret Person" not in page
    assert "Secret Person" in other_manager_client.get("/search/", {"q": "cfo"}).content.decode()
    assert owner_client.get("/search/", {"q": "?!"}).status_code == 400
    assert (
        "Nothing you may see matches" in owner_client.get("/search/", {"q": "zzz"}).content.decode()
    )


def test_search_queries_do_not_grow(
    executive_api: Any, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for n in range(15):
        ContactFactory(account=world["packaging"], name=f"Clerk {n}", title="CFO assistant")
    # the user's groups, then one query per type (the API client is signed in already)
    with django_assert_num_queries(6):
        body = executive_api.get("/api/v1/search/", {"q": "cfo"}).json()
    assert body["count"] == 10 + 1  # at most 10 contacts, and the interaction
