"""A short `make fuzz` in the suite: schemathesis against a live server for every role, a few
cases per operation, no failure of the checks it runs allowed.

The full run (`make fuzz`: 30 cases per operation and schemathesis' coverage phase, which
sends several thousand more per role, and its stateful phase) takes too long for the suite;
this one runs the fuzzing phase with 2 cases per operation, two roles at a time, on the same
seeded demo, the same server (gunicorn, DEBUG off) and every check."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from urllib.parse import urlparse, urlunparse

import hypothesis
import pytest
import schemathesis
from django.db import connection
from schemathesis.generation import GenerationMode

from accounts.models import Complaint
from relationships.models import Contact, ContactInfluence
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import (
    ContactFactory,
    ContactInfluenceFactory,
    InteractionFactory,
)
from tests.valuation.factories import ValueEntryFactory

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = {
    "users": ["alice", "erin", "olga"],
    "account_managers": ["alice", "bob"],
    "activity_types": ["tech-support", "order-handling"],
    "first_data_on": ["2024-01-01"],
    "account_ids": [7, 9],
    "account_owners": [[7, "alice"], [9, "bob"]],
}


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """scripts/fuzz_hooks.py loaded on its own (not registered with schemathesis' global
    dispatcher twice: the module is executed under another name)."""
    references = tmp_path / "references.json"
    references.write_text(json.dumps(REFERENCES))
    monkeypatch.setenv("KAM_FUZZ_REFERENCES", str(references))
    spec = importlib.util.spec_from_file_location(
        "fuzz_hooks_under_test", ROOT / "scripts" / "fuzz_hooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    schemathesis.hooks.unregister(module.map_case)
    schemathesis.hooks.unregister(module.before_call)


def _case(
    body: Any,
    mode: GenerationMode,
    path: str = "/api/v1/accounts/",
    method: str = "POST",
    query: dict[str, Any] | None = None,
) -> SimpleNamespace:
    return SimpleNamespace(
        body=body,
        path=path,
        method=method,
        path_parameters={},
        query=query,
        meta=SimpleNamespace(generation=SimpleNamespace(mode=mode)),
    )


def _positive(hooks: ModuleType, path: str, body: dict[str, Any], method: str = "POST") -> Any:
    return hooks.map_case(None, _case(body, GenerationMode.POSITIVE, path, method)).body


def test_positive_cases_name_users_and_activity_types_that_exist(hooks: ModuleType) -> None:
    body = {
        "owner": "0",
        "user": "\u00e9",
        "primary_contact": "x",
        "manager": "m",
        "attendees": ["a", "b", 3],
        "activity_type": "00",
        "actions": [{"owner": "0", "title": "Call"}],
        "accounts": [0, -5, "x"],
        "name": "0",
    }
    case = hooks.map_case(None, _case(body, GenerationMode.POSITIVE))
    assert case.body["owner"] in REFERENCES["account_managers"]
    assert case.body["manager"] in REFERENCES["account_managers"]
    assert case.body["user"] in REFERENCES["users"]
    assert case.body["primary_contact"] in REFERENCES["users"]
    assert case.body["attendees"][:2] == [hooks.pick("users", "a"), hooks.pick("users", "b")]
    assert set(case.body["attendees"][:2]) <= set(REFERENCES["users"])
    assert case.body["attendees"][2] == 3  # not a name: left for the API to refuse
    assert case.body["activity_type"] in REFERENCES["activity_types"]
    assert case.body["actions"][0]["owner"] in REFERENCES["account_managers"]
    assert set(case.body["accounts"][:2]) <= {7, 9}
    assert case.body["accounts"][2] == "x"
    assert case.body["name"] == "0"  # not a reference


def test_the_choice_depends_on_the_drawn_value_only(hooks: ModuleType) -> None:
    assert hooks.pick("users", "zz") == hooks.pick("users", "zz")
    assert len({hooks.pick("users", str(n)) for n in range(50)}) == len(REFERENCES["users"])


def test_positive_cases_keep_the_rules_that_depend_on_what_is_stored(hooks: ModuleType) -> None:
    as_of = _positive(hooks, "/api/v1/analysis-runs/", {"as_of": "2000-01-01"})["as_of"]
    assert "2024-01-01" <= as_of <= hooks.today().isoformat()
    swapped = _positive(
        hooks, "/api/v1/complaints/", {"opened_on": "2026-05-02", "resolved_on": "2026-05-01"}
    )
    assert swapped == {"opened_on": "2026-05-01", "resolved_on": "2026-05-02"}
    patched = _positive(hooks, "/api/v1/complaints/{id}/", {"resolved_on": "2000-01-01"}, "PATCH")
    assert patched == {"resolved_on": "2000-01-01", "opened_on": "2000-01-01"}
    unconfirmed = _positive(hooks, "/api/v1/value-entries/{id}/", {"customer_confirmed": False})
    assert unconfirmed == {"customer_confirmed": False, "confirmed_by": "", "confirmed_on": None}
    confirmed = _positive(
        hooks,
        "/api/v1/value-entries/",
        {"date": "2026-07-06", "confirmed_by": " ", "confirmed_on": "2000-01-01"},
    )
    assert confirmed["customer_confirmed"] is True
    assert confirmed["confirmed_by"].strip()
    assert confirmed["confirmed_on"] == "2026-07-06"
    first = _positive(hooks, "/api/v1/accounts/", {"external_id": "ACC-00017"})["external_id"]
    again = _positive(hooks, "/api/v1/accounts/{id}/", {"external_id": "ACC-00017"}, "PUT")
    assert first.startswith("ACC-00017~")
    assert again["external_id"] != first
    assert (
        len(_positive(hooks, "/api/v1/accounts/", {"external_id": "x" * 64})["external_id"]) == 64
    )
    code = _positive(hooks, "/api/v1/activity-types/", {"code": "a" * 40})["code"]
    assert re.fullmatch(r"a+-[0-9]+", code)
    assert len(code) == 40
    edit = _case({"code": "new"}, GenerationMode.POSITIVE, "/api/v1/activity-types/{code}/", "PUT")
    edit.path_parameters = {"code": "tech-support"}
    assert hooks.map_case(None, edit).body == {"code": "tech-support"}
    pay = _positive(hooks, "/api/v1/pay-mix/", {"salary": "0.00", "bonus": "0"})
    assert pay == {"salary": "0.00", "bonus": "1"}
    assert _positive(hooks, "/api/v1/pay-mix/", {"salary": "0", "bonus": "5"})["bonus"] == "5"
    days = {
        _positive(hooks, "/api/v1/pay-mix/", {"effective_from": "2026-01-01"})["effective_from"]
        for _ in range(3)
    }
    assert len(days) == 3
    assert all("2100-01-01" <= day <= "2199-12-31" for day in days)
    rate = _positive(hooks, "/api/v1/activity-rates/{id}/", {"effective_from": "2199-12-31"}, "PUT")
    assert "2100-01-01" <= rate["effective_from"] <= "2199-12-31"
    months = {
        _positive(hooks, "/api/v1/revenue/{id}/", {"period_start": "2199-12-01"}, "PUT")[
            "period_start"
        ]
        for _ in range(2)
    }
    assert len(months) == 2
    assert all(month.endswith("-01") and "2100" <= month[:4] <= "2199" for month in months)
    names = {_positive(hooks, "/api/v1/criteria/", {"name": "Fit"})["name"] for _ in range(2)}
    assert len(names) == 2
    assessed = _positive(hooks, "/api/v1/competency-assessments/", {"assessed_on": "2150-01-01"})
    assert assessed["assessed_on"] <= hooks.today().isoformat()
    contact = _positive(hooks, "/api/v1/contacts/", {"account": 9, "primary_contact": "x"})
    assert contact["primary_contact"] == "bob"
    patched = _positive(hooks, "/api/v1/contacts/{id}/", {"primary_contact": "x"}, "PATCH")
    assert patched == {"primary_contact": None}
    measured = _positive(
        hooks,
        "/api/v1/contacts/",
        {"goals": ["Grow", {"text": "Cut", "metric": " ", "target": "5"}, {"text": "Keep"}]},
    )["goals"]
    assert measured[1]["metric"].strip()
    assert measured[2] == {"text": "Keep"}
    team = _positive(hooks, "/api/v1/accounts/{account_pk}/team/", {"is_executive_sponsor": True})
    assert team == {"is_executive_sponsor": False}
    left = _positive(
        hooks,
        "/api/v1/contacts/{id}/",
        {"left_on": "2179-02-27", "evidence_verified_on": "2150-01-01"},
        "PATCH",
    )
    assert left["left_on"] <= hooks.today().isoformat()
    assert left["evidence_verified_on"] <= hooks.today().isoformat()


def test_a_positive_list_query_pages_one_way(hooks: ModuleType) -> None:
    """make fuzz drew `?cursor=&page=1` (and invented cursors, and two sort terms with a
    cursor): valid for the schema, which cannot say how two parameters go together."""

    def query(drawn: dict[str, Any], mode: GenerationMode = GenerationMode.POSITIVE) -> Any:
        case = _case(None, mode, "/api/v1/accounts/", "GET", dict(drawn))
        return hooks.map_case(None, case).query

    both = {"cursor": "abc", "page": 1, "ordering": "name,-revenue_ttm", "region": "x"}
    assert query(both) == {"cursor": "", "region": "x"}
    assert query({"cursor": "", "ordering": "-revenue_ttm"}) == {
        "cursor": "",
        "ordering": "-revenue_ttm",
    }
    assert query({"page": 2, "ordering": "name,id"}) == {"page": 2, "ordering": "name,id"}
    # a negative case stays as drawn
    assert query(both, GenerationMode.NEGATIVE) == both


def test_negative_cases_and_null_references_are_left_as_drawn(hooks: ModuleType) -> None:
    negative = hooks.map_case(None, _case({"owner": "0"}, GenerationMode.NEGATIVE))
    assert negative.body == {"owner": "0"}
    cleared = hooks.map_case(None, _case({"primary_contact": None}, GenerationMode.POSITIVE))
    assert cleared.body == {"primary_contact": None}
    no_body = hooks.map_case(None, _case([1, 2], GenerationMode.POSITIVE))
    assert no_body.body == [1, 2]


def _fuzz_database_url() -> str:
    """A database of the fuzzer's own beside the suite's (the script drops and re-creates it)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The fuzz test needs DATABASE_URL to name a PostgreSQL database.")
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path.rstrip('/')}_fuzz"))


