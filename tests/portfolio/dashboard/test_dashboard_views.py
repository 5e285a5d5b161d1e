"""The portfolio dashboard on the hand-computed small portfolio: figures, access by role,
filters, bad input and the state before any run."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from portfolio.dashboard.exports import TABLES
from portfolio.models import AnalysisParameters
from tests.factories import UserFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


@pytest.fixture
def analysed(owner: Any, other_manager: Any) -> dict[str, Any]:
    """Alpha Foods (alice, strategic) and Beta Retail (mallory, transactional), analysed with
    at_risk_score 10, so that Alpha's coverage gap (10 points) puts it at churn risk."""
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)
    AnalysisParameters.objects.update_or_create(pk=1, defaults={"at_risk_score": 10})
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    return portfolio


def _csv(client: Any, key: str, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/dashboard/{key}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_executive_sees_the_whole_portfolio(executive_client: Any, analysed: Any) -> None:
    response = executive_client.get(DASHBOARD)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    # Alpha 121,000 + Beta 50,000; net profit 48,400 + (50,000 − 45,000 − 0)
    assert dashboard.totals.accounts == 2
    assert dashboard.totals.revenue_ttm == 171_000
    assert dashboard.totals.net_profit_ttm == 53_400
    assert (dashboard.totals.creators, dashboard.totals.drainers) == (2, 0)
    # the top 20 % of 2 accounts is one account: Alpha's 121,000 of 171,000
    assert dashboard.concentration.top_accounts == 1
    assert dashboard.concentration.top_share == pytest.approx(121_000 / 171_000)
    assert [(p.account_share, p.revenue_share) for p in dashboard.concentration.points] == [
        (0.0, 0.0),
        (0.5, pytest.approx(50_000 / 171_000)),
        (1.0, 1.0),
    ]
    # Pareto: picks 1,600 then visits 1,000; picks hold 61.5 % < 80 %, so both are vital
    assert [(r.code, r.cost, r.is_vital_few) for r in dashboard.pareto] == [
        ("PICK", 1600.0, True),
        ("VISIT", 1000.0, True),
    ]
    assert [r.cumulative_share for r in dashboard.pareto] == [
        pytest.approx(1600 / 2600),
        pytest.approx(1.0),
    ]
    assert [row.name for row in dashboard.matrix] == ["Alpha Foods", "Beta Retail"]
    assert [row.name for row in dashboard.creators] == ["Alpha Foods", "Beta Retail"]
    assert [row.name for row in dashboard.value_exchange] == ["Alpha Foods"]
    # Alpha (strategic) has no contact mapped: coverage gap, stage 1, score 10 ≥ 10, at risk;
    # Beta is transactional: the relationship signals do not apply to it (DOMAIN.md)
    assert [(row.name, row.churn_stage, row.churn_score) for row in dashboard.churn] == [
        ("Alpha Foods", 1, 10),
    ]
    assert dashboard.totals.at_risk == 1
    assert dashboard.churn[0].signal_words[0].startswith("Coverage gap: ")
    assert dashboard.churn[0].signal_actions[0].startswith("Coverage gap: Map the missing")
    content = response.content.decode()
    assert 'id="top-share">71 %' in content
    for key in ("matrix", "concentration", "pareto", "creators", "ltv", "value", "trend"):
        assert f'data-figure="{key}-data"' in content


def test_ops_reads_the_whole_portfolio_too(ops_client: Any, analysed: Any) -> None:
    response = ops_client.get(DASHBOARD)
    assert response.context["dashboard"].totals.accounts == 2


@pytest.mark.parametrize(
    ("client_name", "visible", "hidden"),
    [
        ("owner_client", "Alpha Foods", "Beta Retail"),
        ("other_manager_client", "Beta Retail", "Alpha Foods"),
    ],
)
def test_account_manager_sees_only_their_accounts_everywhere(
    request: Any, analysed: Any, client_name: str, visible: str, hidden: str
) -> None:
    client = request.getfixturevalue(client_name)
    # the page: totals, charts, tables
    response = client.get(DASHBOARD)
    content = response.content.decode()
    assert visible in content
    assert hidden not in content
    assert response.context["dashboard"].totals.accounts == 1
    # every table page and every download, in both formats
    for key in TABLES:
        page = client.get(f"/dashboard/{key}/table/").content.decode()
        assert hidden not in page
        for file_format in ("csv", "xlsx"):
            download = client.get(f"/dashboard/{key}.{file_format}")
            assert download.status_code == 200
            body = b"".join(download.streaming_content) if download.streaming else download.content
            if file_format == "xlsx":
                sheet = load_workbook(io.BytesIO(body)).active
                body = repr(list(sheet.iter_rows(values_only=True))).encode()
            assert hidden.encode() not in body, (key, file_format)
    # the full churn list
    assert hidden not in client.get("/dashboard/churn-risk/").content.decode()


def test_owner_totals_export_holds_only_their_figures(owner_client: Any, analysed: Any) -> None:
    rows = {row["Figure"]: row["Value"] for row in _csv(owner_client, "totals")}
    assert rows["Accounts"] == "1"
    assert rows["Revenue TTM"] == "121000.00"
    assert rows["Net profit TTM"] == "48400.00"
    assert rows["Cost to serve TTM"] == "2600.00"
    pareto = _csv(owner_client, "pareto")
    assert [(r["Code"], r["Cost to serve TTM"], r["Vital few"]) for r in pareto] == [
        ("PICK", "1600.00", "yes"),
        ("VISIT", "1000.00", "yes"),
    ]
    # mallory's Beta has no activities: an empty Pareto, not Alpha's
    assert _csv(owner_client, "pareto", "?owner=mallory") == []


def test_manager_with_no_accounts_sees_nothing_of_others(client: Any, analysed: Any) -> None:
    client.force_login(UserFactory(username="uma", roles=["account_manager"]))
    response = client.get(DASHBOARD)
    content = response.content.decode()
    assert response.context["dashboard"].totals.accounts == 0
    assert "Alpha Foods" not in content
    assert "Beta Retail" not in content
    assert "alice" not in content  # not even the owners in the filter
    assert _csv(client, "matrix") == []
    assert {row["Figure"]: row["Value"] for row in _csv(client, "totals")}["Accounts"] == "0"


def test_team_member_sees_the_account_they_serve(
    team_member_client: Any, team_member: Any, analysed: Any
) -> None:
    from tests.factories import TeamMemberFactory

    TeamMemberFactory(account=analysed["small"], user=team_member)
    dashboard = team_member_client.get(DASHBOARD).context["dashboard"]
    assert [row.name for row in dashboard.matrix] == ["Beta Retail"]


@pytest.mark.parametrize(
    "path",
    [DASHBOARD, "/dashboard/churn-risk/", "/dashboard/matrix/table/", "/dashboard/matrix.csv"],
)
def test_anonymous_is_sent_to_login(anonymous_client: Any, analysed: Any, path: str) -> None:
    response = anonymous_client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_filters_narrow_every_figure(executive_client: Any, analysed: Any) -> None:
    for query, names in [
        ("?designation=strategic", ["Alpha Foods"]),
        ("?designation=transactional", ["Beta Retail"]),
        ("?owner=mallory", ["Beta Retail"]),
        ("?segment=invest", ["Alpha Foods"]),
        ("?region=Nowhere", []),
        ("?designation=exit", []),
    ]:
        response = executive_client.get(DASHBOARD + query)
        dashboard = response.context["dashboard"]
        assert [row.name for row in dashboard.matrix] == names, query
        assert dashboard.totals.accounts == len(names)
        assert [row["Account"] for row in _csv(executive_client, "matrix", query)] == names


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?segment=bogus", "There is no segment “bogus”"),
        ("?designation=vip", "There is no designation “vip”"),
        ("?region=" + "x" * 500, "The region filter is too long"),
    ],
)
def test_bad_filters_are_ignored_with_a_message(
    executive_client: Any, analysed: Any, query: str, message: str
) -> None:
    response = executive_client.get(DASHBOARD + query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["dashboard"].totals.accounts == 2  # the bad filter is ignored
    assert executive_client.get("/dashboard/matrix.csv" + query).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/nonsense.csv",
        "/dashboard/matrix.pdf",
        "/dashboard/nonsense/table/",
    ],
)
def test_unknown_chart_or_format_is_404(executive_client: Any, analysed: Any, path: str) -> None:
    assert executive_client.get(path).status_code == 404


