"""The Content-Security-Policy header (django-csp, kam/settings.py) is on every page and API
answer and allows no inline code and no eval; the rendered pages hold no inline code; the
stylesheets plotly.js would inject are the ones static/vendor/ serves."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory
from tests.kam.test_templates import inline_code
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "blob:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response: Any) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.fixture
def analysed(db: Any) -> dict[str, Any]:
    alice = UserFactory(username="alice", roles=["account_manager"])
    mallory = UserFactory(username="mallory", roles=["account_manager"])
    portfolio = build_small_portfolio(owner=alice, other_owner=mallory)
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    client = Client()
    client.force_login(alice)
    return {**portfolio, "client": client}


def test_anonymous_pages_and_api_answers_carry_the_policy(db: Any) -> None:
    client = Client()
    answers = {
        "/login/": client.get("/login/"),
        "/admin/login/": client.get("/admin/login/"),
        "/api/v1/me/": client.get("/api/v1/me/", HTTP_ACCEPT="application/json"),
        "/accounts/": client.get("/accounts/"),
    }

    assert {path: answer.status_code for path, answer in answers.items()} == {
        "/login/": 200,
        "/admin/login/": 200,
        "/api/v1/me/": 401,
        "/accounts/": 302,
    }
    for answer in answers.values():
        assert policy(answer) == EXPECTED


def test_signed_in_pages_and_api_answers_carry_the_policy(analysed: dict[str, Any]) -> None:
    client: Client = analysed["client"]
    account = analysed["strategic"]
    paths = [
        "/",
        "/accounts/",
        f"/accounts/{account.pk}/",
        f"/accounts/{account.pk}/360/",
        "/dashboard/",
        "/api/v1/me/",
        "/api/v1/accounts/",
        "/api/schema/",
        "/api/docs/",
        "/api/docs/?script",
    ]

    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        directives = policy(answer)
        assert directives == EXPECTED, path
        every_source = set().union(*directives.values())
        assert not every_source & {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}


def test_rendered_pages_hold_no_inline_code(analysed: dict[str, Any]) -> None:
    client: Client = analysed["client"]
    account = analysed["strategic"]
    paths = [
        "/",
        "/accounts/",
        f"/accounts/{account.pk}/",
        f"/accounts/{account.pk}/360/?as_of={AS_OF.isoformat()}",
        f"/accounts/{account.pk}/value/",
        f"/accounts/{account.pk}/relationships/",
        f"/accounts/{account.pk}/selection/",
        "/dashboard/",
        "/api/docs/",
        "/api/v1/accounts/",
    ]

    found = {}
    for path in paths:
        answer = client.get(path, HTTP_ACCEPT="text/html")
        assert answer.status_code == 200, path
        html = answer.content.decode()
        found[path] = inline_code(html)
        if path == "/dashboard/" or "360" in path:
            assert 'data-figure="' in html, f"{path} drew no chart"
    assert found == {path: [] for path in paths}


def test_a_refused_form_answers_a_page_without_inline_code(db: Any) -> None:
    # Django's own CSRF failure page holds an inline <style>; templates/403_csrf.html replaces it
    client = Client(enforce_csrf_checks=True)

    answer = client.post("/login/", {"username": "alice", "password": "x"})

    assert answer.status_code == 403
    assert policy(answer) == EXPECTED
    html = answer.content.decode()
    assert "The form was not sent" in html
    assert inline_code(html) == []


def test_the_docs_page_runs_its_start_up_script_from_a_url(analysed: dict[str, Any]) -> None:
    client: Client = analysed["client"]

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script")

    assert 'src="/api/docs/?script="' in page.content.decode()
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_the_admin_pages_hold_no_inline_code(db: Any) -> None:
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x-Pass-1234")
    client = Client()
    client.force_login(root)

    for path in ("/admin/", "/admin/accounts/account/", "/admin/accounts/account/add/"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert policy(answer) == EXPECTED
        assert inline_code(answer.content.decode()) == [], path


def test_chart_pages_link_plotlys_stylesheet_before_plotly_loads() -> None:
    # what the files hold is checked against the bundle in Chromium (tests/e2e/test_csp.py)
    partial = (ROOT / "templates" / "partials" / "plotly.html").read_text()

    assert 'id="plotly.js-style-global" class="no-inline-styles"' in partial
    assert partial.index("vendor/plotly.css") < partial.index("vendor/plotly.min.js")
    # the partial bundle has no map trace: maplibre-gl's stylesheet is neither injected nor served
    assert "maplibre" not in partial