@pytest.mark.fuzz
def test_no_check_fails_for_any_role(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(ROOT / "scripts" / "fuzz.py"),
        "--examples",
        "2",
        "--phases",
        "examples,fuzzing",
        "--parallel",
        "2",
        "--workers",
        "1",
        "--st-workers",
        "1",
        "--quiet",
        "--database-url",
        _fuzz_database_url(),
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(  # noqa: S603 - our own script
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    summary = result.stdout + result.stderr
    details = "\n".join(path.read_text()[:4000] for path in sorted(tmp_path.glob("*-failures.txt")))
    assert result.returncode == 0, f"{summary}\n{details}"
    for role in ("alice", "bob", "erin", "olga"):
        line = re.search(
            rf"^{role} \(.*\): (\d+)/(\d+) operations, (\d+) cases, (\d+) failures", summary, re.M
        )
        assert line is not None, summary
        tested, total, cases, failures = map(int, line.groups())
        assert tested == total > 100, summary
        assert cases >= 2 * total, summary
        assert failures == 0, summary


def test_dates_are_drawn_from_the_range_the_api_takes(hooks: ModuleType) -> None:
    """Drawn from years 1 to 9999 and filtered by the schema's 1900-2199 pattern, a body with
    two dates lost 99.9 % of its draws and failed Hypothesis' health check."""
    date = {"type": "string", "format": "date", "pattern": "^(19|20|21)[0-9]{2}-"}
    first = {"type": "string", "format": "date", "pattern": "^(19|20|21)[0-9]{2}-[0-9]{2}-01$"}
    body = {
        "type": "object",
        "properties": {"opened_on": date, "resolved_on": date, "period_start": first},
        "required": ["opened_on", "resolved_on", "period_start"],
        "additionalProperties": False,
    }
    schema = schemathesis.openapi.from_dict(
        {
            "openapi": "3.0.3",
            "info": {"title": "dates", "version": "1"},
            "paths": {
                "/complaints/": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": body}},
                        },
                        "responses": {"201": {"description": "Created"}},
                    }
                }
            },
        }
    )
    drawn: list[dict[str, str]] = []

    @hypothesis.settings(max_examples=30, database=None, deadline=None)
    @hypothesis.given(schema["/complaints/"]["POST"].as_strategy())
    def draw(case: Any) -> None:
        drawn.append(case.body)

    draw()  # raises FailedHealthCheck when most draws are filtered out
    assert drawn
    for body_drawn in drawn:
        for value in body_drawn.values():
            assert "1900" <= value[:4] <= "2199"
        assert body_drawn["period_start"].endswith("-01")


