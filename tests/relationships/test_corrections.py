"""History and corrections: a person who left (with the day), interactions corrected and
deleted by who logged them (versioned, with history), and a person's history on the page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Account
from relationships import services
from relationships.models import Contact, Interaction
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(account: Account, team_member: Any, boss: Contact, report: Contact) -> Interaction:
    return services.interaction_log(
        account=account,
        logged_by=team_member,
        user=team_member,
        date=date(2026, 3, 2),
        channel="meeting",
        summary="Review",
        contacts=[boss],
    )


def _row(interaction: Interaction) -> tuple[Any, ...]:
    interaction.refresh_from_db()
    return (
        interaction.summary,
        interaction.date,
        interaction.version,
        sorted(interaction.contacts.values_list("pk", flat=True)),
    )


# --- a person who left -----------------------------------------------------------------


def test_person_who_left_gets_the_day(owner_api: Any, report: Contact) -> None:
    today = timezone.localdate()
    left = owner_api.patch(f"/api/v1/contacts/{report.pk}/", {"is_active": False}, format="json")
    assert left.status_code == 200
    assert (left.json()["is_active"], left.json()["left_on"]) == (False, today.isoformat())
    # a day given alone says they left that day
    earlier = (today - timedelta(days=20)).isoformat()
    dated = owner_api.patch(f"/api/v1/contacts/{report.pk}/", {"left_on": earlier}, format="json")
    assert dated.json()["left_on"] == earlier
    # back at the customer: no day
    back = owner_api.patch(f"/api/v1/contacts/{report.pk}/", {"is_active": True}, format="json")
    assert (back.json()["is_active"], back.json()["left_on"]) == (True, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"left_on": "2199-01-01"}, "is in the future"),
        ({"is_active": True, "left_on": "2026-01-01"}, "still at the customer has no leaving day"),
    ],
)
def test_bad_leaving_day_refused(
    owner_api: Any, report: Contact, body: dict[str, Any], message: str
) -> None:
    response = owner_api.patch(f"/api/v1/contacts/{report.pk}/", body, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["left_on"])
    report.refresh_from_db()
    assert (report.is_active, report.left_on, report.version) == (True, None, 1)


def test_map_shows_who_left_greyed_with_the_day(
    owner_client: Any, account: Account, boss: Contact
) -> None:
    ContactFactory(account=account, name="Gone Person", is_active=False, left_on=date(2026, 2, 1))
    html = owner_client.get(f"/accounts/{account.pk}/relationships/").content.decode()
    assert "Left on 2026-02-01" in html
    assert '"left_on": "2026-02-01"' in html


# --- interactions corrected and deleted ----------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("team_member_api", 200),  # who logged it
        ("owner_api", 403),  # the owner did not log it
        ("executive_api", 403),
        ("other_manager_api", 404),
        ("anonymous_api", 401),
    ],
)
def test_interaction_correction_access(
    request: Any, logged: Interaction, report: Contact, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    before = _row(logged)
    response = client.patch(
        f"/api/v1/interactions/{logged.pk}/",
        {"summary": "Quarterly review", "contacts": [report.pk]},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == status
    deleted = client.delete(f"/api/v1/interactions/{logged.pk}/")
    if status == 200:
        assert response.json()["summary"] == "Quarterly review"
        assert response.json()["contacts"] == [report.pk]
        assert response.json()["logged_by"] == "tom"
        assert response["ETag"] == '"2"'
        assert deleted.status_code == 204
        assert not Interaction.objects.filter(pk=logged.pk).exists()
        kinds = list(
            Interaction.history.filter(id=logged.pk)
            .order_by("history_date")
            .values_list("history_type", "summary")
        )
        assert kinds == [("+", "Review"), ("~", "Quarterly review"), ("-", "Quarterly review")]
    else:
        assert deleted.status_code == status
        assert _row(logged) == before


def test_interaction_correction_refusals(
    team_member_api: Any, logged: Interaction, owner: Any
) -> None:
    from tests.factories import AccountFactory

    before = _row(logged)
    url = f"/api/v1/interactions/{logged.pk}/"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = team_member_api.patch(url, {"date": future}, format="json")
    assert bad.status_code == 400
    assert "is in the future" in " ".join(bad.json()["date"])
    stale = team_member_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    moved = team_member_api.patch(url, {"account": AccountFactory(owner=owner).pk}, format="json")
    assert moved.status_code == 409
    nobody = team_member_api.patch(url, {"contacts": []}, format="json")
    assert nobody.status_code == 400
    assert _row(logged) == before


def test_interaction_correction_pages(
    team_member_client: Any, owner_client: Any, account: Account, logged: Interaction
) -> None:
    url = f"/accounts/{account.pk}/relationships/interactions/{logged.pk}/edit/"
    assert owner_client.get(url).status_code == 403
    assert owner_client.post(url.replace("edit", "delete")).status_code == 403
    page = team_member_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["summary"] == "Review"
    map_html = team_member_client.get(f"/accounts/{account.pk}/relationships/").content.decode()
    assert "Correct the interaction of 2026-03-02" in map_html
    saved = team_member_client.post(
        url,
        {
            "date": "2026-03-03",
            "channel": "phone",
            "user": "tom",
            "contacts": [str(c.pk) for c in logged.contacts.all()],
            "summary": "Call instead",
            "version": "1",
        },
    )
    assert saved.status_code == 302
    logged.refresh_from_db()
    assert (logged.date, logged.channel, logged.summary, logged.version) == (
        date(2026, 3, 3),
        "phone",
        "Call instead",
        2,
    )
    stale = team_member_client.post(
        url,
        {
            "date": "2026-03-03",
            "channel": "phone",
            "user": "tom",
            "contacts": [str(c.pk) for c in logged.contacts.all()],
            "summary": "Older edit",
            "version": "1",
        },
    )
    assert stale.status_code == 409
    assert team_member_client.post(url.replace("edit", "delete")).status_code == 302
    assert not Interaction.objects.filter(pk=logged.pk).exists()


# --- a person's history --------------------------------------------------------------


def test_contact_history_shows_who_when_which_fields(
    owner_api: Any, owner_client: Any, account: Account, boss: Contact
) -> None:
    owner_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"attitude": "neutral", "title": "CEO"}, format="json"
    )
    response = owner_client.get(f"/accounts/{account.pk}/relationships/contacts/{boss.pk}/edit/")
    history = response.context["history"]
    assert history[0].who == "alice"
    assert history[0].what == "changed"
    assert sorted(history[0].fields) == ["attitude", "title"]
    html = response.content.decode()
    assert "History of Dana Reyes" in html
    assert "Changed " in html
