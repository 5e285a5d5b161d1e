"""Versioned records through the API (kam/versioning.py, CONTRACT.md): an ETag on every
answer that carries a version, a stale If-Match answers 412 and a stale body version 409,
each with what changed since and nothing written; a PATCH without a version writes only
the fields it sends."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Account, SelectionCriterion
from relationships.models import Contact
from tests.relationships.factories import ContactFactory


@pytest.fixture
def contact(account: Any) -> Contact:
    return ContactFactory(account=account, name="Dana Reyes", title="CFO", evidence="")


def _url(contact: Contact) -> str:
    return f"/api/v1/contacts/{contact.pk}/"


def test_get_answers_with_the_version_as_etag(owner_api: Any, contact: Contact) -> None:
    # when the contact and its account are read
    contact_answer = owner_api.get(_url(contact))
    account_answer = owner_api.get(f"/api/v1/accounts/{contact.account_id}/")

    # then each answer carries version 1 and the matching ETag
    assert (contact_answer.json()["version"], contact_answer["ETag"]) == (1, '"1"')
    assert (account_answer.json()["version"], account_answer["ETag"]) == (1, '"1"')


def test_create_answers_with_an_etag(owner_api: Any, account: Account) -> None:
    answer = owner_api.post(
        "/api/v1/contacts/", {"account": account.pk, "name": "Lee Park"}, format="json"
    )
    assert answer.status_code == 201
    assert (answer.json()["version"], answer["ETag"]) == (1, '"1"')


def test_a_fresh_if_match_saves_and_moves_the_etag(owner_api: Any, contact: Contact) -> None:
    answer = owner_api.patch(
        _url(contact), {"title": "CEO"}, format="json", headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 200
    assert (answer.json()["title"], answer.json()["version"], answer["ETag"]) == ("CEO", 2, '"2"')


def test_a_stale_if_match_answers_412_with_what_changed(owner_api: Any, contact: Contact) -> None:
    # given someone changed the title (version 1 → 2)
    owner_api.patch(_url(contact), {"title": "CEO", "version": 1}, format="json")

    # when a PATCH of the evidence names version 1 in If-Match
    answer = owner_api.patch(
        _url(contact), {"evidence": "Said so."}, format="json", headers={"If-Match": '"1"'}
    )

    # then it answers 412 with the title's change and the current contact, and writes nothing
    assert answer.status_code == 412
    body = answer.json()
    assert body["changes"] == [{"field": "title", "value": "CEO", "changed_in_version": 2}]
    assert (body["current_version"], body["current"]["title"], answer["ETag"]) == (2, "CEO", '"2"')
    assert "you edited version 1; it is now version 2; changed: title" in body["detail"]
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.evidence, stored.version) == ("", 2)


def test_a_stale_body_version_answers_409_and_writes_nothing(
    owner_api: Any, contact: Contact
) -> None:
    owner_api.patch(_url(contact), {"roles": ["coach"]}, format="json")
    answer = owner_api.patch(_url(contact), {"title": "COO", "version": 1}, format="json")
    assert answer.status_code == 409
    # the role flags are shown as the answer's `roles`
    assert answer.json()["changes"] == [
        {"field": "roles", "value": ["coach"], "changed_in_version": 2}
    ]
    assert Contact.objects.get(pk=contact.pk).title == "CFO"


def test_a_stale_put_of_an_account_answers_409(owner_api: Any, account: Account) -> None:
    url = f"/api/v1/accounts/{account.pk}/"
    body = owner_api.get(url).json()
    owner_api.patch(url, {"region": "Asia"}, format="json")
    answer = owner_api.put(url, {**body, "name": "Renamed"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["changes"] == [
        {"field": "region", "value": "Asia", "changed_in_version": 2}
    ]
    assert Account.objects.get(pk=account.pk).name == "Northwind Foods"


def test_a_patch_without_version_writes_only_what_it_sends(
    owner_api: Any, contact: Contact
) -> None:
    # given the contact's title changed under a client that still holds the old row
    Contact.objects.filter(pk=contact.pk).update(title="Changed elsewhere")

    # when that client PATCHes another field without a version
    answer = owner_api.patch(_url(contact), {"evidence": "Met at the fair."}, format="json")

    # then the other field's change survives, and only the evidence is recorded as changed
    assert answer.status_code == 200
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.title, stored.evidence, stored.version) == (
        "Changed elsewhere",
        "Met at the fair.",
        2,
    )
    assert stored.field_versions == {"evidence": 2}


def test_a_patch_that_changes_nothing_keeps_the_version(owner_api: Any, contact: Contact) -> None:
    answer = owner_api.patch(_url(contact), {"title": "CFO", "version": 1}, format="json")
    assert (answer.status_code, answer.json()["version"]) == (200, 1)


def test_goals_count_as_a_change_of_the_contact(owner_api: Any, contact: Contact) -> None:
    owner_api.patch(_url(contact), {"goals": ["Cut costs"]}, format="json")
    answer = owner_api.patch(_url(contact), {"title": "CEO", "version": 1}, format="json")
    assert answer.status_code == 409
    assert [change["field"] for change in answer.json()["changes"]] == ["goals"]


def test_an_if_match_that_is_not_an_etag_answers_400(owner_api: Any, contact: Contact) -> None:
    answer = owner_api.patch(
        _url(contact), {"title": "CEO"}, format="json", headers={"If-Match": "one"}
    )
    assert answer.status_code == 400
    assert Contact.objects.get(pk=contact.pk).title == "CFO"


def test_a_plain_save_moves_the_version_too(contact: Contact) -> None:
    # the admin and any service not written through versioned_update save the whole row
    contact.title = "CEO"
    contact.save()
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.version, stored.field_versions) == (2, {"title": 2})


def test_the_account_360_cache_key_moves_on_a_versioned_save(
    owner_api: Any, contact: Contact
) -> None:
    # the post_save receivers still run for a write by conditional UPDATE
    before = Account.objects.get(pk=contact.account_id).data_version
    owner_api.patch(_url(contact), {"title": "CEO"}, format="json")
    assert Account.objects.get(pk=contact.account_id).data_version > before


# Each further versioned resource: (path, body to create it, a field to PATCH, two values).
RECORDS = [
    (
        "complaints",
        {"category": "delivery", "severity": "low", "opened_on": "2026-01-05"},
        "description",
    ),
    ("events", {"kind": "rfp_issued", "date": "2026-01-05"}, "notes"),
    ("assessments", {"kind": "survey", "date": "2026-01-05", "score": "7.0"}, "notes"),
    (
        "value-entries",
        {"direction": "delivered", "category": "savings", "amount": "100.00", "date": "2026-01-05"},
        "evidence",
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), RECORDS, ids=[r[0] for r in RECORDS])
def test_each_record_is_versioned(
    owner_api: Any, account: Account, path: str, body: dict[str, Any], field: str
) -> None:
    # given a record created through the API: version 1, with its ETag
    created = owner_api.post(f"/api/v1/{path}/", {**body, "account": account.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["version"], created["ETag"]) == (1, '"1"')
    url = f"/api/v1/{path}/{created.json()['id']}/"
    assert owner_api.get(url)["ETag"] == '"1"'

    # when it is changed from version 1, then a second change names version 1 again
    first = owner_api.patch(url, {field: "first", "version": 1}, format="json")
    stale = owner_api.patch(url, {field: "second"}, format="json", headers={"If-Match": '"1"'})
    stale_body = owner_api.patch(url, {field: "third", "version": 1}, format="json")

    # then the first is saved (version 2), the others refused with what changed
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    assert stale.status_code == 412
    assert stale.json()["changes"] == [{"field": field, "value": "first", "changed_in_version": 2}]
    assert stale_body.status_code == 409
    assert owner_api.get(url).json()[field] == "first"


def test_an_account_import_moves_the_version(
    owner_api: Any, account: Account, tmp_path: Any
) -> None:
    # given an account at version 1, changed by an import (its region)
    path = tmp_path / "accounts.csv"
    path.write_text(
        "external_id,name,industry,region,designation,owner\n"
        f"NW-1,Northwind Foods,{account.industry},Asia,{account.designation},alice\n",
        encoding="utf-8",
    )
    call_command("import_data", "accounts", str(path))
    stored = Account.objects.get(pk=account.pk)
    assert (stored.region, stored.version, stored.field_versions) == ("Asia", 2, {"region": 2})

    # when a client that read version 1 saves, it is refused with the import's change
    answer = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"name": "Renamed", "version": 1}, format="json"
    )
    assert answer.status_code == 409
    assert answer.json()["changes"] == [
        {"field": "region", "value": "Asia", "changed_in_version": 2}
    ]


def test_a_versioned_save_keeps_its_author_in_the_audit_trail(
    owner_api: Any, owner: Any, contact: Contact
) -> None:
    owner_api.patch(_url(contact), {"title": "CEO", "version": 1}, format="json")
    record = Contact.history.filter(id=contact.pk).order_by("-history_date").first()
    assert (record.title, record.version, record.history_user) == ("CEO", 2, owner)


def test_a_selection_criterion_is_versioned(executive: Any) -> None:
    client = APIClient()
    client.force_authenticate(executive)
    created = client.post("/api/v1/criteria/", {"name": "Growth", "weight": "2.00"}, format="json")
    assert (created.status_code, created["ETag"]) == (201, '"1"')
    url = f"/api/v1/criteria/{created.json()['id']}/"
    assert client.patch(url, {"weight": "3.00", "version": 1}, format="json").status_code == 200
    stale = client.patch(url, {"name": "Size"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert [change["field"] for change in stale.json()["changes"]] == ["weight"]


def test_team_membership_is_versioned(owner_api: Any, account: Account) -> None:
    url = f"/api/v1/accounts/{account.pk}/team/tom/"
    assert owner_api.get(url)["ETag"] == '"1"'
    assert (
        owner_api.patch(url, {"function": "finance", "version": 1}, format="json").status_code
        == 200
    )
    stale = owner_api.patch(
        url, {"function": "engineering"}, format="json", headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412


def test_analysis_parameters_are_versioned(ops_api: Any) -> None:
    url = "/api/v1/analysis-parameters/"
    version = ops_api.get(url).json()["version"]
    assert ops_api.get(url)["ETag"] == f'"{version}"'
    saved = ops_api.patch(url, {"horizon_years": 4, "version": version}, format="json")
    assert (saved.status_code, saved["ETag"]) == (200, f'"{version + 1}"')
    stale = ops_api.patch(url, {"horizon_years": 6, "version": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changes"][0]["field"] == "horizon_years"
    assert ops_api.get(url).json()["horizon_years"] == 4


def test_a_criterion_score_with_a_stale_version_answers_409(
    owner_api: Any, account: Account
) -> None:
    criterion = SelectionCriterion.objects.create(name="Growth", weight=2)
    body = {"account": account.pk, "criterion": criterion.pk, "score": 3, "rationale": "Growing"}
    first = owner_api.post("/api/v1/criterion-scores/", body, format="json")
    assert first["ETag"] == '"1"'
    owner_api.post("/api/v1/criterion-scores/", {**body, "score": 4, "version": 1}, format="json")
    stale = owner_api.post(
        "/api/v1/criterion-scores/", {**body, "score": 5, "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["score"] == 4
