"""The reporting-line edit the visual map makes: PATCH contacts/{id}/ with `reports_to` and
the version edited (If-Match), refused in words for a cycle or another account's contact."""

from __future__ import annotations

from typing import Any

import pytest

from relationships.models import Contact
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _line(*contacts: Contact) -> list[int | None]:
    return [Contact.objects.get(pk=c.pk).reports_to_id for c in contacts]


def test_move_under_another_with_if_match(
    owner_api: Any, boss: Contact, report: Contact, account: Any
) -> None:
    other = ContactFactory(account=account, name="Ola Fry", reports_to=boss)
    version = owner_api.get(f"/api/v1/contacts/{other.pk}/")["ETag"]
    moved = owner_api.patch(
        f"/api/v1/contacts/{other.pk}/",
        {"reports_to": report.pk},
        format="json",
        HTTP_IF_MATCH=version,
    )
    assert moved.status_code == 200
    assert moved.json()["reports_to"] == report.pk
    assert moved["ETag"] != version
    # the same version again is stale: 412, nothing changed
    again = owner_api.patch(
        f"/api/v1/contacts/{other.pk}/", {"reports_to": None}, format="json", HTTP_IF_MATCH=version
    )
    assert again.status_code == 412
    assert "reports_to" in [change["field"] for change in again.json()["changes"]]
    assert _line(other) == [report.pk]


def test_cycle_through_two_levels_refused(
    owner_api: Any, boss: Contact, report: Contact, account: Any
) -> None:
    below = ContactFactory(account=account, name="Ola Fry", reports_to=report)
    before = _line(boss, report, below)
    response = owner_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"reports_to": below.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert response.json()["reports_to"] == [
        "Dana Reyes cannot report to Ola Fry: Ola Fry already reports (directly or through "
        "others) to Dana Reyes."
    ]
    assert _line(boss, report, below) == before


@pytest.mark.parametrize("value", ["self", "stranger", 99999999, "abc"])
def test_bad_reference_refused(owner_api: Any, owner: Any, boss: Contact, value: Any) -> None:
    stranger = ContactFactory(account=AccountFactory(owner=owner))
    target = {"self": boss.pk, "stranger": stranger.pk}.get(value, value)
    response = owner_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"reports_to": target}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["reports_to"]
    assert _line(boss) == [None]


def test_team_member_cannot_move_people(
    team_member_api: Any, boss: Contact, report: Contact
) -> None:
    response = team_member_api.patch(
        f"/api/v1/contacts/{report.pk}/", {"reports_to": None}, format="json"
    )
    assert response.status_code == 403
    assert _line(report) == [boss.pk]
