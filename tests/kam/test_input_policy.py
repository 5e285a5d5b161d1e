"""One input policy (kam/input_policy.py): text without NUL, control characters or lone
surrogates, a maximum length on every text, sane dates, shallow JSON; the same rule in the API,
the forms and the imports, with a message on the field and nothing written."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

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
        ("a\u2028b", False, "one line"),
        ("admin\u202egnp.exe", False, "bidirectional"),
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
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "BadName" in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_million_character_plan_text_and_interaction_summary_are_400(
    owner_api: Any, account: Account
) -> None:
    from accounts.models import AccountPlan
    from relationships.models import Interaction

    huge = "x" * 1_000_000
    plan = owner_api.post(
        f"{API}/plans/", {"account": account.pk, "period": "2027", "situation": huge}, format="json"
    )
    interaction = owner_api.post(
        f"{API}/interactions/",
        {"account": account.pk, "date": "2026-01-05", "channel": "call", "summary": huge},
        format="json",
    )
    assert (plan.status_code, interaction.status_code) == (400, 400)
    assert "situation" in plan.json()
    assert "summary" in interaction.json()
    assert not AccountPlan.objects.exists()
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_plan_form_refuses_an_over_long_section(owner_client: Any, account: Account) -> None:
    from accounts.models import AccountPlan

    response = owner_client.post(
        f"/accounts/{account.pk}/plans/new/",
        {
            "period": "2027",
            "situation": "x" * (LONG_TEXT_MAX_LENGTH + 1),
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert f"at most {LONG_TEXT_MAX_LENGTH} characters" in response.content.decode()
    assert not AccountPlan.objects.exists()


@pytest.mark.django_db
def test_form_encoded_api_body_is_under_the_same_policy(owner_api: Any, account: Account) -> None:
    body = {"account": account.pk, "name": "Dana", "goals": ["cut \x01 freight"]}
    for file_format in ("multipart", None):
        response = (
            owner_api.post(f"{API}/contacts/", body, format=file_format)
            if file_format
            else owner_api.generic(
                "POST",
                f"{API}/contacts/",
                f"account={account.pk}&name=Dana&goals=cut%01freight",
                content_type="application/x-www-form-urlencoded",
            )
        )
        assert response.status_code == 400
        assert "U+0001" in " ".join(response.json()["goals"])
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_json_body_over_the_size_limit_is_413(owner_api: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"name": "x" * 2_000, "designation": "candidate"})
    response = _post_json(owner_api, f"{API}/accounts/", body)
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert Account.objects.count() == 0


def test_contact_goal_text_from_the_page_is_checked_too() -> None:
    from relationships.services import goals_parse

    goals, problems = goals_parse([{"text": "cut \x1b freight"}])
    assert goals == []
    assert problems == [
        "Goal 1: This text contains the control character U+001B, which cannot be shown or "
        "exported; remove it."
    ]
