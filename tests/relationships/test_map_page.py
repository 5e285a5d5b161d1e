"""The data the visual map draws (json_script), who gets the editing tools, the print view."""

from __future__ import annotations

import json
from typing import Any

import pytest

from relationships.models import Contact
from tests.relationships.factories import ContactFactory, ContactInfluenceFactory

pytestmark = pytest.mark.django_db


def _data(response: Any) -> Any:
    html = response.content.decode()
    start = html.index('<script id="rel-map-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_map_data_has_people_lines_and_gaps(
    owner_client: Any, account: Any, boss: Contact, report: Contact
) -> None:
    gone = ContactFactory(account=account, name="Ex Employee", is_active=False, reports_to=boss)
    line = ContactInfluenceFactory(source=report, target=boss, strength=2, note="Lunch </script>")
    response = owner_client.get(f"/accounts/{account.pk}/relationships/?focus={report.pk}")
    assert response.status_code == 200
    data = _data(response)
    assert data["can_edit"] is True
    assert data["account"] == account.pk
    people = {row["name"]: row for row in data["contacts"]}
    assert set(people) == {"Dana Reyes", "Sam Ortiz", "Ex Employee"}
    assert people["Sam Ortiz"]["reports_to"] == boss.pk
    assert people["Sam Ortiz"]["version"] == report.version
    assert people["Dana Reyes"]["roles"] == ["economic_buyer"]
    assert people["Ex Employee"]["is_active"] is False
    assert "No goals recorded" in people["Dana Reyes"]["gaps"]
    assert people["Ex Employee"]["gaps"] == []  # who left is greyed, not a gap
    assert data["influences"] == [
        {
            "id": line.pk,
            "source": report.pk,
            "target": boss.pk,
            "strength": 2,
            "note": "Lunch </script>",
            "version": 1,
        }
    ]
    html = response.content.decode()
    assert f'data-focus="{report.pk}"' in html
    assert "Lunch </script>" not in html.split('id="rel-map-data"')[1].split("</script>")[0]
    assert gone.pk in [row["id"] for row in data["contacts"]]
    # the text view lists the line of influence too
    assert "influences <strong>Dana Reyes</strong>" in html


def test_team_member_gets_no_editing_tools(
    team_member_client: Any, account: Any, boss: Contact
) -> None:
    response = team_member_client.get(f"/accounts/{account.pk}/relationships/")
    assert _data(response)["can_edit"] is False
    html = response.content.decode()
    assert "Add on the map" not in html
    assert 'data-panel="influences"' not in html


def test_print_view_opens_every_level(owner_client: Any, account: Any, boss: Contact) -> None:
    below = boss
    for index in range(45):  # more than the 40 people a page opens in full
        below = ContactFactory(account=account, name=f"Level {index:02d}", reports_to=below)
    normal = owner_client.get(f"/accounts/{account.pk}/relationships/").content.decode()
    printed = owner_client.get(f"/accounts/{account.pk}/relationships/?view=print").content.decode()
    assert printed.count("<details open>") > normal.count("<details open>")
    assert 'data-print="1"' in printed
    assert 'data-map="print"' in printed


@pytest.mark.parametrize(
    ("client_name", "status"), [("other_manager_client", 404), ("anonymous_client", 302)]
)
def test_map_page_refused(
    request: Any, account: Any, boss: Contact, client_name: str, status: int
) -> None:
    client = request.getfixturevalue(client_name)
    response = client.get(f"/accounts/{account.pk}/relationships/")
    assert response.status_code == status
    assert "Dana Reyes" not in response.content.decode()
