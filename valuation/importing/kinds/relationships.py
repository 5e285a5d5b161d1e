"""Kinds `contacts` (upserted on account and external id) and `interactions` (no natural key:
every row inserted, a file already loaded refused by its hash): buying-influence maps brought
in from a CRM or a spreadsheet (CONTRACT.md, "Data import and export").

A contact's `reports_to` names the external id of a contact of the same account, in the file
or already stored, so it is checked once the whole file is read: an unknown one, a person
reporting to themselves and a loop within the file are refused by row and column. The row
numbers of those file-wide checks count the file's rows as read (a blank line between rows
is not counted), and they run only when every row on its own is valid (otherwise the file is
refused for its rows' problems first). Bulk writes keep no per-row history (kam/audit.py);
the import batch records the load, and each changed contact's version moves on
(kam/versioning.py) so an edit opened before the import is refused instead of undoing it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Aggregate, Case, CharField, QuerySet, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account, TeamMember
from relationships.models import ROLE_FIELDS, Attitude, Channel, Contact, Influence, Interaction
from valuation.importing.cells import (
    BadValue,
    DateParser,
    Lookup,
    RowChecker,
    account_lookup,
    cells_of,
    parse_choice,
    parse_long_text,
    parse_text,
)
from valuation.importing.outcome import ImportOutcome, ImportRefused, RowError
from valuation.importing.specs import ImportContext, Row, RowParser
from valuation.importing.upsert import batches

CONTACT_COLUMNS = (
    "account",
    "external_id",
    "name",
    "title",
    "email",
    "roles",
    "influence",
    "attitude",
    "reports_to",
    "primary_contact",
    "contact_frequency_days",
)
INTERACTION_COLUMNS = ("account", "date", "user", "channel", "contacts", "summary")
ROLE_NAMES = tuple(ROLE_FIELDS)
# The contact fields an import writes, in the order of ContactRow's values.
CONTACT_FIELDS = (
    "name",
    "title",
    "email",
    *ROLE_FIELDS.values(),
    "influence",
    "attitude",
    "primary_contact_id",
    "contact_frequency_days",
)


@dataclass
class ParseState:
    """What the row parser saw, shared with the writer (which gets only valid rows)."""

    calls: int = 0
    failures: int = 0


@dataclass(frozen=True)
class ContactRow:
    row: int
    account_id: int
    external_id: str
    values: tuple[Any, ...]  # CONTACT_FIELDS' values
    reports_to: str  # an external id, or ""


def _people_of_accounts() -> dict[int, set[int]]:
    """Account id → ids of its owner and team members (who may hold a relationship)."""
    people: dict[int, set[int]] = {}
    for account_id, owner_id in Account.objects.values_list("pk", "owner_id").iterator():
        people[account_id] = {owner_id}
    for account_id, user_id in TeamMember.objects.values_list("account_id", "user_id"):
        people.setdefault(account_id, set()).add(user_id)
    return people


def _usernames() -> Lookup:
    users = dict(get_user_model().objects.filter(is_active=True).values_list("username", "id"))
    return Lookup(
        users,
        missing=_("No active user is called '{}'."),
        empty=_("The user (a username) is required."),
    )


def _roles(text: str) -> tuple[bool, ...]:
    names = [part.strip().lower() for part in text.split(";") if part.strip()]
    unknown = [name for name in names if name not in ROLE_NAMES]
    if unknown:
        raise BadValue(
            _("'%(roles)s' is not a buying role; use %(known)s (several separated by ';').")
            % {"roles": ";".join(unknown), "known": ", ".join(ROLE_NAMES)}
        )
    return tuple(role in names for role in ROLE_NAMES)


def _email(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as error:
        raise BadValue(_("'%(value)s' is not an e-mail address.") % {"value": value}) from error
    if len(value) > 254:
        raise BadValue(_("The e-mail address is longer than 254 characters."))
    return value


def _frequency(text: str) -> int:
    value = text.strip()
    if not value:
        return 90
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise BadValue(_("'%(value)s' is not a number of days from 1 to 3650.") % {"value": value})
    return int(value)


class ContactsParser:
    """Row parser of `contacts` (lookups preloaded once)."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.positions = positions
        self.account = account_lookup()
        self.users = _usernames()
        self.people = _people_of_accounts()
        self.check = RowChecker()
        self.state = ParseState()

    def _primary(self, account_id: int | None, text: str) -> int | None:
        if not text.strip():
            return None
        user_id = self.users(text)
        if account_id is not None and user_id not in self.people.get(account_id, set()):
            raise BadValue(
                _(
                    "'%(username)s' is not on this account's team; choose the owner or a team "
                    "member."
                )
                % {"username": text.strip()}
            )
        return user_id

    def __call__(self, row: list[str]) -> Row:
        self.state.calls += 1
        c = cells_of(row, self.positions)
        check = self.check
        account_id = check.take("account", self.account, c["account"])
        external_id = check.take(
            "external_id",
            lambda t: parse_text(t, what=gettext_noop("external id"), max_length=64),
            c["external_id"],
        )
        name = check.take(
            "name", lambda t: parse_text(t, what=gettext_noop("name"), max_length=200), c["name"]
        )
        title = check.take(
            "title",
            lambda t: parse_text(t, what=gettext_noop("title"), max_length=200, required=False),
            c["title"],
        )
        email = check.take("email", _email, c["email"])
        roles = check.take("roles", _roles, c["roles"])
        influence = check.take(
            "influence",
            lambda t: parse_choice(
                t or "medium", what=gettext_noop("influence"), choices=Influence.values
            ),
            c["influence"],
        )
        attitude = check.take(
            "attitude",
            lambda t: parse_choice(
                t or "neutral", what=gettext_noop("attitude"), choices=Attitude.values
            ),
            c["attitude"],
        )
        reports_to = check.take(
            "reports_to",
            lambda t: parse_text(t, what=gettext_noop("reports_to"), max_length=64, required=False),
            c["reports_to"],
        )
        primary = check.take(
            "primary_contact", lambda t: self._primary(account_id, t), c["primary_contact"]
        )
        frequency = check.take("contact_frequency_days", _frequency, c["contact_frequency_days"])
        try:
            check.done()
        except Exception:
            self.state.failures += 1
            raise
        values = (name, title, email, *roles, influence, attitude, primary, frequency)
        return (
            ContactRow(
                row=self.state.calls + 1,
                account_id=account_id,
                external_id=external_id,
                values=values,
                reports_to=reports_to,
            ),
            self.state,
        )


