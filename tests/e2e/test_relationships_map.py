"""The visual buying-influence map in Chromium: an account manager reshapes the reporting
tree by dragging people onto each other, draws a line of influence, edits a person in the
side panel, adds a person from the map, and exports the map; the server refuses a cycle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from relationships.models import Contact, ContactInfluence
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _map(size_extra: int = 0) -> tuple[Account, dict[str, Contact]]:
    """alice's Northwind Foods: a CFO on top, two people reporting to her, one below Sam."""
    alice = UserFactory(username="alice", first_name="Alice", roles=["account_manager"])
    tom = UserFactory(username="tom", first_name="Tom", roles=["account_manager"])
    account = AccountFactory(owner=alice, name="Northwind Foods")
    TeamMemberFactory(account=account, user=tom)
    cfo = ContactFactory(
        account=account,
        name="Dana Reyes",
        title="CFO",
        is_economic_buyer=True,
        influence="high",
        attitude="supporter",
        primary_contact=alice,
    )
    sam = ContactFactory(
        account=account, name="Sam Ortiz", title="Head of purchasing", reports_to=cfo
    )
    lee = ContactFactory(
        account=account, name="Lee Park", title="Controller", is_coach=True, reports_to=cfo
    )
    kim = ContactFactory(
        account=account, name="Kim Lutz", title="Buyer", reports_to=sam, attitude="detractor"
    )
    for index in range(size_extra):
        ContactFactory(account=account, name=f"Extra {index:02d}", reports_to=lee)
    return account, {"cfo": cfo, "sam": sam, "lee": lee, "kim": kim}


def _open_map(page: Page, account: Account, user: str = "alice", query: str = "") -> None:
    login(page, user)
    page.goto(f"/accounts/{account.pk}/relationships/{query}")
    expect(page.locator("#rel-visual")).to_be_visible()
    page.wait_for_function(
        "() => window.kamRelationshipMap && window.kamRelationshipMap.nodes().length > 0"
    )
    page.evaluate("() => document.getElementById('rel-canvas').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)  # Cytoscape learns where its canvas went on the scroll event


def _point(page: Page, contact: Contact) -> tuple[float, float]:
    """Where the person's card is on the screen."""
    spot = page.evaluate(
        """(id) => {
            const cy = window.kamRelationshipMap;
            const node = cy.getElementById('c' + id);
            const box = cy.container().getBoundingClientRect();
            const p = node.renderedPosition();
            return [box.left + p.x, box.top + p.y];
        }""",
        contact.pk,
    )
    return float(spot[0]), float(spot[1])


def _drag(page: Page, who: Contact, onto: Contact) -> None:
    start = _point(page, who)
    end = _point(page, onto)
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10
        )
    page.mouse.up()


def _click(page: Page, contact: Contact) -> None:
    page.mouse.click(*_point(page, contact))


