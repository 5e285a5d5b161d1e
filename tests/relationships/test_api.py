"""contacts/, interactions/ and accounts/{id}/coverage-gaps/: role matrix, filters, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Account
from relationships.models import Contact, ContactGoal, Interaction
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

READERS = [
    ("owner", "owner_api", 200),
    ("team member", "team_member_api", 200),
    ("unrelated manager", "other_manager_api", 404),
    ("executive", "executive_api", 200),
    ("ops", "ops_api", 200),
    ("anonymous", "anonymous_api", 401),
]


def _snapshot(contact: Contact) -> tuple[Any, ...]:
    contact.refresh_from_db()
    return (
        contact.name,
        contact.influence,
        contact.is_coach,
        contact.reports_to_id,
        contact.goals.count(),
    )


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
def test_contact_read_access(
    request: Any, boss: Contact, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.get(f"/api/v1/contacts/{boss.pk}/")
    assert response.status_code == status
    listing = client.get("/api/v1/contacts/")
    if status == 200:
        body = response.json()
        assert body["name"] == "Dana Reyes"
        assert body["roles"] == ["economic_buyer"]
        assert body["primary_contact"] == "alice"
        assert body["account_name"] == "Northwind Foods"
        assert (body["last_interaction_on"], body["is_overdue"]) == (None, True)
        assert [row["id"] for row in listing.json()["results"]] == [boss.pk]
    elif status == 404:
        assert listing.json()["count"] == 0


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner edits", "owner_api", 200),
        ("team member may not edit a contact", "team_member_api", 403),
        ("unrelated manager sees nothing", "other_manager_api", 404),
        ("executive reads only", "executive_api", 403),
        ("ops reads only", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_contact_update_access(
    request: Any, boss: Contact, _case: str, client_name: str, status: int
) -> None:
    before = _snapshot(boss)
    response = request.getfixturevalue(client_name).patch(
        f"/api/v1/contacts/{boss.pk}/",
        {"influence": "low", "roles": ["coach"], "goals": ["Grow"]},
        format="json",
    )
    assert response.status_code == status
    after = _snapshot(boss)
    if status == 200:
        assert after == ("Dana Reyes", "low", True, None, 1)
        assert response.json()["roles"] == ["coach"]
    else:
        assert after == before


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner adds", "owner_api", 201),
        ("team member may not add", "team_member_api", 403),
        ("unrelated manager", "other_manager_api", 404),
        ("executive", "executive_api", 403),
        ("ops", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_contact_create_access(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/contacts/",
        {"account": account.pk, "name": "Lee Park", "roles": ["coach"]},
        format="json",
    )
    assert response.status_code == status
    assert Contact.objects.filter(name="Lee Park").count() == (1 if status == 201 else 0)


def test_contact_delete_is_not_offered(owner_api: Any, boss: Contact) -> None:
    response = owner_api.delete(f"/api/v1/contacts/{boss.pk}/")
    assert response.status_code == 405
    assert Contact.objects.filter(pk=boss.pk).exists()


def test_contact_create_full_shape(
    owner_api: Any, account: Account, boss: Contact, team_member: Any
) -> None:
    response = owner_api.post(
        "/api/v1/contacts/",
        {
            "account": account.pk,
            "name": "Lee Park",
            "title": "Plant manager",
            "roles": ["technical_buyer", "coach"],
            "influence": "medium",
            "attitude": "supporter",
            "goals": [
                "Fewer line stops",
                {"text": "Safer site", "metric": "incidents", "target": "0", "current": "4"},
            ],
            "preferred_channel": "phone",
            "contact_frequency_days": 30,
            "primary_contact": "tom",
            "relationship_strength": 4,
            "evidence": "Asked us to bid on line 3",
            "evidence_verified_on": "2026-01-05",
            "reports_to": boss.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["roles"] == ["technical_buyer", "coach"]
    assert body["goals"] == [
        {"position": 1, "text": "Fewer line stops", "metric": "", "target": None, "current": None},
        {
            "position": 2,
            "text": "Safer site",
            "metric": "incidents",
            "target": "0.00",
            "current": "4.00",
        },
    ]
    assert (body["reports_to"], body["primary_contact"], body["is_active"]) == (
        boss.pk,
        "tom",
        True,
    )


def _bad_cases(stranger_id: int, boss_id: int) -> list[tuple[str, dict[str, Any], str, str]]:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    return [
        (
            "unknown role",
            {"roles": ["economic_buyer", "boss"]},
            "roles",
            '"boss" is not a buying role; use economic_buyer, user_buyer, technical_buyer or coach',
        ),
        (
            "influence out of range",
            {"influence": "extreme"},
            "influence",
            '"extreme" is not an influence level; use high, medium or low',
        ),
        ("four goals", {"goals": ["a", "b", "c", "d"]}, "goals", "at most three goals"),
        (
            "reports to another account's contact",
            {"reports_to": stranger_id},
            "reports_to",
            "not a contact of Northwind Foods",
        ),
        (
            "primary contact not on the team",
            {"primary_contact": "mallory"},
            "primary_contact",
            "mallory is not on the Northwind Foods account team",
        ),
        (
            "future verification date",
            {"evidence_verified_on": tomorrow},
            "evidence_verified_on",
            "is in the future",
        ),
        (
            "strength 0",
            {"relationship_strength": 0},
            "relationship_strength",
            "greater than or equal to 1",
        ),
        ("roles not a list", {"roles": "coach"}, "roles", "Send the roles as a list"),
    ]


@pytest.mark.parametrize("case", range(8))
def test_api_refuses_bad_contact_and_writes_nothing(
    owner_api: Any, account: Account, boss: Contact, other_manager: Any, case: int
) -> None:
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    _case, change, field, message = _bad_cases(stranger.pk, boss.pk)[case]
    count = Contact.objects.count()
    response = owner_api.post(
        "/api/v1/contacts/", {"account": account.pk, "name": "Lee Park", **change}, format="json"
    )
    assert response.status_code == 400, _case
    assert message in " ".join(response.json()[field])
    assert Contact.objects.count() == count
    # and the same change to an existing contact is refused the same way
    before = _snapshot(boss)
    response = owner_api.patch(f"/api/v1/contacts/{boss.pk}/", change, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert _snapshot(boss) == before


@pytest.mark.parametrize("number", [0, "", " 5", "1e3", "+5", "12.345", "1" * 13])
def test_api_a_goal_number_is_a_decimal_text_as_the_schema_says(
    owner_api: Any, boss: Contact, number: Any
) -> None:
    """The schema gave a goal's target any text (make fuzz: a valid request rejected), and
    the service read "1e3" and a JSON 0 as numbers: the API takes what the schema's pattern
    states, a decimal as the API answers it, and null."""
    goal = {"text": "Safer site", "metric": "incidents", "target": number, "current": None}
    before = _snapshot(boss)
    response = owner_api.patch(f"/api/v1/contacts/{boss.pk}/", {"goals": [goal]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "goals": [
            'The target of goal 1 is a number written as a text, like "12.50" (at most 12 '
            "digits before and 2 after the point), or null."
        ]
    }
    assert _snapshot(boss) == before
    taken = {**goal, "target": "-999999999999.99", "current": "4"}
    response = owner_api.patch(f"/api/v1/contacts/{boss.pk}/", {"goals": [taken]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["goals"][0]["target"] == "-999999999999.99"


def test_api_refuses_reports_to_cycle(owner_api: Any, boss: Contact, report: Contact) -> None:
    response = owner_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"reports_to": report.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "reports_to": [
            "Dana Reyes cannot report to Sam Ortiz: Sam Ortiz already reports (directly or "
            "through others) to Dana Reyes."
        ]
    }
    boss.refresh_from_db()
    assert boss.reports_to_id is None


def test_contact_cannot_move_account(owner_api: Any, owner: Any, boss: Contact) -> None:
    other = AccountFactory(owner=owner)
    response = owner_api.patch(f"/api/v1/contacts/{boss.pk}/", {"account": other.pk}, format="json")
    assert response.status_code == 409
    assert "stays with its account" in response.json()["account"][0]
    boss.refresh_from_db()
    assert boss.account_id != other.pk


def test_contact_filters(
    owner_api: Any, account: Account, boss: Contact, report: Contact, owner: Any
) -> None:
    coach = ContactFactory(
        account=account,
        name="Cora Coach",
        is_coach=True,
        influence="low",
        attitude="detractor",
        title="Buyer",
        contact_frequency_days=30,
    )
    gone = ContactFactory(account=account, name="Old Gone", is_active=False)
    InteractionFactory(account=account, user=owner, date=timezone.localdate(), contacts=[boss])

    def names(query: str) -> list[str]:
        response = owner_api.get(f"/api/v1/contacts/?{query}")
        assert response.status_code == 200
        return [row["name"] for row in response.json()["results"]]

    assert names("role=economic_buyer") == ["Dana Reyes"]
    assert names("role=coach") == ["Cora Coach"]
    assert names("influence=high&influence=low") == ["Cora Coach", "Dana Reyes"]
    assert names("attitude=detractor") == ["Cora Coach"]
    assert names("is_active=false") == [gone.name]
    assert names("overdue=false") == ["Dana Reyes"]
    assert names("overdue=true&is_active=true") == ["Cora Coach", "Sam Ortiz"]
    assert names("search=purchasing") == ["Sam Ortiz"]
    assert names(f"account={account.pk}&primary_contact=tom") == ["Sam Ortiz"]
    response = owner_api.get("/api/v1/contacts/?role=boss")
    assert response.status_code == 400
    assert coach.pk


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner logs", "owner_api", 201),
        ("team member logs", "team_member_api", 201),
        ("unrelated manager", "other_manager_api", 404),
        ("executive reads only", "executive_api", 403),
        ("ops reads only", "ops_api", 403),
        ("anonymous", "anonymous_api", 401),
    ],
)
def test_interaction_log_access(
    request: Any, account: Account, boss: Contact, _case: str, client_name: str, status: int
) -> None:
    response = request.getfixturevalue(client_name).post(
        "/api/v1/interactions/",
        {
            "account": account.pk,
            "contacts": [boss.pk],
            "date": "2026-01-10",
            "channel": "phone",
            "summary": "Budget call",
        },
        format="json",
    )
    assert response.status_code == status
    assert Interaction.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body["contacts"] == [boss.pk]
        assert body["user"] == {"owner_api": "alice", "team_member_api": "tom"}[client_name]


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
def test_interaction_read_access(
    request: Any,
    account: Account,
    boss: Contact,
    owner: Any,
    _case: str,
    client_name: str,
    status: int,
) -> None:
    interaction = InteractionFactory(account=account, user=owner, contacts=[boss])
    client = request.getfixturevalue(client_name)
    response = client.get(f"/api/v1/interactions/{interaction.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["summary"] == "Quarterly review"
        assert client.get(f"/api/v1/interactions/?contact={boss.pk}").json()["count"] == 1


def test_interaction_with_another_accounts_contact_refused(
    team_member_api: Any, account: Account, boss: Contact
) -> None:
    stranger = ContactFactory(account=AccountFactory())
    response = team_member_api.post(
        "/api/v1/interactions/",
        {
            "account": account.pk,
            "contacts": [boss.pk, stranger.pk],
            "date": "2026-01-10",
            "channel": "phone",
            "summary": "Budget call",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "not at Northwind Foods" in " ".join(response.json()["contacts"])
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": "2100-01-01"}, "date", "is in the future"),
        ({"channel": "pigeon"}, "channel", '"pigeon" is not a channel'),
        ({"contacts": []}, "contacts", "at least one person"),
        ({"summary": ""}, "summary", "what was discussed"),
        ({"user": "mallory"}, "user", "not on the Northwind Foods account team"),
    ],
)
def test_api_refuses_bad_interaction(
    owner_api: Any,
    account: Account,
    boss: Contact,
    other_manager: Any,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    payload = {
        "account": account.pk,
        "contacts": [boss.pk],
        "date": "2026-01-10",
        "channel": "phone",
        "summary": "Budget call",
        **change,
    }
    response = owner_api.post("/api/v1/interactions/", payload, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
def test_coverage_gaps_endpoint(
    request: Any,
    account: Account,
    boss: Contact,
    report: Contact,
    _case: str,
    client_name: str,
    status: int,
) -> None:
    ContactGoal.objects.create(contact=boss, position=1, text="Grow")
    today = timezone.localdate()
    Contact.objects.filter(pk__in=[boss.pk, report.pk]).update(evidence_verified_on=today)
    InteractionFactory(account=account, user=account.owner, date=today, contacts=[boss, report])
    response = request.getfixturevalue(client_name).get(
        f"/api/v1/accounts/{account.pk}/coverage-gaps/"
    )
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [(gap["code"], gap["contact"]) for gap in body] == [
            ("no_coach", None),
            ("influencer_without_goals", report.pk),
        ]
        assert body[1]["contact_name"] == "Sam Ortiz"
        assert body[0]["message"].startswith("Nobody is mapped as coach.")


def test_coverage_gaps_as_of(owner_api: Any, account: Account, boss: Contact) -> None:
    boss.evidence_verified_on = date(2025, 1, 1)
    boss.save()
    early = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/?as_of=2025-06-01")
    late = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/?as_of=2026-06-01")
    codes_early = {gap["code"] for gap in early.json()}
    codes_late = {gap["code"] for gap in late.json()}
    assert "evidence_unverified" not in codes_early
    assert "evidence_unverified" in codes_late
    bad = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/?as_of=yesterday")
    assert bad.status_code == 400
