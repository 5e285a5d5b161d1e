"""One input policy (kam/input_policy.py): text without NUL, control characters or lone
surrogates, a maximum length on every text, sane dates, shallow JSON; the same rule in the API,
the forms and the imports, with a message on the field and nothing written."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from accounts.models import Account, Complaint
from kam.input_policy import (
    JSON_MAX_DEPTH,
    LONG_TEXT_MAX_LENGTH,
    date_problem,
    text_problem,
)
from relationships.models import Contact, ContactGoal
from tests.factories import AccountFactory
from valuation.models import ActivityRate, ActivityType

API = "/api/v1"


# --- the rule itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "multiline", "words"),
    [
        ("a\x00b", True, "NUL"),
        ("a\ud800b", True, "lone surrogate"),
        ("a\udfffb", False, "lone surrogate"),
        ("a\x01b", True, "U+0001"),
        ("a\x7fb", True, "U+007F"),
        ("a\x85b", True, "U+0085"),
        ("a\x1bb", False, "U+001B"),
        ("two\nlines", False, "one line"),
        ("a\tb", False, "one line"),
    ],
)
def test_refused_text(value: str, multiline: bool, words: str) -> None:
    problem = text_problem(value, multiline=multiline)
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize(
    ("value", "multiline"),
    [
        ("two\nlines\r\nand a\ttab", True),
        ("Prix réduit 价格 — ok 🙂", False),
        ("", False),
    ],
)
def test_accepted_text(value: str, multiline: bool) -> None:
    assert text_problem(value, multiline=multiline) is None


def test_text_length_limit_at_its_edge() -> None:
    assert text_problem("x" * 10, multiline=False, max_length=10) is None
    problem = text_problem("x" * 11, multiline=False, max_length=10)
    assert problem == "This text has 11 characters; at most 10 are allowed."


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (datetime.date(1900, 1, 1), True),
        (datetime.date(2199, 12, 31), True),
        (datetime.date(1899, 12, 31), False),
        (datetime.date(2200, 1, 1), False),
        (datetime.date(7904, 7, 8), False),
        (datetime.date(1000, 1, 1), False),
    ],
)
def test_date_range(day: datetime.date, ok: bool) -> None:
    problem = date_problem(day)
    assert (problem is None) == ok
    if not ok:
        assert day.isoformat() in str(problem)
        assert "1900-01-01 to 2199-12-31" in str(problem)


# --- the API -----------------------------------------------------------------------------------


def _post_json(client: Any, path: str, body: str) -> Any:
    return client.generic("POST", path, body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("goal", "words"),
    [("cut \x00 freight", "NUL"), ("cut \ud800 freight", "lone surrogate")],
)
def test_contact_goal_with_bad_text_is_400(
    owner_api: Any, account: Account, goal: str, words: str
) -> None:
    body = json.dumps({"account": account.pk, "name": "Dana", "goals": [goal]})
    response = _post_json(owner_api, f"{API}/contacts/", body)
    assert response.status_code == 400
    assert words in " ".join(response.json()["goals.0"])
    assert (Contact.objects.count(), ContactGoal.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_control_character_in_account_name_is_400(owner_api: Any) -> None:
    response = owner_api.post(
        f"{API}/accounts/", {"name": "Harbor\x01Paper", "designation": "candidate"}, format="json"
    )
    assert response.status_code == 400
    assert "U+0001" in " ".join(response.json()["name"])
    assert Account.objects.count() == 0


@pytest.mark.django_db
def test_line_break_in_one_line_field_is_400_but_fine_in_a_long_text(
    owner_api: Any, account: Account
) -> None:
    name_with_break = owner_api.post(
        f"{API}/accounts/", {"name": "Harbor\nPaper", "designation": "candidate"}, format="json"
    )
    assert name_with_break.status_code == 400
    assert "one line" in " ".join(name_with_break.json()["name"])
    complaint = owner_api.post(
        f"{API}/complaints/",
        {
            "account": account.pk,
            "category": "delivery",
            "severity": "low",
            "opened_on": "2026-01-05",
            "description": "Late twice:\n- 3 Jan\n\t- 4 Jan",
        },
        format="json",
    )
    assert complaint.status_code == 201, complaint.json()
    assert Complaint.objects.get().description == "Late twice:\n- 3 Jan\n\t- 4 Jan"


@pytest.mark.django_db
def test_long_text_over_its_limit_is_400(owner_api: Any, account: Account) -> None:
    response = owner_api.post(
        f"{API}/complaints/",
        {
            "account": account.pk,
            "category": "delivery",
            "severity": "low",
            "opened_on": "2026-01-05",
            "description": "x" * (LONG_TEXT_MAX_LENGTH + 1),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "description" in response.json()
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_deeply_nested_json_is_400(owner_api: Any) -> None:
    depth = 50_000
    response = _post_json(owner_api, f"{API}/accounts/", "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert f"deeper than {JSON_MAX_DEPTH} levels" in response.json()["detail"]
    nested_in_a_string = json.dumps({"name": "[" * 100, "designation": "candidate"})
    assert _post_json(owner_api, f"{API}/accounts/", nested_in_a_string).status_code == 201


@pytest.mark.django_db
def test_invalid_json_is_400(owner_api: Any) -> None:
    response = _post_json(owner_api, f"{API}/accounts/", '{"name": NaN}')
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["7904-07-08", "1000-01-01"])
def test_activity_rate_far_date_is_400(ops_api: Any, day: str) -> None:
    ActivityType.objects.create(code="handling", name="Handling", unit="order")
    response = ops_api.post(
        f"{API}/activity-rates/",
        {"activity_type": "handling", "effective_from": day, "unit_cost": "11.00"},
        format="json",
    )
    assert response.status_code == 400
    assert "outside the dates KAM accepts" in " ".join(response.json()["effective_from"])
    assert ActivityRate.objects.count() == 0


# --- the forms ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_form_refuses_control_character_in_account_name(owner_client: Any) -> None:
    response = owner_client.post(
        "/accounts/new/",
        {
            "name": "Harbor\x01Paper",
            "designation": "candidate",
            "buying_hierarchy_level": 2,
            "continuum_position": 40,
        },
    )
    assert response.status_code in (200, 400)
    assert "U+0001" in response.content.decode()
    assert Account.objects.count() == 0


@pytest.mark.django_db
def test_form_refuses_far_date(owner_client: Any, account: Account) -> None:
    before = Complaint.objects.count()
    response = owner_client.post(
        f"/accounts/{account.pk}/voice/complaints/",
        {"category": "delivery", "severity": "low", "opened_on": "7904-07-08"},
    )
    assert response.status_code in (200, 400)
    assert "outside the dates KAM accepts" in response.content.decode()
    assert Complaint.objects.count() == before


@pytest.mark.django_db
def test_existing_account_with_control_character_cannot_break_exports(
    owner_client: Any, owner: Any
) -> None:
    """Rows stored before the policy existed still export: the export cleans what it
    cannot write (see the formula-safe export tests for the full round trip)."""
    AccountFactory(owner=owner, name="Bad\x01Name", external_id="B-1")
    response = owner_client.get("/exports/accounts/?file_format=xlsx")
    assert response.status_code == 200