def _api(page: Page, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, response.status
    return response.json()


def _edge_source(page: Page, contact: Contact) -> Any:
    return page.evaluate(
        "(id) => { const e = window.kamRelationshipMap.getElementById('r' + id);"
        " return e.length ? e.source().data('contact') : null; }",
        contact.pk,
    )


def test_drag_a_person_under_another(page: Page) -> None:
    account, people = _map()
    kim, lee = people["kim"], people["lee"]
    _open_map(page, account)
    assert _edge_source(page, kim) == people["sam"].pk

    # when alice drags Kim onto Lee
    _drag(page, kim, lee)

    # then the map says so, the line is redrawn, and the API shows the new manager
    expect(page.locator("#map-status")).to_have_text("Kim Lutz now reports to Lee Park.")
    assert _edge_source(page, kim) == lee.pk
    assert _api(page, f"/api/v1/contacts/{kim.pk}/")["reports_to"] == lee.pk
    # and after a reload the text tree puts Kim under Lee too
    page.reload()
    lee_node = page.locator("#org-tree li:has(> .person[data-person^='lee park'])")
    expect(lee_node.locator("details ul .person", has_text="Kim Lutz")).to_be_visible()
    assert _edge_source(page, kim) == lee.pk


def test_a_cycle_dropped_on_the_map_is_refused(page: Page) -> None:
    account, people = _map()
    cfo, kim = people["cfo"], people["kim"]
    _open_map(page, account)
    where = f"() => window.kamRelationshipMap.getElementById('c{cfo.pk}').position()"
    before = page.evaluate(where)

    # when alice drags the CFO onto Kim, who reports (through Sam) to the CFO
    _drag(page, cfo, kim)

    # then the server's refusal is shown, the card goes back, and nothing changed
    expect(page.locator("#map-status")).to_contain_text(
        "Dana Reyes cannot report to Kim Lutz: Kim Lutz already reports (directly or through "
        "others) to Dana Reyes."
    )
    expect(page.locator("#map-status")).to_have_class("map-status bad-text")
    page.wait_for_timeout(400)  # the card's way back
    after = page.evaluate(where)
    assert abs(after["x"] - before["x"]) < 1
    assert abs(after["y"] - before["y"]) < 1
    assert _edge_source(page, cfo) is None
    cfo.refresh_from_db()
    assert cfo.reports_to_id is None
    assert cfo.version == 1


def test_draw_a_line_of_influence(page: Page) -> None:
    account, people = _map()
    kim, cfo = people["kim"], people["cfo"]
    _open_map(page, account)

    # when alice opens Kim, asks for "Influences…" and clicks the CFO
    _click(page, kim)
    panel = page.locator("#rel-panel")
    expect(page.locator("#panel-heading")).to_have_text("Kim Lutz")
    panel.get_by_role("button", name="Influences…").click()
    expect(page.locator("#map-status")).to_contain_text("Click the person Kim Lutz influences")
    _click(page, cfo)

    # then the line is drawn and in the API, and Kim (a detractor) swaying the economic
    # buyer is a coverage gap
    expect(page.locator("#map-status")).to_contain_text("Kim Lutz influences Dana Reyes")
    lines = _api(page, f"/api/v1/contact-influences/?account={account.pk}")["results"]
    assert [(line["source"], line["target"], line["strength"]) for line in lines] == [
        (kim.pk, cfo.pk, 3)
    ]
    # and its strength and note are set in the panel
    page.get_by_label("Strength", exact=True).select_option("5")
    page.get_by_label("Note").fill("Kim's numbers decide the CFO's vote.")
    page.locator("#influence-form").get_by_role("button", name="Save").click()
    expect(page.locator("#map-status")).to_have_text("Saved the line of influence.")
    line = ContactInfluence.objects.get()
    assert (line.strength, line.note, line.version) == (
        5,
        "Kim's numbers decide the CFO's vote.",
        2,
    )
    gaps = _api(page, f"/api/v1/accounts/{account.pk}/coverage-gaps/")
    assert ("detractor_sways_economic_buyer", kim.pk) in [(g["code"], g["contact"]) for g in gaps]
    assert page.evaluate(
        f"() => window.kamRelationshipMap.getElementById('c{kim.pk}').hasClass('gap')"
    )


def test_edit_a_person_in_the_side_panel_and_add_one(page: Page) -> None:
    account, people = _map()
    sam = people["sam"]
    _open_map(page, account)

    # when alice clicks Sam and makes him a technical buyer and a detractor with strength 2
    _click(page, sam)
    panel = page.locator("#rel-panel")
    panel.get_by_label("Technical buyer").check()
    panel.get_by_label("Attitude to us").select_option("detractor")
    panel.get_by_label("Relationship strength").select_option("2")
    panel.get_by_label("Reports to").select_option(label="Lee Park (Controller)")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("#map-status")).to_have_text("Saved Sam Ortiz.")
    sam.refresh_from_db()
    assert (sam.is_technical_buyer, sam.attitude, sam.relationship_strength) == (
        True,
        "detractor",
        2,
    )
    assert sam.reports_to_id == people["lee"].pk
    assert _edge_source(page, sam) == people["lee"].pk

    # and adds a person from the map, under the CFO
    page.get_by_role("button", name="Add on the map").click()
    panel.get_by_label("Name").fill("Ola Fry")
    panel.get_by_label("Job title").fill("Plant manager")
    panel.get_by_label("Reports to").select_option(label="Dana Reyes (CFO)")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("#map-status")).to_have_text("Added Ola Fry.")
    ola = Contact.objects.get(name="Ola Fry")
    assert ola.reports_to_id == people["cfo"].pk
    assert _edge_source(page, ola) == people["cfo"].pk

    # a name left empty is refused in the panel, in words
    page.get_by_role("button", name="Add on the map").click()
    panel.get_by_role("button", name="Save").click()
    expect(panel.locator('[data-errors="name"]')).to_contain_text("Give the person's name.")
    assert Contact.objects.count() == 5


