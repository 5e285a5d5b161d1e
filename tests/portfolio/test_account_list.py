"""The account list, page, API and download, with the latest successful run's figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Account
from portfolio.models import AccountSnapshot
from tests.factories import AccountFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio
from tests.relationships.factories import InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(owner: Any, other_manager: Any) -> dict[str, Any]:
    accounts = build_small_portfolio(owner=owner, other_owner=other_manager)
    strategic = Account.objects.get(external_id="A-1")
    InteractionFactory(account=strategic, date=date(2026, 5, 2))
    InteractionFactory(account=strategic, date=date(2026, 6, 1))
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    # Created after the run: it has no figures yet.
    AccountFactory(owner=owner, name="Gamma New", external_id="G-1", designation="candidate")
    return accounts


def _rows(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200
    return {row["external_id"]: row for row in response.json()["results"]}


def test_the_api_list_carries_the_latest_runs_figures_and_the_last_contact(
    owner_api: Any, analysed: dict[str, Any]
) -> None:
    rows = _rows(owner_api.get("/api/v1/accounts/"))
    # alice owns A-1 and G-1; B-1 is mallory's and is not listed.
    assert set(rows) == {"A-1", "G-1"}
    snapshot = AccountSnapshot.objects.get(account__external_id="A-1")
    a = rows["A-1"]
    assert (a["revenue_ttm"], a["net_profit_ttm"], a["segment"]) == (
        "121000.00",
        "48400.00",
        "invest",
    )
    assert (a["churn_score"], a["churn_stage"], a["at_risk"]) == (
        snapshot.churn_score,
        snapshot.churn_stage,
        snapshot.at_risk,
    )
    assert a["last_interaction_on"] == "2026-06-01"
    g = rows["G-1"]
    assert [
        g[name] for name in ("revenue_ttm", "segment", "churn_score", "last_interaction_on")
    ] == [
        None,
        None,
        None,
        None,
    ]


def test_the_figures_are_null_before_any_run(owner_api: Any, account: Account) -> None:
    rows = _rows(owner_api.get("/api/v1/accounts/"))
    assert rows["NW-1"]["revenue_ttm"] is None
    assert rows["NW-1"]["churn_stage"] is None


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-revenue_ttm", ["A-1", "B-1", "G-1"]),
        ("revenue_ttm", ["B-1", "A-1", "G-1"]),  # without figures last, either way
        ("net_profit_ttm", ["B-1", "A-1", "G-1"]),
        ("-last_interaction_on", ["A-1", "B-1", "G-1"]),
        ("name", ["A-1", "B-1", "G-1"]),
        ("-name", ["G-1", "B-1", "A-1"]),
    ],
)
def test_the_api_orders_by_each_figure(
    executive_api: Any, analysed: dict[str, Any], ordering: str, expected: list[str]
) -> None:
    response = executive_api.get(f"/api/v1/accounts/?ordering={ordering}")
    assert [row["external_id"] for row in response.json()["results"]] == expected


def test_an_update_answers_with_the_figures(owner_api: Any, analysed: dict[str, Any]) -> None:
    strategic = Account.objects.get(external_id="A-1")
    response = owner_api.patch(
        f"/api/v1/accounts/{strategic.pk}/", {"region": "North"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["revenue_ttm"] == "121000.00"
    assert response.json()["region"] == "North"


def test_the_figures_are_read_only(owner_api: Any, analysed: dict[str, Any]) -> None:
    strategic = Account.objects.get(external_id="A-1")
    response = owner_api.patch(
        f"/api/v1/accounts/{strategic.pk}/", {"revenue_ttm": "1.00"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["revenue_ttm"] == "121000.00"


def test_anonymous_is_refused(anonymous_api: Any, anonymous_client: Any, account: Account) -> None:
    assert anonymous_api.get("/api/v1/accounts/").status_code == 401
    page = anonymous_client.get("/accounts/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")
    assert anonymous_client.get("/accounts/?download=csv").status_code == 302


def test_the_page_shows_money_sorted_by_revenue(
    executive_client: Any, analysed: dict[str, Any]
) -> None:
    response = executive_client.get("/accounts/?sort=-revenue")
    body = response.content.decode()
    assert response.status_code == 200
    assert "€121,000" in body
    assert "€48,400" in body
    assert body.index("Alpha Foods") < body.index("Beta Retail") < body.index("Gamma New")
    assert 'aria-sort="descending"' in body
    assert "figures from the analysis as of 2026-06-15" in body


def test_a_manager_sees_and_downloads_only_their_accounts(
    owner_client: Any, analysed: dict[str, Any]
) -> None:
    page = owner_client.get("/accounts/").content.decode()
    assert "Alpha Foods" in page
    assert "Beta Retail" not in page
    response = owner_client.get("/accounts/?download=csv&sort=-revenue")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["external_id"] for row in rows] == ["A-1", "G-1"]
    assert rows[0]["revenue_ttm"] == "121000.00"
    assert rows[0]["last_interaction_on"] == "2026-06-01"
    at_risk = AccountSnapshot.objects.get(account__external_id="A-1").at_risk
    assert rows[0]["at_risk"] == ("true" if at_risk else "false")
    assert rows[1]["revenue_ttm"] == ""


def test_the_download_keeps_the_filters_and_is_formula_safe(
    executive_client: Any, analysed: dict[str, Any]
) -> None:
    Account.objects.filter(external_id="B-1").update(name="=HYPERLINK(1)")
    response = executive_client.get("/accounts/?download=xlsx&segment=maintain")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("external_id", "name", "designation")
    assert [row[:2] for row in rows[1:]] == [("B-1", "'=HYPERLINK(1)")]
    assert rows[1][6] == 50000.0  # a number, not text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("designation=vip", "Designation: Select a valid choice."),
        ("sort=-updated", "Sort: “-updated” is not a column of the list"),
        ("download=pdf", "Download: “pdf” is not a format; use csv or xlsx."),
    ],
)
def test_what_the_list_cannot_do_is_said_with_400_and_lists_nothing(
    owner_client: Any, analysed: dict[str, Any], query: str, message: str
) -> None:
    response = owner_client.get(f"/accounts/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    if query.startswith("download"):
        assert message in body  # a download answers the words alone, no file
        return
    assert message in body
    assert "No account matches" in body
    assert "Alpha Foods" not in body


def test_a_download_with_a_bad_filter_is_refused_not_an_empty_file(
    owner_client: Any, analysed: dict[str, Any]
) -> None:
    response = owner_client.get("/accounts/?download=csv&segment=gold")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Segment: Select a valid choice." in response.content.decode()


def test_an_owner_who_hands_the_account_over_gets_the_saved_account(
    owner_api: Any, analysed: dict[str, Any], other_manager: Any
) -> None:
    strategic = Account.objects.get(external_id="A-1")
    response = owner_api.patch(
        f"/api/v1/accounts/{strategic.pk}/", {"owner": other_manager.username}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["owner"] == other_manager.username
    strategic.refresh_from_db()
    assert strategic.owner == other_manager


def test_the_region_filter_offers_only_the_regions_the_user_sees(
    owner_client: Any, analysed: dict[str, Any]
) -> None:
    Account.objects.filter(external_id="B-1").update(region="Secret Coast")
    Account.objects.filter(external_id="A-1").update(region="North")
    body = owner_client.get("/accounts/").content.decode()
    assert "North" in body
    assert "Secret Coast" not in body
    assert ">mallory<" not in body  # B-1's owner: not among the owners to filter by


@pytest.mark.parametrize("path", ["/accounts/", "/api/v1/accounts/"])
def test_the_query_count_does_not_grow_with_the_rows(
    executive_client: Any,
    analysed: dict[str, Any],
    owner: Any,
    path: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert executive_client.get(path).status_code == 200
        return len(queries)

    few = count()
    # (committed: the list's cached count is counted again, as on the first request)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            AccountFactory(owner=owner, name=f"Extra {n:02}")
    assert count() == few


def test_the_risk_filter_shows_the_at_risk_accounts_only(
    executive_client: Any, analysed: dict[str, Any]
) -> None:
    AccountSnapshot.objects.filter(account__external_id="A-1").update(at_risk=True)
    AccountSnapshot.objects.filter(account__external_id="B-1").update(at_risk=False)
    at_risk = executive_client.get("/accounts/?risk=at_risk").content.decode()
    assert "Alpha Foods" in at_risk
    assert "Beta Retail" not in at_risk
    assert "At risk ·" in at_risk
    safe = executive_client.get("/accounts/?risk=not_at_risk").content.decode()
    assert "Beta Retail" in safe
    assert "Alpha Foods" not in safe
    assert "Gamma New" not in safe  # no figures: neither at risk nor known to be safe


def test_a_view_is_saved_listed_and_opened(owner_client: Any, owner: Any, account: Any) -> None:
    query = "designation=strategic&sort=-revenue&page=3&download=csv&junk=1"
    response = owner_client.post("/accounts/views/", {"name": "  My   strategic ", "query": query})
    assert response.status_code == 302
    # the filters and the sort are kept; a page number, a download and unknown names are not
    assert response["Location"] == "/accounts/?designation=strategic&sort=-revenue"
    body = owner_client.get("/accounts/?designation=strategic&sort=-revenue").content.decode()
    assert 'aria-current="true">My strategic</a>' in body
    # the same name again replaces it
    owner_client.post("/accounts/views/", {"name": "My strategic", "query": "sort=name&q=x"})
    assert list(owner.saved_views.values_list("name", "query")) == [
        ("My strategic", "sort=name&q=x")
    ]


def test_a_view_without_a_name_is_refused_in_words(owner_client: Any, owner: Any) -> None:
    response = owner_client.post("/accounts/views/", {"name": " ", "query": "sort=-revenue"})
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    assert "The view was not saved: Give the view a name." in page
    assert not owner.saved_views.exists()


def test_views_are_personal(
    owner_client: Any, other_manager_client: Any, owner: Any, anonymous_client: Any
) -> None:
    owner_client.post("/accounts/views/", {"name": "Mine", "query": "sort=-revenue"})
    view = owner.saved_views.get()
    assert "Mine" not in other_manager_client.get("/accounts/").content.decode()
    assert other_manager_client.post(f"/accounts/views/{view.pk}/remove/").status_code == 404
    assert anonymous_client.post(f"/accounts/views/{view.pk}/remove/").status_code == 302
    assert owner.saved_views.exists()
    assert owner_client.post(f"/accounts/views/{view.pk}/remove/").status_code == 302
    assert not owner.saved_views.exists()


def test_saving_a_view_needs_a_signed_in_user(anonymous_client: Any, owner: Any) -> None:
    response = anonymous_client.post("/accounts/views/", {"name": "x", "query": "sort=name"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not owner.saved_views.exists()


def test_a_long_name_and_one_view_too_many_are_refused(owner_client: Any, owner: Any) -> None:
    too_long = owner_client.post("/accounts/views/", {"name": "x" * 61, "query": "sort=name"})
    page = owner_client.get(too_long["Location"]).content.decode()
    assert "at most 60 characters" in page
    for number in range(20):
        owner_client.post("/accounts/views/", {"name": f"View {number}", "query": "sort=name"})
    refused = owner_client.post("/accounts/views/", {"name": "One more", "query": "sort=name"})
    assert "You have 20 saved views" in owner_client.get(refused["Location"]).content.decode()
    assert owner.saved_views.count() == 20
    # saving one of the 20 again under its name still works: it replaces it
    owner_client.post("/accounts/views/", {"name": "View 3", "query": "sort=-revenue"})
    assert owner.saved_views.get(name="View 3").query == "sort=-revenue"