def contacts_parser(positions: dict[str, int]) -> RowParser:
    return ContactsParser(positions)


def contacts_key(row: Row) -> tuple[Any, ...]:
    contact: ContactRow = row[0]
    return (contact.account_id, contact.external_id)


@dataclass
class _Stored:
    id: int
    reports_to_id: int | None


@dataclass
class _ContactsFile:
    rows: list[ContactRow] = field(default_factory=list)
    state: ParseState | None = None


def _stored_contacts(account_ids: set[int]) -> dict[tuple[int, str], _Stored]:
    return {
        (account_id, external_id): _Stored(pk, reports_to_id)
        for pk, account_id, external_id, reports_to_id in Contact.objects.filter(
            account_id__in=account_ids
        )
        .exclude(external_id="")
        .values_list("pk", "account_id", "external_id", "reports_to_id")
    }


def _line_problems(
    rows: list[ContactRow], stored: dict[tuple[int, str], _Stored]
) -> list[RowError]:
    """Unknown managers, people reporting to themselves, and loops, by row."""
    errors: list[RowError] = []
    in_file = {(r.account_id, r.external_id): r for r in rows}
    by_id = {item.id: key for key, item in stored.items()}
    # Whom each person reports to once the file is loaded: the file's word, else the stored one.
    manager: dict[tuple[int, str], tuple[int, str] | None] = {}
    for key, item in stored.items():
        manager[key] = by_id.get(item.reports_to_id) if item.reports_to_id else None
    known = True
    for r in rows:
        key = (r.account_id, r.external_id)
        if not r.reports_to:
            manager[key] = None
            continue
        target = (r.account_id, r.reports_to)
        if target == key:
            errors.append(RowError(r.row, "reports_to", _("A person cannot report to themselves.")))
            known = False
        elif target not in in_file and target not in stored:
            errors.append(
                RowError(
                    r.row,
                    "reports_to",
                    _(
                        "No contact of this account has the external id '%(id)s', in the "
                        "file or already stored."
                    )
                    % {"id": r.reports_to},
                )
            )
            known = False
        manager[key] = target
    if not known:
        return errors
    for r in rows:
        start = (r.account_id, r.external_id)
        path = [start]
        current = manager.get(start)
        while current is not None and current not in path:
            path.append(current)
            current = manager.get(current)
        if current == start:
            loop = " → ".join(key[1] for key in [*path, start])
            errors.append(
                RowError(
                    r.row,
                    "reports_to",
                    _(
                        "These people would report to each other in a loop: %(loop)s. Someone "
                        "in the loop must report to a person outside it, or to nobody."
                    )
                    % {"loop": loop},
                )
            )
    return errors