def test_export_png_and_svg(page: Page, tmp_path: Path) -> None:
    account, _people = _map()
    _open_map(page, account)
    with page.expect_download() as png_download:
        page.get_by_role("button", name="PNG").click()
    png = tmp_path / "map.png"
    png_download.value.save_as(png)
    content = png.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(content) > 2000
    with page.expect_download() as svg_download:
        page.get_by_role("button", name="SVG").click()
    svg = tmp_path / "map.svg"
    svg_download.value.save_as(svg)
    text = svg.read_text()
    assert text.startswith("<svg")
    assert "Dana Reyes" in text
    assert "Kim Lutz" in text
    # the print view shows the picture above the whole list
    page.goto(f"/accounts/{account.pk}/relationships/?view=print")
    picture = page.locator("img.map-picture")
    expect(picture).to_be_visible()
    assert page.evaluate("() => document.querySelector('img.map-picture').naturalWidth") > 100


def test_focus_find_and_filter(page: Page) -> None:
    account, people = _map()
    kim = people["kim"]
    _open_map(page, account, query=f"?focus={kim.pk}")
    assert page.evaluate(
        f"() => window.kamRelationshipMap.getElementById('c{kim.pk}').hasClass('focus')"
    )
    expect(page.locator("#map-status")).to_have_text("Showing Kim Lutz.")
    page.locator("#map-find").fill("lee")
    matches = page.evaluate(
        "() => window.kamRelationshipMap.nodes('.match').map(n => n.data('contact'))"
    )
    assert matches == [people["lee"].pk]
    page.locator("#map-attitude").select_option("detractor")
    dimmed = page.evaluate(
        "() => window.kamRelationshipMap.nodes('.dim').map(n => n.data('contact')).sort()"
    )
    assert sorted(dimmed) == sorted(p.pk for key, p in people.items() if key != "kim")


def test_decision_makers_link_to_the_person_on_the_map(page: Page) -> None:
    account, people = _map()
    login(page, "alice")
    page.goto("/decision-makers/?q=Kim")
    page.get_by_role("link", name="Kim Lutz on the Northwind Foods map").click()
    page.wait_for_function("() => window.kamRelationshipMap")
    assert page.url.endswith(f"?focus={people['kim'].pk}")
    kim = people["kim"].pk
    assert page.evaluate(
        f"() => window.kamRelationshipMap.getElementById('c{kim}').hasClass('focus')"
    )


def test_team_member_reads_the_map_but_cannot_move_people(page: Page) -> None:
    account, people = _map()
    _open_map(page, account, user="tom")
    assert page.evaluate("() => window.kamRelationshipMap.autoungrabify()")
    expect(page.get_by_role("button", name="Add on the map")).to_have_count(0)
    _drag(page, people["kim"], people["lee"])
    _click(page, people["kim"])
    expect(page.locator("#rel-panel").get_by_role("button", name="Save")).to_have_count(0)
    assert page.locator("#rel-panel").get_by_label("Name").is_disabled()
    people["kim"].refresh_from_db()
    assert people["kim"].reports_to_id == people["sam"].pk


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_map_screenshots(page: Page, width: int, height: int) -> None:
    account, people = _map(size_extra=6)
    ContactInfluence.objects.create(
        account=account, source=people["kim"], target=people["cfo"], strength=4
    )
    page.set_viewport_size({"width": width, "height": height})
    _open_map(page, account)
    _click(page, people["sam"])
    data = json.loads(page.locator("#rel-map-data").text_content() or "{}")
    assert len(data["contacts"]) == 10
    assert screenshot(page, f"relationships-map-{width}x{height}").stat().st_size > 10_000
