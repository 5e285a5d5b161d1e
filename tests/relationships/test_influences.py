"""contact-influences/: lines of influence beyond the reporting line: who reads and writes
them, the same-account and no-self rules, versions, and the coverage gap they feed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account
from relationships import services
from relationships.models import Contact, ContactInfluence
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory, ContactInfluenceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contact-influences/"

READERS = [
    ("owner", "owner_api", 200),
    ("team member", "team_member_api", 200),
    ("unrelated manager", "other_manager_api", 404),
    ("executive", "executive_api", 200),
    ("ops", "ops_api", 200),
    ("anonymous", "anonymous_api", 401),
]

WRITERS = [
    ("owner", "owner_api", 201),
    ("team member", "team_member_api", 403),
    ("unrelated manager", "other_manager_api", 404),
    ("executive", "executive_api", 403),
    ("ops", "ops_api", 403),
    ("anonymous", "anonymous_api", 401),
]


@pytest.fixture
def line(boss: Contact, report: Contact) -> ContactInfluence:
    return ContactInfluenceFactory(source=report, target=boss, strength=4, note="Old friends")


def _lines() -> list[tuple[Any, ...]]:
    return list(
        ContactInfluence.objects.order_by("id").values_list(
            "source_id", "target_id", "strength", "note", "version"
        )
    )


@pytest.mark.parametrize(("_case", "client_name", "status"), READERS)
def test_influence_read_access(
    request: Any, line: ContactInfluence, _case: str, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.get(f"{URL}{line.pk}/")
    assert response.status_code == status
    listing = client.get(URL, {"account": line.account_id})
    if status == 200:
        body = response.json()
        assert body == {
            "id": line.pk,
            "account": line.account_id,
            "source": line.source_id,
            "source_name": "Sam Ortiz",
            "target": line.target_id,
            "target_name": "Dana Reyes",
            "strength": 4,
            "note": "Old friends",
            "version": 1,
        }
        assert response["ETag"] == '"1"'
        assert [row["id"] for row in listing.json()["results"]] == [line.pk]
    elif status == 404:
        assert listing.json()["count"] == 0
    else:
        assert listing.status_code == 401


@pytest.mark.parametrize(("_case", "client_name", "status"), WRITERS)
def test_influence_write_access(
    request: Any,
    account: Account,
    boss: Contact,
    report: Contact,
    _case: str,
    client_name: str,
    status: int,
) -> None:
    client = request.getfixturevalue(client_name)
    line = ContactInfluenceFactory(source=boss, target=report)
    before = _lines()
    created = client.post(
        URL,
        {"account": account.pk, "source": report.pk, "target": boss.pk, "strength": 5},
        format="json",
    )
    assert created.status_code == status
    changed = client.patch(f"{URL}{line.pk}/", {"strength": 1}, format="json")
    deleted = client.delete(f"{URL}{line.pk}/")
    if status == 201:
        assert created.json()["strength"] == 5
        assert changed.status_code == 200
        assert changed.json()["version"] == 2
        assert deleted.status_code == 204
        assert list(ContactInfluence.objects.values_list("source_id", "target_id")) == [
            (report.pk, boss.pk)
        ]
    else:
        assert changed.status_code == status
        assert deleted.status_code == status
        assert _lines() == before


def test_influence_filter_by_account_and_contact(
    owner_api: Any, account: Account, owner: Any, line: ContactInfluence, boss: Contact
) -> None:
    elsewhere = ContactFactory(account=AccountFactory(owner=owner))
    other = ContactInfluenceFactory(source=elsewhere)
    all_ids = {row["id"] for row in owner_api.get(URL).json()["results"]}
    assert all_ids == {line.pk, other.pk}
    by_account = owner_api.get(URL, {"account": account.pk}).json()["results"]
    assert [row["id"] for row in by_account] == [line.pk]
    by_contact = owner_api.get(URL, {"contact": boss.pk}).json()["results"]
    assert [row["id"] for row in by_contact] == [line.pk]
    # a contact is a whole id: 0.5 is refused, as the schema's integer says
    half = owner_api.get(URL, {"contact": "0.5"})
    assert half.status_code == 400
    assert "contact" in half.json()


def _bad_lines(boss: Contact, report: Contact, stranger: Contact) -> list[Any]:
    return [
        ("self", {"source": boss.pk, "target": boss.pk}, "target", "cannot influence themselves"),
        (
            "another account's target",
            {"source": boss.pk, "target": stranger.pk},
            "target",
            "not a contact of Northwind Foods",
        ),
        (
            "another account's source",
            {"source": stranger.pk, "target": boss.pk},
            "source",
            "not a contact of Northwind Foods",
        ),
        (
            "unknown contact",
            {"source": boss.pk, "target": 987654},
            "target",
            "not a contact of Northwind Foods",
        ),
        (
            "strength 6",
            {"source": boss.pk, "target": report.pk, "strength": 6},
            "strength",
            "less than or equal to 5",
        ),
        (
            "the same pair twice",
            {"source": report.pk, "target": boss.pk},
            "target",
            "already has Sam Ortiz influencing Dana Reyes",
        ),
    ]


@pytest.mark.parametrize("case", range(6))
def test_influence_bad_input_answers_400_and_writes_nothing(
    owner_api: Any, account: Account, boss: Contact, report: Contact, line: Any, case: int
) -> None:
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    _case, body, field, message = _bad_lines(boss, report, stranger)[case]
    before = _lines()
    response = owner_api.post(URL, {"account": account.pk, **body}, format="json")
    assert response.status_code == 400, _case
    assert message in " ".join(response.json()[field]), response.json()
    assert _lines() == before
    # a change to the stored line that makes it wrong is refused the same way (bar the pair
    # the line already is)
    if _case != "the same pair twice":
        other = ContactInfluenceFactory(source=boss, target=report)
        before = _lines()
        response = owner_api.patch(f"{URL}{other.pk}/", body, format="json")
        assert response.status_code == 400, _case
        assert message in " ".join(response.json()[field])
        assert _lines() == before


def test_influence_cannot_move_account(owner_api: Any, owner: Any, line: ContactInfluence) -> None:
    other = AccountFactory(owner=owner)
    response = owner_api.patch(f"{URL}{line.pk}/", {"account": other.pk}, format="json")
    assert response.status_code == 409
    line.refresh_from_db()
    assert line.account_id != other.pk


def test_influence_create_on_invisible_account_is_404(
    other_manager_api: Any, account: Account, boss: Contact, report: Contact
) -> None:
    response = other_manager_api.post(
        URL, {"account": account.pk, "source": boss.pk, "target": report.pk}, format="json"
    )
    assert response.status_code == 404
    assert not ContactInfluence.objects.exists()


def test_influence_stale_version_refused(owner_api: Any, line: ContactInfluence) -> None:
    first = owner_api.patch(f"{URL}{line.pk}/", {"strength": 2}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    stale = owner_api.patch(f"{URL}{line.pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert [change["field"] for change in stale.json()["changes"]] == ["strength"]
    in_body = owner_api.patch(f"{URL}{line.pk}/", {"note": "x", "version": 1}, format="json")
    assert in_body.status_code == 409
    line.refresh_from_db()
    assert (line.strength, line.note, line.version) == (2, "Old friends", 2)


def test_influence_history_records_who_changed_what(
    owner_api: Any, owner: Any, line: ContactInfluence
) -> None:
    owner_api.patch(f"{URL}{line.pk}/", {"strength": 1}, format="json")
    record = line.history.order_by("-history_date").first()
    assert record is not None
    assert (record.history_user, record.strength, record.history_type) == (owner, 1, "~")
    owner_api.delete(f"{URL}{line.pk}/")
    assert ContactInfluence.history.filter(id=line.pk, history_type="-").count() == 1


def test_detractor_swaying_the_economic_buyer_is_a_gap(
    owner_api: Any, account: Account, boss: Contact, report: Contact
) -> None:
    report.attitude = "detractor"
    report.save()

    def codes() -> list[tuple[str, int | None]]:
        gaps = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/").json()
        return [(gap["code"], gap["contact"]) for gap in gaps]

    assert ("detractor_sways_economic_buyer", report.pk) not in codes()
    created = owner_api.post(
        URL,
        {"account": account.pk, "source": report.pk, "target": boss.pk, "note": "Golf"},
        format="json",
    )
    assert created.status_code == 201
    assert ("detractor_sways_economic_buyer", report.pk) in codes()


def test_service_refuses_other_people(
    account: Account, boss: Contact, report: Contact, team_member: Any
) -> None:
    with pytest.raises(Exception, match="Only the account's owner"):
        services.influence_create(
            account=account, created_by=team_member, source=boss, target=report
        )
    assert not ContactInfluence.objects.exists()


def test_service_refuses_a_contact_object_of_another_account(
    account: Account, owner: Any, boss: Contact
) -> None:
    stranger = ContactFactory(account=AccountFactory(owner=owner))
    with pytest.raises(ValidationError) as caught:
        services.influence_create(account=account, created_by=owner, source=boss, target=stranger)
    assert "target" in caught.value.message_dict
    assert not ContactInfluence.objects.exists()