def _changed(contact: Contact, values: dict[str, Any], version: int) -> list[str]:
    names = [name for name, value in values.items() if getattr(contact, name) != value]
    for name in names:
        setattr(contact, name, values[name])
    if names:
        contact.version = version
        contact.field_versions = {
            **(contact.field_versions or {}),
            **dict.fromkeys((name.removesuffix("_id") for name in names), version),
        }
    return names


def write_contacts(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    loaded = _ContactsFile()
    for contact, state in rows:
        loaded.rows.append(contact)
        loaded.state = state
    state = loaded.state
    if state is None or state.failures or state.calls != len(loaded.rows):
        return context.outcome  # the run refuses the file for its rows' problems
    account_ids = {r.account_id for r in loaded.rows}
    stored = _stored_contacts(account_ids)
    problems = _line_problems(loaded.rows, stored)
    if problems:
        raise ImportRefused(problems)
    # New people first (without a manager), so every manager has an id.
    new = [
        Contact(
            account_id=r.account_id,
            external_id=r.external_id,
            **dict(zip(CONTACT_FIELDS, r.values, strict=True)),
        )
        for r in loaded.rows
        if (r.account_id, r.external_id) not in stored
    ]
    Contact.objects.bulk_create(new, batch_size=1000)
    context.outcome.created += len(new)
    ids = {(c.account_id, c.external_id): c.pk for c in new}
    ids.update({key: item.id for key, item in stored.items()})
    existing = {
        (c.account_id, c.external_id): c
        for c in Contact.objects.filter(
            pk__in=[item.id for key, item in stored.items() if key in _keys(loaded.rows)]
        )
    }
    created = {(c.account_id, c.external_id): c for c in new}
    touched: list[Contact] = []
    names: set[str] = set()
    for r in loaded.rows:
        key = (r.account_id, r.external_id)
        values = dict(zip(CONTACT_FIELDS, r.values, strict=True))
        values["reports_to_id"] = ids[(r.account_id, r.reports_to)] if r.reports_to else None
        if key in created:
            contact = created[key]
            if contact.reports_to_id != values["reports_to_id"]:
                contact.reports_to_id = values["reports_to_id"]
                touched.append(contact)
                names.add("reports_to_id")
            continue
        contact = existing[key]
        changed = _changed(contact, values, contact.version + 1)
        if changed:
            touched.append(contact)
            names.update(changed)
            context.outcome.updated += 1
        else:
            context.outcome.unchanged += 1
    if touched:
        fields = sorted(names | {"version", "field_versions", "updated_at"})
        now = timezone.now()
        for contact in touched:
            contact.updated_at = now
        Contact.objects.bulk_update(touched, fields, batch_size=1000)
    return context.outcome


def _keys(rows: list[ContactRow]) -> set[tuple[int, str]]:
    return {(r.account_id, r.external_id) for r in rows}


# --- interactions -------------------------------------------------------------------


class InteractionsParser:
    def __init__(self, positions: dict[str, int]) -> None:
        self.positions = positions
        self.account = account_lookup()
        self.users = _usernames()
        self.people = _people_of_accounts()
        self.contacts: dict[tuple[int, str], int] = {
            (account_id, external_id): pk
            for pk, account_id, external_id in Contact.objects.exclude(external_id="")
            .values_list("pk", "account_id", "external_id")
            .iterator()
        }
        self.dates = DateParser()
        self.today = timezone.localdate()
        self.check = RowChecker()

    def _user(self, account_id: int | None, text: str) -> int:
        user_id = self.users(text)
        if account_id is not None and user_id not in self.people.get(account_id, set()):
            raise BadValue(
                _(
                    "'%(username)s' is not on this account's team; only the owner and team "
                    "members log interactions."
                )
                % {"username": text.strip()}
            )
        return user_id

    def _date(self, text: str) -> datetime.date:
        day = self.dates(text)
        if day > self.today:
            raise BadValue(
                _("%(date)s is in the future; import interactions that happened.")
                % {"date": day.isoformat()}
            )
        return day

    def _contacts(self, account_id: int | None, text: str) -> tuple[int, ...]:
        names = [part.strip() for part in text.split(";") if part.strip()]
        if not names:
            raise BadValue(_("Name at least one contact (their external ids, separated by ';')."))
        if account_id is None:
            return ()
        missing = [name for name in names if (account_id, name) not in self.contacts]
        if missing:
            raise BadValue(
                _(
                    "No contact of this account has the external id %(ids)s; import the "
                    "contacts first."
                )
                % {"ids": ", ".join(repr(name) for name in missing)}
            )
        return tuple(dict.fromkeys(self.contacts[(account_id, name)] for name in names))

    def __call__(self, row: list[str]) -> Row:
        c = cells_of(row, self.positions)
        check = self.check
        account_id = check.take("account", self.account, c["account"])
        day = check.take("date", self._date, c["date"])
        user_id = check.take("user", lambda t: self._user(account_id, t), c["user"])
        channel = check.take(
            "channel",
            lambda t: parse_choice(
                t or "meeting", what=gettext_noop("channel"), choices=Channel.values
            ),
            c["channel"],
        )
        contacts = check.take("contacts", lambda t: self._contacts(account_id, t), c["contacts"])
        summary = check.take(
            "summary",
            lambda t: parse_long_text(t, what=gettext_noop("summary")) or _required_summary(),
            c["summary"],
        )
        check.done()
        return (account_id, day, user_id, channel, contacts, summary)


def _required_summary() -> str:
    raise BadValue(_("Write a line on what was discussed or agreed (the summary is required)."))


def interactions_parser(positions: dict[str, int]) -> RowParser:
    return InteractionsParser(positions)


def write_interactions(rows: Iterator[Row], context: ImportContext) -> ImportOutcome:
    through = Interaction.contacts.through
    for batch in batches(rows):
        made = Interaction.objects.bulk_create(
            [
                Interaction(
                    account_id=account_id,
                    date=day,
                    user_id=user_id,
                    channel=channel,
                    summary=summary,
                    logged_by_id=context.created_by_id,
                )
                for account_id, day, user_id, channel, _contacts, summary in batch
            ]
        )
        through.objects.bulk_create(
            [
                through(interaction_id=interaction.pk, contact_id=contact_id)
                for interaction, row in zip(made, batch, strict=True)
                for contact_id in row[4]
            ]
        )
        context.outcome.created += len(batch)
    return context.outcome


# --- exports (the same columns, so an export imports back unchanged) ------------------


class _JoinedText(Aggregate):
    """The group's texts joined by ";": STRING_AGG in order on PostgreSQL, GROUP_CONCAT on
    SQLite (the embedded run; its order is SQLite's). A row without any gives NULL."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ';' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ';')",
        )


def contacts_export_queryset(rows: QuerySet[Contact]) -> QuerySet[Any]:
    """Contacts with `roles_text` (the roles ';'-separated) for the export's values: each role
    held gives ";role", and the first ";" is cut (Concat and Substr run on every database)."""
    roles = [
        Case(
            When(**{flag: True}, then=Value(f";{role}")),
            default=Value(""),
            output_field=CharField(),
        )
        for role, flag in ROLE_FIELDS.items()
    ]
    return rows.annotate(roles_text=Substr(Concat(*roles, output_field=CharField()), 2)).order_by(
        "account__external_id", "external_id", "id"
    )


CONTACT_EXPORT_VALUES = (
    "account__external_id",
    "external_id",
    "name",
    "title",
    "email",
    "roles_text",
    "influence",
    "attitude",
    "reports_to__external_id",
    "primary_contact__username",
    "contact_frequency_days",
)


def interactions_export_queryset(rows: QuerySet[Interaction]) -> QuerySet[Any]:
    """Interactions with `contacts_text` (their contacts' external ids, ';'-separated)."""
    return rows.annotate(contacts_text=_JoinedText("contacts__external_id")).order_by("date", "id")


INTERACTION_EXPORT_VALUES = (
    "account__external_id",
    "date",
    "user__username",
    "channel",
    "contacts_text",
    "summary",
)
