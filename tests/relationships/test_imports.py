"""Import kinds `contacts` and `interactions` (CONTRACT.md): all or nothing, every bad input
refused by row and column with the database unchanged, a re-import that changes nothing, an
interactions file loaded once, and an export that imports back unchanged."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from relationships.models import Contact, Interaction
from tests.factories import AccountFactory
from tests.relationships.factories import ContactFactory
from valuation.importing.kinds.relationships import (
    CONTACT_EXPORT_VALUES,
    INTERACTION_EXPORT_VALUES,
    contacts_export_queryset,
    interactions_export_queryset,
)
from valuation.models import ImportBatch

pytestmark = pytest.mark.django_db

HEADER = (
    "account,external_id,name,title,email,roles,influence,attitude,reports_to,"
    "primary_contact,contact_frequency_days\n"
)
GOOD = (
    HEADER + "NW-1,C-3,Kim Lutz,Buyer,kim@example.com,user_buyer,low,detractor,C-2,tom,30\n"
    "NW-1,C-1,Dana Reyes,CFO,dana@example.com,economic_buyer;coach,high,supporter,,alice,60\n"
    "NW-1,C-2,Sam Ortiz,Head of purchasing,,,medium,neutral,C-1,,\n"
)
I_HEADER = "account,date,user,channel,contacts,summary\n"


def state() -> list[Any]:
    return [
        sorted(
            Contact.objects.values_list(
                "account_id",
                "external_id",
                "name",
                "title",
                "email",
                "is_economic_buyer",
                "is_coach",
                "influence",
                "attitude",
                "reports_to_id",
                "primary_contact_id",
                "contact_frequency_days",
                "version",
            )
        ),
        sorted(Interaction.objects.values_list("account_id", "date", "user_id", "summary")),
        sorted(Interaction.contacts.through.objects.values_list("interaction_id", "contact_id")),
    ]


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(kind: str, path: Path) -> str:
    out = StringIO()
    call_command("import_data", kind, str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(kind: str, path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="refused|already loaded"):
        call_command("import_data", kind, str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def nw(account: Account) -> Account:
    account.external_id = "NW-1"
    account.save()
    return account


def test_contacts_import_builds_the_map(
    nw: Account, owner: Any, team_member: Any, tmp_path: Path
) -> None:
    run("contacts", write(tmp_path, GOOD))
    people = {c.external_id: c for c in Contact.objects.filter(account=nw)}
    assert set(people) == {"C-1", "C-2", "C-3"}
    assert people["C-3"].reports_to == people["C-2"]
    assert people["C-2"].reports_to == people["C-1"]
    assert people["C-1"].roles == ["economic_buyer", "coach"]
    assert (people["C-1"].primary_contact, people["C-3"].primary_contact) == (owner, team_member)
    assert (people["C-3"].email, people["C-3"].contact_frequency_days) == ("kim@example.com", 30)
    assert people["C-2"].contact_frequency_days == 90


def test_reimporting_the_same_contacts_file_changes_nothing(nw: Account, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    run("contacts", path)
    before = state()
    run("contacts", write(tmp_path, GOOD, name="again.csv"))
    assert state() == before
    batch = ImportBatch.objects.order_by("-id").first()
    assert batch is not None
    assert (batch.rows_created, batch.rows_updated) == (0, 0)


def test_changed_contacts_file_updates_and_moves_the_version(nw: Account, tmp_path: Path) -> None:
    run("contacts", write(tmp_path, GOOD))
    sam = Contact.objects.get(external_id="C-2")
    changed = GOOD.replace(
        "Head of purchasing,,,medium,neutral,C-1", "Head of buying,,,medium,neutral,"
    )
    run("contacts", write(tmp_path, changed, name="changed.csv"))
    sam.refresh_from_db()
    assert (sam.title, sam.reports_to_id, sam.version) == ("Head of buying", None, 2)
    assert sam.field_versions["title"] == 2
    assert sam.field_versions["reports_to"] == 2


@pytest.mark.parametrize(
    ("case", "row", "column", "message"),
    [
        (
            "unknown account",
            "XX-9,C-9,Ann,,,,,,,,",
            "account",
            "No account has the external id 'XX-9'",
        ),
        ("unknown reports_to", "NW-1,C-9,Ann,,,,,,C-77,,", "reports_to", "external id 'C-77'"),
        (
            "unknown username",
            "NW-1,C-9,Ann,,,,,,,ghost,",
            "primary_contact",
            "No active user is called 'ghost'",
        ),
        ("bad role", "NW-1,C-9,Ann,,,boss,,,,,", "roles", "'boss' is not a buying role"),
        (
            "bad influence",
            "NW-1,C-9,Ann,,,,huge,,,,",
            "influence",
            "'huge' is not a known influence",
        ),
        (
            "bad e-mail",
            "NW-1,C-9,Ann,,not-mail,,,,,,",
            "email",
            "'not-mail' is not an e-mail address",
        ),
        ("no name", "NW-1,C-9,,,,,,,,,", "name", "The name is required"),
        (
            "reports to themselves",
            "NW-1,C-9,Ann,,,,,,C-9,,",
            "reports_to",
            "cannot report to themselves",
        ),
        (
            "not on the team",
            "NW-1,C-9,Ann,,,,,,,mallory,",
            "primary_contact",
            "not on this account's team",
        ),
        (
            "same key twice",
            "NW-1,C-1,Dana Again,,,,,,,,",
            "account, external_id",
            "Same account, external_id as row 3",
        ),
    ],
)
def test_bad_contacts_file_is_refused_and_nothing_written(
    nw: Account, tmp_path: Path, other_manager: Any, case: str, row: str, column: str, message: str
) -> None:
    before = state()
    printed = refused("contacts", write(tmp_path, GOOD + row + "\n"))
    assert message in printed, (case, printed)
    line = next(line for line in printed.splitlines() if message in line)
    assert line.startswith(f"row 5, column {column}: "), line
    assert state() == before


def test_a_loop_within_the_file_is_refused(nw: Account, tmp_path: Path) -> None:
    looped = (
        HEADER
        + "NW-1,A,Ann,,,,,,B,,\nNW-1,B,Ben,,,,,,C,,\nNW-1,C,Cat,,,,,,A,,\nNW-1,D,Dan,,,,,,A,,\n"
    )
    printed = refused("contacts", write(tmp_path, looped))
    assert (
        "row 2, column reports_to: These people would report to each other in a loop: A → B → C → A"
        in printed
    )
    assert (
        "row 3, column reports_to: These people would report to each other in a loop: B → C → A → B"
        in printed
    )
    assert "row 5" not in printed  # Dan reports into the loop but is not on it
    assert state() == [[], [], []]


def test_a_loop_through_a_stored_contact_is_refused(nw: Account, tmp_path: Path) -> None:
    boss = ContactFactory(account=nw, external_id="S-1", name="Stored Boss")
    ContactFactory(account=nw, external_id="S-2", name="Stored Report", reports_to=boss)
    before = state()
    printed = refused("contacts", write(tmp_path, HEADER + "NW-1,S-1,Stored Boss,,,,,,S-2,,\n"))
    assert "S-1 → S-2 → S-1" in printed
    assert state() == before


def test_another_accounts_contact_is_not_a_manager(nw: Account, tmp_path: Path) -> None:
    other = AccountFactory(external_id="OT-1")
    ContactFactory(account=other, external_id="X-1")
    before = state()
    printed = refused("contacts", write(tmp_path, HEADER + "NW-1,C-9,Ann,,,,,,X-1,,\n"))
    assert "external id 'X-1'" in printed
    assert state() == before


def _interactions(team: str = "tom") -> str:
    return (
        I_HEADER + f"NW-1,2026-02-03,{team},meeting,C-1;C-2,Quarterly review\n"
        "NW-1,2026-02-10,alice,phone,C-3,=SUM(A1) said the buyer\n"
    )


def test_interactions_import_and_a_file_loaded_once(
    nw: Account, owner: Any, team_member: Any, tmp_path: Path
) -> None:
    run("contacts", write(tmp_path, GOOD))
    path = write(tmp_path, _interactions(), name="i.csv")
    run("interactions", path)
    rows = list(
        Interaction.objects.order_by("date").values_list("user__username", "summary", "logged_by")
    )
    assert rows == [("tom", "Quarterly review", None), ("alice", "=SUM(A1) said the buyer", None)]
    first = Interaction.objects.order_by("date").first()
    assert first is not None
    assert sorted(first.contacts.values_list("external_id", flat=True)) == ["C-1", "C-2"]
    before = state()
    printed = refused("interactions", write(tmp_path, path.read_text(), name="copy.csv"))
    assert "already loaded" in printed
    assert state() == before


@pytest.mark.parametrize(
    ("case", "row", "column", "message"),
    [
        ("unknown account", "XX-9,2026-02-03,tom,meeting,C-1,x", "account", "No account has"),
        (
            "unknown username",
            "NW-1,2026-02-03,ghost,meeting,C-1,x",
            "user",
            "No active user is called 'ghost'",
        ),
        (
            "not on the team",
            "NW-1,2026-02-03,mallory,meeting,C-1,x",
            "user",
            "not on this account's team",
        ),
        ("unknown contact", "NW-1,2026-02-03,tom,meeting,C-1;C-99,x", "contacts", "'C-99'"),
        ("no contact", "NW-1,2026-02-03,tom,meeting,,x", "contacts", "at least one contact"),
        ("future", "NW-1,2199-01-01,tom,meeting,C-1,x", "date", "is in the future"),
        (
            "bad channel",
            "NW-1,2026-02-03,tom,pigeon,C-1,x",
            "channel",
            "'pigeon' is not a known channel",
        ),
        ("no summary", "NW-1,2026-02-03,tom,meeting,C-1,", "summary", "summary is required"),
    ],
)
def test_bad_interactions_file_is_refused_and_nothing_written(
    nw: Account,
    tmp_path: Path,
    team_member: Any,
    other_manager: Any,
    case: str,
    row: str,
    column: str,
    message: str,
) -> None:
    run("contacts", write(tmp_path, GOOD))
    before = state()
    printed = refused("interactions", write(tmp_path, _interactions() + row + "\n", name="i.csv"))
    assert message in printed, (case, printed)
    line = next(line for line in printed.splitlines() if message in line)
    assert line.startswith(f"row 4, column {column}: "), line
    assert state() == before


def _export(queryset: Any, values: tuple[str, ...], header: str) -> str:
    import csv

    from kam.spreadsheets import csv_row

    out = StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(header)
    for row in queryset.values_list(*values):
        writer.writerow(
            csv_row(
                tuple(
                    "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)
                    for v in row
                )
            )
        )
    return out.getvalue()


def test_export_imports_back_unchanged(nw: Account, team_member: Any, tmp_path: Path) -> None:
    run("contacts", write(tmp_path, GOOD))
    run("interactions", write(tmp_path, _interactions(), name="i.csv"))
    contacts_csv = _export(
        contacts_export_queryset(Contact.objects.all()), CONTACT_EXPORT_VALUES, HEADER
    )
    assert "economic_buyer;coach" in contacts_csv
    interactions_csv = _export(
        interactions_export_queryset(Interaction.objects.all()), INTERACTION_EXPORT_VALUES, I_HEADER
    )
    assert "C-1;C-2" in interactions_csv
    assert "'=SUM(A1)" in interactions_csv  # formula-safe
    before = state()
    run("contacts", write(tmp_path, contacts_csv, name="export.csv"))
    assert state() == before
    # the interactions export is the same content as the file loaded: refused as already
    # loaded only if byte-identical; else it would add rows. It reads back the same values:
    Interaction.objects.all().delete()
    run("interactions", write(tmp_path, interactions_csv, name="export-i.csv"))
    assert sorted(
        Interaction.objects.values_list("date", "user__username", "channel", "summary")
    ) == sorted(
        [
            (row[1], row[2], row[3], row[5])
            for row in [
                (
                    "NW-1",
                    __import__("datetime").date(2026, 2, 3),
                    "tom",
                    "meeting",
                    "",
                    "Quarterly review",
                ),
                (
                    "NW-1",
                    __import__("datetime").date(2026, 2, 10),
                    "alice",
                    "phone",
                    "",
                    "=SUM(A1) said the buyer",
                ),
            ]
        ]
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_pages_give_files_that_import_back_unchanged(
    nw: Account, team_member: Any, owner_client: Any, tmp_path: Path, file_format: str
) -> None:
    """/exports/contacts/ and /exports/interactions/ (the import page's links) answer the
    kinds' own columns; the contacts file loads back as no change at all."""
    run("contacts", write(tmp_path, GOOD))
    run("interactions", write(tmp_path, _interactions(), name="i.csv"))
    contacts = owner_client.get(f"/exports/contacts/?file_format={file_format}")
    interactions = owner_client.get(f"/exports/interactions/?file_format={file_format}")
    assert (contacts.status_code, interactions.status_code) == (200, 200)
    body = b"".join(contacts.streaming_content)
    if file_format == "csv":
        text = body.decode()
        assert text.splitlines()[0] == HEADER.strip()
        assert "economic_buyer;coach" in text
        assert "C-1;C-2" in b"".join(interactions.streaming_content).decode()
    before = state()
    export = tmp_path / f"contacts-export.{file_format}"
    export.write_bytes(body)
    run("contacts", export)
    assert state() == before
