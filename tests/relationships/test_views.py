"""Relationship pages: role matrix, forms with errors beside the fields, the map's content."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Account
from relationships.models import Contact, ContactGoal, Interaction
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

READERS = [
    ("owner", "owner_client", 200),
    ("team member", "team_member_client", 200),
    ("unrelated manager", "other_manager_client", 404),
    ("executive", "executive_client", 200),
    ("ops", "ops_client", 200),
]

VALID_CONTACT = {
    "name": "Lee Park",
    "title": "Plant manager",
    "roles": ["technical_buyer"],
    "influence": "medium",
    "attitude": "supporter",
    "goal_1_text": "Fewer line stops",
    "goal_2_text": "Safer site",
    "goal_2_metric": "incidents",
    "goal_2_target": "0",
    "goal_2_current": "4",
    "preferred_channel": "phone",
    "contact_frequency_days": "30",
    "primary_contact": "tom",
    "relationship_strength": "4",
    "evidence": "Asked us to bid",
    "evidence_verified_on": "2026-01-05",
    "reports_to": "",
    "is_active": "on",
}


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
def test_map_page_read_access(
    request: Any,
    account: Account,
    boss: Contact,
    report: Contact,
    _case: str,
    client_name: str,
    status: int,
) -> None:
    response = request.getfixturevalue(client_name).get(f"/accounts/{account.pk}/relationships/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Dana Reyes" in html
        assert "Sam Ortiz" in html
        assert "Nobody is mapped as coach" in html
        can_edit = client_name == "owner_client"
        assert ("Add a person" in html) is can_edit
        assert (f"/relationships/contacts/{boss.pk}/edit/" in html) is can_edit
        assert ("Log an interaction" in html) is (
            client_name in ("owner_client", "team_member_client")
        )


def test_anonymous_is_sent_to_login(anonymous_client: Any, account: Account) -> None:
    for url in (f"/accounts/{account.pk}/relationships/", "/decision-makers/"):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_map_shows_tree_roles_attitude_overdue_and_matrix(
    owner_client: Any, account: Account, boss: Contact, report: Contact, owner: Any
) -> None:
    InteractionFactory(account=account, user=owner, date=timezone.localdate(), contacts=[boss])
    response = owner_client.get(f"/accounts/{account.pk}/relationships/")
    context = response.context
    assert [node.contact.name for node in context["roots"]] == ["Dana Reyes"]
    assert [node.contact.name for node in context["roots"][0].children] == ["Sam Ortiz"]
    html = response.content.decode()
    assert "Economic buyer" in html
    assert "User buyer" in html
    assert "person att-supporter" in html
    # Dana was met today; Sam never
    assert html.count('class="badge bad">Overdue') == 1
    rows = {row.person.username: row for row in context["matrix"].rows}
    assert list(rows) == ["alice", "tom"]
    assert [(c.is_primary, c.interactions) for c in rows["alice"].cells] == [(True, 1), (False, 0)]
    assert [(c.is_primary, c.interactions) for c in rows["tom"].cells] == [(False, 0), (True, 0)]


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 302),
        ("team member may not add a contact", "team_member_client", 403),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
        ("ops", "ops_client", 403),
    ],
)
def test_contact_create_page_access(
    request: Any, account: Account, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    url = f"/accounts/{account.pk}/relationships/contacts/new/"
    assert client.get(url).status_code == (200 if status == 302 else status)
    response = client.post(url, VALID_CONTACT)
    assert response.status_code == status
    assert Contact.objects.filter(name="Lee Park").count() == (1 if status == 302 else 0)


def test_owner_adds_contact_with_goals_through_the_form(
    owner_client: Any, account: Account, boss: Contact
) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/relationships/contacts/new/",
        {**VALID_CONTACT, "reports_to": str(boss.pk), "roles": ["technical_buyer", "coach"]},
    )
    assert response.status_code == 302
    lee = Contact.objects.get(name="Lee Park")
    assert (lee.roles, lee.reports_to, lee.primary_contact.username) == (
        ["technical_buyer", "coach"],
        boss,
        "tom",
    )
    assert list(lee.goals.values_list("text", "metric")) == [
        ("Fewer line stops", ""),
        ("Safer site", "incidents"),
    ]


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner", "owner_client", 302),
        ("team member may not edit a contact", "team_member_client", 403),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
        ("ops", "ops_client", 403),
    ],
)
def test_contact_edit_page_access(
    request: Any, account: Account, boss: Contact, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    url = f"/accounts/{account.pk}/relationships/contacts/{boss.pk}/edit/"
    response = client.post(url, {**VALID_CONTACT, "name": "Dana R. Reyes"})
    assert response.status_code == status
    boss.refresh_from_db()
    assert boss.name == ("Dana R. Reyes" if status == 302 else "Dana Reyes")


def test_edit_form_is_prefilled_with_goals(
    owner_client: Any, account: Account, boss: Contact
) -> None:
    ContactGoal.objects.create(
        contact=boss, position=1, text="Grow", metric="revenue", target=10, current=None
    )
    boss.evidence_verified_on = date(2026, 1, 5)
    boss.save()
    response = owner_client.get(f"/accounts/{account.pk}/relationships/contacts/{boss.pk}/edit/")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["goal_1_text"], initial["goal_1_metric"], initial["goal_1_target"]) == (
        "Grow",
        "revenue",
        Decimal("10.00"),
    )
    assert initial["goal_1_current"] is None
    html = response.content.decode()
    assert 'name="goal_1_text" value="Grow"' in html
    assert 'name="goal_1_target" value="10.00"' in html
    assert "|" not in html.split('name="goal_1_text"')[1].split("</fieldset>")[0]
    # the date field shows the date as it is typed, so a save keeps it
    assert 'type="text" name="evidence_verified_on" value="2026-01-05"' in (
        response.content.decode()
    )


def test_contact_of_another_account_is_404_on_edit(owner_client: Any, account: Account) -> None:
    stranger = ContactFactory(account=AccountFactory())
    response = owner_client.get(
        f"/accounts/{account.pk}/relationships/contacts/{stranger.pk}/edit/"
    )
    assert response.status_code == 404


def _form_cases(stranger_id: int) -> list[tuple[str, dict[str, Any], str, str]]:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    return [
        ("unknown role", {"roles": ["coach", "boss"]}, "roles", '"boss" is not a buying role'),
        (
            "influence out of range",
            {"influence": "extreme"},
            "influence",
            '"extreme" is not an influence level',
        ),
        (
            "a goal's metric without its text",
            {"goal_3_metric": "uptime", "goal_3_target": "99"},
            "goal_3_text",
            "Say what goal 3 is",
        ),
        (
            "reports to another account's contact",
            {"reports_to": str(stranger_id)},
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
            "goal target not a number",
            {"goal_1_target": "lots"},
            "goal_1_target",
            "Enter a number",
        ),
    ]


@pytest.mark.parametrize("case", range(7))
def test_form_refuses_bad_contact_beside_the_field(
    owner_client: Any, account: Account, boss: Contact, other_manager: Any, case: int
) -> None:
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    _case, change, field, message = _form_cases(stranger.pk)[case]
    count = Contact.objects.count()
    response = owner_client.post(
        f"/accounts/{account.pk}/relationships/contacts/new/", {**VALID_CONTACT, **change}
    )
    assert response.status_code == 400, _case
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="field has-error"' in response.content.decode()
    assert Contact.objects.count() == count
    assert ContactGoal.objects.count() == 0


def test_form_refuses_reports_to_cycle(
    owner_client: Any, account: Account, boss: Contact, report: Contact
) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/relationships/contacts/{boss.pk}/edit/",
        {
            **VALID_CONTACT,
            "name": "Dana Reyes",
            "primary_contact": "alice",
            "reports_to": str(report.pk),
        },
    )
    assert response.status_code == 400
    assert "cannot report to Sam Ortiz" in " ".join(response.context["form"].errors["reports_to"])
    boss.refresh_from_db()
    assert (boss.reports_to_id, boss.title) == (None, "CFO")


INTERACTION = {"date": "2026-01-10", "channel": "phone", "summary": "Budget call"}


@pytest.mark.parametrize(
    ("_case", "client_name", "status"),
    [
        ("owner logs", "owner_client", 302),
        ("team member logs", "team_member_client", 302),
        ("unrelated manager", "other_manager_client", 404),
        ("executive", "executive_client", 403),
        ("ops", "ops_client", 403),
    ],
)
def test_interaction_page_access(
    request: Any, account: Account, boss: Contact, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    user = {"owner_client": "alice", "team_member_client": "tom"}.get(client_name, "alice")
    response = client.post(
        f"/accounts/{account.pk}/relationships/interactions/new/",
        {**INTERACTION, "user": user, "contacts": [str(boss.pk)]},
    )
    assert response.status_code == status
    assert Interaction.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"contacts": ["stranger"]}, "contacts", "not at Northwind Foods"),
        ({"date": "2100-01-01"}, "date", "is in the future"),
        ({"contacts": []}, "contacts", "at least one person"),
        ({"user": "mallory"}, "user", "not on the Northwind Foods account team"),
        ({"summary": ""}, "summary", "what was discussed"),
    ],
)
def test_interaction_form_refuses_bad_input(
    team_member_client: Any,
    account: Account,
    boss: Contact,
    other_manager: Any,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    stranger = ContactFactory(account=AccountFactory())
    data = {**INTERACTION, "user": "tom", "contacts": [str(boss.pk)], **change}
    if data["contacts"] == ["stranger"]:
        data["contacts"] = [str(boss.pk), str(stranger.pk)]
    response = team_member_client.post(
        f"/accounts/{account.pk}/relationships/interactions/new/", data
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "client_name", "expected"),
    [
        ("owner", "owner_client", ["Dana Reyes"]),
        ("team member", "team_member_client", ["Dana Reyes"]),
        ("unrelated manager sees none", "other_manager_client", []),
        ("executive", "executive_client", ["Dana Reyes", "Eve Elsewhere"]),
        ("ops", "ops_client", ["Dana Reyes", "Eve Elsewhere"]),
    ],
)
def test_decision_makers_only_from_visible_accounts(
    request: Any,
    boss: Contact,
    report: Contact,
    _case: str,
    client_name: str,
    expected: list[str],
) -> None:
    ContactFactory(
        account=AccountFactory(name="Elsewhere Inc"), name="Eve Elsewhere", is_economic_buyer=True
    )
    response = request.getfixturevalue(client_name).get("/decision-makers/?role=economic_buyer")
    assert response.status_code == 200
    assert [c.name for c in response.context["page"]] == expected


def test_decision_makers_filters(
    owner_client: Any, account: Account, boss: Contact, report: Contact, owner: Any
) -> None:
    ContactFactory(account=account, name="Gone Person", is_economic_buyer=True, is_active=False)
    ContactFactory(
        account=account,
        name="Cora Coach",
        is_coach=True,
        attitude="detractor",
        influence="low",
        title="Buyer",
    )
    InteractionFactory(account=account, user=owner, date=timezone.localdate(), contacts=[boss])

    def names(query: str) -> list[str]:
        return [c.name for c in owner_client.get(f"/decision-makers/?{query}").context["page"]]

    assert names("") == ["Cora Coach", "Dana Reyes", "Sam Ortiz"]
    assert names("role=coach") == ["Cora Coach"]
    assert names("influence=high") == ["Dana Reyes"]
    assert names("attitude=detractor") == ["Cora Coach"]
    assert names("overdue=yes") == ["Cora Coach", "Sam Ortiz"]
    assert names("overdue=no") == ["Dana Reyes"]
    assert names("q=purchasing") == ["Sam Ortiz"]
    html = owner_client.get("/decision-makers/?q=dana").content.decode()
    assert "Northwind Foods" in html
    assert f"/accounts/{account.pk}/relationships/" in html


def test_decision_makers_paginates(owner_client: Any, account: Account) -> None:
    for index in range(30):
        ContactFactory(account=account, name=f"Person {index:02d}")
    first = owner_client.get("/decision-makers/")
    second = owner_client.get("/decision-makers/?page=2")
    assert len(first.context["page"]) == 25
    assert [c.name for c in second.context["page"]] == [f"Person {i}" for i in range(25, 30)]


def test_navigation_and_account_tab_link_here(owner_client: Any, account: Account) -> None:
    html = owner_client.get(f"/accounts/{account.pk}/").content.decode()
    assert 'href="/decision-makers/">Find decision makers<' in html
    assert f'href="/accounts/{account.pk}/relationships/">Relationships<' in html
