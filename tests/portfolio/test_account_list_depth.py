"""The account list at depth: keyset pages (`?cursor=`) list every account once in the order
the numbered pages give, forwards and backwards, in the same queries at any depth, and the
`count` is counted once per version of the accounts, not on every request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import AccountSnapshot, AnalysisRun
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
ACCOUNTS = 23


@pytest.fixture
def listed(owner: Any, django_capture_on_commit_callbacks: Any) -> list[int]:
    """23 accounts of the owner, names and revenue repeating (ties), 5 without figures."""
    run = AnalysisRun.objects.create(
        as_of=timezone.localdate(),
        status=AnalysisRun.Status.SUCCEEDED,
        trigger="command",
        finished_at=timezone.now(),
    )
    ids = []
    for number in range(ACCOUNTS):
        account = AccountFactory(owner=owner, name=f"Account {number % 7}")
        ids.append(account.pk)
        if number % 5 != 4:
            AccountSnapshot.objects.create(
                run=run,
                account=account,
                revenue_ttm=Decimal(1000 * (number % 4)),
                churn_stage=number % 3,
            )
    return ids


def _walk(api: Any, first: str, direction: str = "next") -> list[list[int]]:
    pages, url = [], first
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["count"] == ACCOUNTS
        pages.append([row["id"] for row in body["results"]])
        url = body[direction]
    return pages


@pytest.mark.parametrize(
    "ordering", ["", "name", "-name", "-revenue_ttm", "revenue_ttm", "churn_stage", "-churn_stage"]
)
def test_cursor_pages_list_every_account_once_in_the_numbered_pages_order(
    owner_api: Any, listed: list[int], ordering: str
) -> None:
    query = f"&ordering={ordering}" if ordering else ""
    everything = owner_api.get(f"/api/v1/accounts/?page_size=500{query}").json()["results"]
    expected = [row["id"] for row in everything]
    assert sorted(expected) == sorted(listed)

    forwards = _walk(owner_api, f"/api/v1/accounts/?cursor=&page_size=5{query}")
    assert [len(page) for page in forwards] == [5, 5, 5, 5, 3]
    assert [pk for page in forwards for pk in page] == expected

    # and from the last page back, through the previous links, the same pages
    last = owner_api.get(f"/api/v1/accounts/?cursor=&page_size=5{query}")
    url = last.json()["next"]
    for _ in range(3):
        url = owner_api.get(url).json()["next"]
    backwards = _walk(owner_api, url, "previous")
    assert backwards[::-1] == forwards


def test_a_deep_cursor_page_costs_the_queries_of_the_first(
    owner_api: Any, listed: list[int]
) -> None:
    # each page measured on its first request (a repeat comes from the cache)
    with CaptureQueriesContext(connection) as shallow:
        first = owner_api.get("/api/v1/accounts/?cursor=&page_size=2&ordering=-revenue_ttm")
    url = first.json()["next"]
    for _ in range(8):
        url = owner_api.get(url).json()["next"]
    with CaptureQueriesContext(connection) as deep:
        response = owner_api.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert len(deep) == len(shallow)
    assert not any("OFFSET" in query["sql"] for query in deep.captured_queries)


def _counts(queries: CaptureQueriesContext) -> int:
    return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_the_count_is_counted_once_per_version_of_the_accounts(
    owner: Any, owner_api: Any, listed: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with CaptureQueriesContext(connection) as first:
        assert owner_api.get("/api/v1/accounts/?page=2&page_size=5").json()["count"] == ACCOUNTS
    with CaptureQueriesContext(connection) as again:
        assert owner_api.get("/api/v1/accounts/?page=4&page_size=5").json()["count"] == ACCOUNTS
        assert owner_api.get("/api/v1/accounts/?cursor=&page_size=5").json()["count"] == ACCOUNTS
    assert _counts(first) == 1
    assert _counts(again) == 0
    # another filter is another count
    with CaptureQueriesContext(connection) as filtered:
        body = owner_api.get("/api/v1/accounts/?designation=exit").json()
    assert _counts(filtered) == 1
    assert body["count"] == len(body["results"])

    # when an account is added, the next request counts it
    with django_capture_on_commit_callbacks(execute=True):
        AccountFactory(owner=owner, name="Account new")
    assert owner_api.get("/api/v1/accounts/?page_size=5").json()["count"] == ACCOUNTS + 1
    # and the page past the last still answers 404
    assert owner_api.get("/api/v1/accounts/?page=7&page_size=4").status_code == 404


def test_the_page_reads_the_cached_count_too(owner_client: Any, listed: list[int]) -> None:
    owner_client.get("/accounts/")
    with CaptureQueriesContext(connection) as again:
        response = owner_client.get("/accounts/?page=1")
    assert response.status_code == 200
    assert _counts(again) == 0
    assert response.context["page"].paginator.count == ACCOUNTS


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("cursor=bm90IGEgY3Vyc29y", "cursor", "not one the list gave"),
        ("cursor=%%%", "cursor", "not one the list gave"),
        ("cursor=&cursor=", "cursor", "Give it once."),
        ("cursor=&page=2", "cursor", "not both"),
        ("cursor=&ordering=name,-revenue_ttm", "ordering", "one ordering term"),
    ],
)
def test_a_bad_cursor_answers_400_in_words(
    owner_api: Any, listed: list[int], query: str, field: str, message: str
) -> None:
    response = owner_api.get(f"/api/v1/accounts/?{query}")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_a_cursor_sorts_by_name_when_no_term_is_known(owner_api: Any, listed: list[int]) -> None:
    # as the numbered pages do: unknown terms are left out
    by_name = owner_api.get("/api/v1/accounts/?cursor=&ordering=name").json()["results"]
    unknown = owner_api.get("/api/v1/accounts/?cursor=&ordering=shoe_size").json()["results"]
    assert [row["id"] for row in unknown] == [row["id"] for row in by_name]


@pytest.mark.parametrize("page", ["", "abc", "0", "000", "-1", "last", "1.5"])
def test_a_page_that_is_not_a_whole_number_answers_400(
    owner_api: Any, listed: list[int], page: str
) -> None:
    # DRF read an empty page as the first one, and a word as 404; the schema says a number
    response = owner_api.get(f"/api/v1/accounts/?page={page}")
    assert response.status_code == 400
    assert response.json() == {"page": ["Give a whole number from 1."]}
    run = AnalysisRun.objects.get()
    snapshots = owner_api.get(f"/api/v1/analysis-runs/{run.pk}/snapshots/?page={page}")
    assert snapshots.status_code == 400, snapshots.content


def test_a_page_of_thousands_of_digits_is_past_the_last(owner_api: Any, listed: list[int]) -> None:
    response = owner_api.get(f"/api/v1/accounts/?page={'9' * 5000}")
    assert response.status_code == 404


def test_a_page_size_of_thousands_of_digits_answers_400(owner_api: Any, listed: list[int]) -> None:
    # int() of it raised (Python refuses to convert more than 4,300 digits): a 500
    response = owner_api.get(f"/api/v1/accounts/?page_size={'9' * 5000}")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}