def test_churn_list_bad_page_number_shows_a_page(executive_client: Any, analysed: Any) -> None:
    for page in ("abc", "999", "-1"):
        response = executive_client.get(f"/dashboard/churn-risk/?page={page}")
        assert response.status_code == 200
        assert "Alpha Foods" in response.content.decode()


def test_before_any_run_the_dashboard_says_so(
    executive_client: Any, ops_client: Any, owner: Any, other_manager: Any
) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    response = executive_client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert "There is no successful analysis run yet" in response.content.decode()
    assert "Run the analysis" in ops_client.get(DASHBOARD).content.decode()
    assert executive_client.get("/dashboard/matrix.csv").status_code == 404
    assert executive_client.get("/dashboard/matrix/table/").status_code == 200
    assert executive_client.get("/dashboard/churn-risk/").status_code == 200


def test_trend_shows_each_successful_run_oldest_first(
    executive_client: Any, owner_client: Any, analysed: Any
) -> None:
    # given a second, earlier run (Y3 then holds Alpha's Aug 2024 revenue of 110,000)
    call_command("run_analysis", "--as-of", "2025-06-15", stdout=StringIO())
    trend = executive_client.get(DASHBOARD).context["dashboard"].trend
    assert [row.as_of for row in trend] == [date(2025, 6, 15), AS_OF]
    assert [row.totals["revenue_ttm"] for row in trend] == [110_000, 171_000]
    # read again, the page comes from the cache (no dashboard recomputed), same figures
    again = executive_client.get(DASHBOARD)
    assert "dashboard" not in again.context
    assert 'id="top-share">71 %' in again.content.decode()
    assert 'data-figure="trend-data"' in again.content.decode()
    assert [r["Revenue TTM"] for r in _csv(executive_client, "trend")] == [
        "110000.00",
        "171000.00",
    ]
    # a segment filter sums each run's own segment: "maintain" held Alpha in 2025 (no Y1
    # revenue then: growth 0, attractiveness 50, margin ≥ 10 %) and holds Beta now
    maintain = executive_client.get(DASHBOARD + "?segment=maintain").context["dashboard"].trend
    assert [row.totals["revenue_ttm"] for row in maintain] == [110_000, 50_000]
    # the owner's trend holds Alpha alone
    owner_trend = owner_client.get(DASHBOARD).context["dashboard"].trend
    assert [row.totals["revenue_ttm"] for row in owner_trend] == [110_000, 121_000]
    rows = _csv(owner_client, "trend")
    assert [(r["As of"], r["Revenue TTM"]) for r in rows] == [
        ("2025-06-15", "110000.00"),
        ("2026-06-15", "121000.00"),
    ]