def _live_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)  # the hooks read committed rows, on a connection of theirs
def test_positive_cases_name_the_rows_of_the_account_they_change(
    hooks: ModuleType, monkeypatch: pytest.MonkeyPatch, owner_api: Any, owner: Any, account: Any
) -> None:
    """make fuzz drew valid bodies that stored rows made wrong: a line of influence to a
    contact of another account, or twice the same line; a contact reporting to their own
    report; an interaction by someone off the team; a value entry dated after its stored
    confirmation. With the role's database the hook names rows that keep the rules, and the
    API takes every body it makes."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the hooks read PostgreSQL")
    monkeypatch.setenv(hooks.LIVE_ENV, _live_url())
    top = ContactFactory(account=account)
    middle = ContactFactory(account=account, reports_to=top)
    low = ContactFactory(account=account, reports_to=middle)
    line = ContactInfluenceFactory(account=account, source=top, target=middle)
    elsewhere = ContactFactory(account=AccountFactory(owner=owner))
    stranger = UserFactory(username="zed", roles=["account_manager"])
    interaction = InteractionFactory(account=account, user=owner, logged_by=owner, contacts=[top])
    entry = ValueEntryFactory(
        account=account,
        date=date(2026, 3, 1),
        customer_confirmed=True,
        confirmed_by="Jana",
        confirmed_on=date(2026, 3, 5),
    )
    mine = {top.pk, middle.pk, low.pk}

    def sent(path: str, method: str, body: dict[str, Any], pk: int | None = None) -> Any:
        case = _case(body, GenerationMode.POSITIVE, path, method)
        case.path_parameters = {} if pk is None else {"id": pk}
        mapped = hooks.map_case(None, case).body
        url = path.replace("{id}", str(pk))
        answer = getattr(owner_api, method.lower())(url, mapped, format="json")
        assert answer.status_code in (200, 201), (mapped, answer.content)
        return mapped

    moved = sent("/api/v1/contact-influences/{id}/", "PATCH", {"target": elsewhere.pk}, line.pk)
    # an id schemathesis read from an answer comes as the path's text (make fuzz: "3")
    case = _case(
        {"target": 0}, GenerationMode.POSITIVE, "/api/v1/contact-influences/{id}/", "PATCH"
    )
    case.path_parameters = {"id": str(line.pk)}
    assert hooks.map_case(None, case).body["target"] in mine
    assert moved["target"] in mine - {top.pk}
    twin = sent(
        "/api/v1/contact-influences/",
        "POST",
        {"account": account.pk, "source": top.pk, "target": moved["target"]},
    )
    assert (twin["source"], twin["target"]) != (top.pk, moved["target"])
    assert twin["source"] != twin["target"]
    assert ContactInfluence.objects.filter(account=account).count() == 2
    looped = sent("/api/v1/contacts/{id}/", "PATCH", {"reports_to": low.pk}, top.pk)
    assert looped["reports_to"] is None  # everyone else reports (through others) to top
    upward = sent("/api/v1/contacts/{id}/", "PATCH", {"reports_to": low.pk}, middle.pk)
    assert upward["reports_to"] == top.pk
    assert Contact.objects.get(pk=middle.pk).reports_to_id == top.pk
    held = sent("/api/v1/contacts/{id}/", "PATCH", {"primary_contact": "zed"}, low.pk)
    assert held["primary_contact"] in {"alice", "tom"}
    logged = sent(
        "/api/v1/interactions/{id}/",
        "PATCH",
        {"user": stranger.username, "contacts": [elsewhere.pk], "date": "2199-01-01"},
        interaction.pk,
    )
    assert logged["user"] in {"alice", "tom"}
    assert set(logged["contacts"]) <= mine
    assert logged["date"] <= hooks.today().isoformat()
    later = sent("/api/v1/value-entries/{id}/", "PATCH", {"date": "2026-04-01"}, entry.pk)
    assert later["confirmed_on"] == "2026-04-01"
    earlier = sent("/api/v1/value-entries/{id}/", "PATCH", {"confirmed_on": "1950-01-01"}, entry.pk)
    assert earlier["confirmed_on"] == "2026-04-01"
    # a stateful case gets its path's id after it was made: the rules run again as it leaves
    stored_target = ContactInfluence.objects.get(pk=line.pk).target_id
    late = _case(
        {"source": stored_target},
        GenerationMode.POSITIVE,
        "/api/v1/contact-influences/{id}/",
        "PATCH",
    )
    late.body = hooks.map_case(None, late).body
    assert late.body == {"source": stored_target}  # no id yet: left as drawn
    late.path_parameters = {"id": str(line.pk)}
    hooks.before_call(None, late)
    assert late.body["source"] != stored_target
    answer = owner_api.patch(f"/api/v1/contact-influences/{line.pk}/", late.body, format="json")
    assert answer.status_code == 200, answer.content
    # a type a stateful step created, and a later one deleted, is replaced by a seeded one
    gone = _case(
        {"activity_type": "competitor_activity-61"},
        GenerationMode.POSITIVE,
        "/api/v1/activities/{id}/",
        "PATCH",
    )
    hooks.before_call(None, gone)
    assert gone.body["activity_type"] in REFERENCES["activity_types"]
    complaint = Complaint.objects.create(
        account=account,
        category="Delivery",
        opened_on=date(2026, 11, 1),
        resolved_on=date(2026, 11, 29),
        created_by=owner,
    )
    reopened = sent("/api/v1/complaints/{id}/", "PATCH", {"opened_on": "2045-06-01"}, complaint.pk)
    assert reopened["opened_on"] <= "2026-11-29"
    unresolved = sent(
        "/api/v1/complaints/{id}/", "PATCH", {"resolved_on": "2026-10-01"}, complaint.pk
    )
    assert unresolved["resolved_on"] >= Complaint.objects.get(pk=complaint.pk).opened_on.isoformat()
