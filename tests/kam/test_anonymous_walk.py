"""Nobody signed in reads nothing: every URL pattern of the pages and the API, walked with no
credentials, answers 401 (the API, the schema and the docs) or sends the visitor to sign in.
The only exceptions are the sign-in page itself and the admin's sign-in and sign-out pages
(which show a form or send the visitor back to the admin, never data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = {"/login/", "/admin/login/", "/admin/logout/"}
# What the sign-in page itself needs, which holds no data: the interface's words for its
# scripts (the JavaScript catalogue) and the language switch (a cookie, nothing stored).
SIGN_IN_PAGE_NEEDS = {"/jsi18n/", "/preferences/language/"}
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


def _sample_value(match: re.Match[str]) -> str:
    name, body = match["name"], match["body"]
    if name == "format":
        return ".json" if body.startswith("\\.") else "json"
    if "|" in body:  # an alternation of names (the admin's app labels): take the first
        return body.strip("()").split("|")[0]
    return "1"


def _sample_path(regex: str) -> str:
    text = _GROUP.sub(_sample_value, regex)
    for token in ("^", "\\Z", "$", "\\A"):
        text = text.replace(token, "")
    text = text.replace("/?", "/").replace("\\.", ".").replace("\\-", "-")
    return "/" + text.lstrip("/")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        regex = entry.pattern.regex.pattern
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + regex.lstrip("^").replace("\\Z", ""))
        elif isinstance(entry, URLPattern):
            yield _sample_path(prefix + regex.lstrip("^"))


def every_path() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_sees_the_whole_product() -> None:
    paths = every_path()
    assert len(paths) > 150
    for expected in ("/api/v1/accounts/", "/api/schema/", "/api/docs/", "/dashboard/", "/"):
        assert expected in paths


def _refused(response: Any, path: str) -> bool:
    if response.status_code == 401:
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return location.startswith(("/login/", "/admin/login/"))
    return response.status_code == 405  # the method is not served: nothing to read


@pytest.mark.parametrize("path", every_path())
def test_anonymous_visitor_is_refused_everywhere(anonymous_client: Any, path: str) -> None:
    if path in SIGN_IN_PAGES:
        assert anonymous_client.get(path).status_code in (200, 302)
        return
    if path in SIGN_IN_PAGE_NEEDS:
        assert anonymous_client.get(path).status_code in (200, 405)
        assert anonymous_client.post(path, {}).status_code in (400, 405)
        return
    answers = {
        "GET": anonymous_client.get(path),
        "POST": anonymous_client.post(path, {}),
        "PATCH": anonymous_client.patch(path, {}, content_type="application/json"),
        "PUT": anonymous_client.put(path, {}, content_type="application/json"),
        "DELETE": anonymous_client.delete(path),
    }
    open_answers = {
        method: (response.status_code, response.get("Location"))
        for method, response in answers.items()
        if not _refused(response, path)
    }
    assert not open_answers, f"{path} answers an anonymous visitor: {open_answers}"
    assert any(r.status_code != 405 for r in answers.values()), f"{path} serves no method"
    if path.startswith("/api/"):
        assert answers["GET"].status_code in (401, 405), path