def test_dashboard_api_for_the_owner_holds_only_their_account(
    owner_api: Any, analysed: Any
) -> None:
    response = owner_api.get("/api/v1/dashboard/")
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["accounts"] == 1
    assert body["totals"]["revenue_ttm"] == 121000.0
    assert [row["name"] for row in body["matrix"]] == ["Alpha Foods"]
    assert [(row["code"], row["cost"]) for row in body["cost_pareto"]] == [
        ("PICK", 1600.0),
        ("VISIT", 1000.0),
    ]
    assert "Beta Retail" not in response.content.decode()


def test_dashboard_api_access_and_bad_input(
    anonymous_api: Any, executive_api: Any, other_manager_api: Any, analysed: Any
) -> None:
    assert anonymous_api.get("/api/v1/dashboard/").status_code == 401
    assert [r["name"] for r in other_manager_api.get("/api/v1/dashboard/").json()["matrix"]] == [
        "Beta Retail"
    ]
    bad = executive_api.get("/api/v1/dashboard/?segment=bogus&designation=vip")
    assert bad.status_code == 400
    assert set(bad.json()) == {"segment", "designation"}
    filtered = executive_api.get("/api/v1/dashboard/?designation=transactional").json()
    assert [r["name"] for r in filtered["matrix"]] == ["Beta Retail"]


def test_dashboard_api_before_any_run_is_404(executive_api: Any) -> None:
    assert executive_api.get("/api/v1/dashboard/").status_code == 404


def test_table_html_escapes_names_and_links_accounts() -> None:
    from portfolio.dashboard.exports import ACCOUNT, MONEY, Cell, Column, Table, table_html

    table = Table(
        key="t",
        title="T & <co>",
        columns=[Column("Account", ACCOUNT), Column("Revenue", MONEY)],
        rows=[[Cell(ACCOUNT, "<script>x</script>", 42), Cell(MONEY, 1234567.891)]],
    )
    html = str(table_html(table=table, table_id="t-table"))
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<a href="/accounts/42/">' in html
    assert '<td class="num" title="€1,234,567.89">€1,234,568</td>' in html
    assert "T &amp; &lt;co&gt;" in html


def test_cached_whole_portfolio_never_reaches_a_manager(
    executive_client: Any, owner_client: Any, analysed: Any
) -> None:
    # given the executive's dashboard, cached
    assert executive_client.get(DASHBOARD).context["dashboard"].cache_key
    # when the owner opens theirs, then it is computed for them alone, never cached
    dashboard = owner_client.get(DASHBOARD).context["dashboard"]
    assert dashboard.cache_key is None
    assert [row.name for row in dashboard.matrix] == ["Alpha Foods"]
    assert "Beta Retail" not in owner_client.get("/dashboard/matrix.csv").content.decode()


def test_cached_dashboard_follows_account_changes(
    executive_client: Any, analysed: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from accounts.models import Account

    executive_client.get(DASHBOARD)
    # an account renamed and another one deleted since the page was cached (committed: the
    # accounts data's version moves when a write commits)
    beta = analysed["small"]
    alpha = Account.objects.get(pk=analysed["strategic"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        alpha.name = "Alpha Foods Group"
        alpha.save()
        beta.delete()
    dashboard = executive_client.get(DASHBOARD).context["dashboard"]
    assert [row.name for row in dashboard.matrix] == ["Alpha Foods Group"]
    assert dashboard.totals.accounts == 1
    assert "Alpha Foods Group" in executive_client.get(DASHBOARD).content.decode()


def test_xlsx_download_keeps_a_formula_like_name_as_text(
    executive_client: Any, analysed: Any
) -> None:
    account = analysed["strategic"]
    account.name = '=HYPERLINK("http://example.invalid","x")'
    account.save()

    download = executive_client.get("/dashboard/matrix.xlsx")

    cells = [
        cell
        for row in load_workbook(
            io.BytesIO(b"".join(download.streaming_content))
        ).active.iter_rows()
        for cell in row
        if cell.value == "'" + account.name  # formula-safe: a leading quote (CONTRACT.md)
    ]
    assert cells, "the account's name is in the download"
    assert all(cell.data_type == "s" for cell in cells)
