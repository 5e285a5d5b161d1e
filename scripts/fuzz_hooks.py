"""Schemathesis hooks of `make fuzz`: positive cases name things that exist.

scripts/fuzz.py loads this file with SCHEMATHESIS_HOOKS and writes, after seeding, the
references of the seeded database to the JSON file that KAM_FUZZ_REFERENCES names:
`{"account_managers": [...], "users": [...], "activity_types": [...]}`.

A schema says what a request looks like; it cannot say which usernames or activity-type
codes exist. A case schemathesis draws as valid ("positive": the API must accept it) names a
user `"0"` or an activity type `"00"`, which the API rightly refuses with 400 and a message
on the field, and the `positive_data_acceptance` check counts that as a valid request
rejected. Schemathesis' documentation recommends hooks that put real identifiers into the
generated data for this; `map_case` below does so for the fields that name a user or an
activity type, in positive cases only (a negative case must stay invalid in what was drawn
invalid, and a user that does not exist is no part of that).

The replacement is a function of the drawn value (a CRC of it picks one of the existing
names), so a run depends on its seed only, and different drawn values still reach different
users. Identifiers of objects (account, contact, plan ids) are left as drawn: one that does
not exist answers 404, which the check accepts.

The same goes for the few rules whose answer depends on what is stored or on the clock, or
that tie two fields of a body together, which the schema cannot state: an analysis run's
as-of date lies between the first data and today; a complaint is resolved on or after the
day it opened; a value entry names who confirmed it only when the customer confirmed it, on
or after its date; an account's external id, an activity type's code and a criterion's name
are not another's, nor is an activity type's rate or a manager's pay mix from the same day,
or a location's revenue or an account's forecast for the same month; a competency
assessment is not dated after today; a contact's primary contact is on the account's team;
an account has one executive sponsor; a pay mix is not all zero. A positive case is made to
keep them (`RULES`), so that a 400 it still gets is the API's fault, not the draw's. Rules
about one field alone (a range, a list that may not be empty) belong in the schema, not here.
Query parameters that go together (the account list's page or cursor) keep theirs too
(`QUERY_RULES`).

Rules that tie a body to rows the run itself changes (the contacts and team of the account a
case changes, the reporting line, the lines of influence drawn, a value entry's stored date)
are kept by reading the role's database when the case is made (`LIVE_RULES`).
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import json
import os
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import schemathesis
from hypothesis import strategies as st

REFERENCES_ENV = "KAM_FUZZ_REFERENCES"
LIVE_ENV = "KAM_FUZZ_LIVE_DATABASE_URL"

# Body properties naming a user, and which users may be named there: an account's owner and
# a person's manager are account managers (accounts.services, accounts.people.services);
# the others name any active user.
USER_FIELDS = {
    "owner": "account_managers",
    "manager": "account_managers",
    "user": "users",
    "primary_contact": "users",
}
USER_LIST_FIELDS = {"attendees": "users"}
# Lists of object ids a body names where one that does not exist is a 400 on the field (a
# review meeting's accounts), not a 404: ids of the seeded database.
ID_LIST_FIELDS = {"accounts": "account_ids"}
CODE_FIELDS = {"activity_type": "activity_types"}
# Lists of objects whose items name users too (a plan's actions: `owner`).
NESTED_LISTS = ("actions",)


EXTERNAL_ID_MAX_LENGTH = 64  # accounts.models.Account.external_id
ACTIVITY_TYPE_CODE_MAX_LENGTH = 40  # valuation.models.ActivityType.code
CRITERION_NAME_MAX_LENGTH = 100  # accounts.governance.models.SelectionCriterion.name


def _load_references() -> dict[str, list[str]]:
    path = os.environ.get(REFERENCES_ENV)
    if not path:
        return {}
    data = json.loads(Path(path).read_text())
    return {key: list(values) for key, values in data.items() if values}


REFERENCES = _load_references()


def pick(kind: str, drawn: Any) -> Any:
    """An existing name of `kind` chosen by the drawn value (the drawn value if none)."""
    values = REFERENCES.get(kind)
    if not values:
        return drawn
    key = json.dumps(drawn, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    return values[zlib.crc32(key) % len(values)]


def with_references(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with every user and activity-type name replaced by an existing one."""
    mapped = dict(body)
    for name, kind in (*USER_FIELDS.items(), *CODE_FIELDS.items()):
        if isinstance(mapped.get(name), str):
            mapped[name] = pick(kind, mapped[name])
    for name, kind in USER_LIST_FIELDS.items():
        if isinstance(mapped.get(name), list):
            mapped[name] = [
                pick(kind, item) if isinstance(item, str) else item for item in mapped[name]
            ]
    for name, kind in ID_LIST_FIELDS.items():
        if isinstance(mapped.get(name), list):
            mapped[name] = [
                pick(kind, item) if isinstance(item, int) and not isinstance(item, bool) else item
                for item in mapped[name]
            ]
    for name in NESTED_LISTS:
        if isinstance(mapped.get(name), list):
            mapped[name] = [
                with_references(item) if isinstance(item, dict) else item for item in mapped[name]
            ]
    return mapped


def today() -> datetime.date:
    """The server's today (kam/settings.py: TIME_ZONE, UTC by default)."""
    return datetime.datetime.now(tz=ZoneInfo(os.environ.get("TIME_ZONE") or "UTC")).date()


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def as_of_with_data(body: dict[str, Any], method: str) -> None:
    """POST analysis-runs/: an as-of date from the first data to today."""
    drawn = _date(body.get("as_of"))
    first = _date(next(iter(REFERENCES.get("first_data_on", [])), None))
    if method != "POST" or drawn is None or first is None:
        return
    last = today()
    if not first <= drawn <= last:
        span = (last - first).days + 1
        body["as_of"] = (first + datetime.timedelta(days=drawn.toordinal() % span)).isoformat()


def resolved_after_opened(body: dict[str, Any], method: str) -> None:
    """complaints/: resolved on or after the day it opened (the stored one on a PATCH that
    leaves opened_on out, so the case opens it the same day)."""
    resolved = _date(body.get("resolved_on"))
    if resolved is None:
        return
    opened = _date(body.get("opened_on"))
    if opened is None:
        body["opened_on"] = resolved.isoformat()
    elif resolved < opened:
        body["opened_on"], body["resolved_on"] = body["resolved_on"], body["opened_on"]


def confirmation_consistent(body: dict[str, Any], method: str) -> None:
    """value-entries/: `confirmed_by` and `confirmed_on` (on or after the entry's date) go
    with `customer_confirmed`, and their absence with its absence, whatever is stored."""
    confirmed = body.get("customer_confirmed")
    if confirmed is None:
        named = bool(str(body.get("confirmed_by") or "").strip()) or body.get("confirmed_on")
        if "confirmed_by" not in body and "confirmed_on" not in body:
            return
        confirmed = body["customer_confirmed"] = bool(named)
    if not confirmed:
        body["confirmed_by"] = ""
        body["confirmed_on"] = None
        return
    if not str(body.get("confirmed_by") or "").strip():
        body["confirmed_by"] = "Customer"
    dated = _date(body.get("date"))
    on = _date(body.get("confirmed_on"))
    if on is None or (dated is not None and on < dated):
        body["confirmed_on"] = (dated or today()).isoformat()


_SUFFIXES = itertools.count(1)


def _unused(drawn: str, *, max_length: int, separator: str) -> str:
    """`drawn` made unique in the run: a run-wide counter as a suffix, within max_length."""
    suffix = f"{separator}{next(_SUFFIXES)}"
    return drawn[: max_length - len(suffix)] + suffix


def external_id_unused(body: dict[str, Any], method: str) -> None:
    """accounts/: an external id no other account has (values seen in answers are drawn
    again)."""
    drawn = body.get("external_id")
    if isinstance(drawn, str) and drawn.strip():
        body["external_id"] = _unused(drawn, max_length=EXTERNAL_ID_MAX_LENGTH, separator="~")


def code_unused(body: dict[str, Any], method: str) -> None:
    """activity-types/: a new type's code is one no other activity type has (a slug: the
    suffix is -N); an edit keeps the type's code (the path's, map_case), since renaming a
    seeded type would leave the codes the other cases name pointing at nothing."""
    drawn = body.get("code")
    if isinstance(drawn, str) and drawn and method == "POST":
        body["code"] = _unused(drawn, max_length=ACTIVITY_TYPE_CODE_MAX_LENGTH, separator="-")


def pay_not_all_zero(body: dict[str, Any], method: str) -> None:
    """pay-mix/: salary and bonus are not both zero (a rule across two fields, which
    OpenAPI 3.0 cannot state but by listing both cases)."""
    amounts = [_decimal(body.get(name)) for name in ("salary", "bonus")]
    if all(amount is not None and amount == 0 for amount in amounts):
        body["bonus"] = "1"


def _decimal(value: Any) -> decimal.Decimal | None:
    try:
        return decimal.Decimal(value) if isinstance(value, str) else None
    except decimal.InvalidOperation:
        return None


# Days and months no seeded row and no earlier write of the run holds: counted on from 2100
# (the seeded data lie around today), whatever was drawn.
UNUSED_FROM = datetime.date(2100, 1, 1)
_days = itertools.count()
_months = itertools.count()


def _unused_day(drawn: Any) -> Any:
    """The next unused day (for a natural key's date), in place of a drawn date."""
    if _date(drawn) is None:
        return drawn
    span = (DATE_MAX - UNUSED_FROM).days + 1
    return (UNUSED_FROM + datetime.timedelta(days=next(_days) % span)).isoformat()


def effective_from_unused(body: dict[str, Any], method: str) -> None:
    """activity-rates/ and pay-mix/: one rate per activity type and day, one pay mix per
    manager and day (values seen in answers are drawn again)."""
    if "effective_from" in body:
        body["effective_from"] = _unused_day(body["effective_from"])


def month_unused(body: dict[str, Any], method: str) -> None:
    """revenue/ and forecasts/: one record per location (forecast per account) and month."""
    if _date(body.get("period_start")) is None:
        return
    months = next(_months) % ((DATE_MAX.year - UNUSED_FROM.year + 1) * 12)
    body["period_start"] = datetime.date(
        UNUSED_FROM.year + months // 12, months % 12 + 1, 1
    ).isoformat()


def name_unused(body: dict[str, Any], method: str) -> None:
    """criteria/: a name no other criterion has."""
    drawn = body.get("name")
    if isinstance(drawn, str) and drawn.strip():
        body["name"] = _unused(drawn, max_length=CRITERION_NAME_MAX_LENGTH, separator=" ")


def _by_today(body: dict[str, Any], *names: str) -> None:
    """The dates `names` of the body on or before today (a later one drawn is folded into
    the range from DATE_MIN, as a function of the drawn day)."""
    last = today()
    for name in names:
        day = _date(body.get(name))
        if day is not None and day > last:
            span = (last - DATE_MIN).days + 1
            body[name] = (DATE_MIN + datetime.timedelta(days=day.toordinal() % span)).isoformat()


def assessed_by_today(body: dict[str, Any], method: str) -> None:
    """competency-assessments/: assessed on or before today."""
    _by_today(body, "assessed_on")


def contact_dates_by_today(body: dict[str, Any], method: str) -> None:
    """contacts/: a person has left, and their evidence was verified, by today."""
    _by_today(body, "left_on", "evidence_verified_on")


def primary_contact_on_the_team(body: dict[str, Any], method: str) -> None:
    """contacts/: the primary contact is the account's owner or on its team: the owner of the
    account the body names, or nobody when the body leaves the (stored) account out."""
    if not isinstance(body.get("primary_contact"), str) or os.environ.get(LIVE_ENV):
        return  # with the role's database, contact_on_the_account chooses from the team
    owners = {pair[0]: pair[1] for pair in REFERENCES.get("account_owners", [])}
    account = body.get("account")
    if "account" not in body:
        body["primary_contact"] = None
    elif isinstance(account, int) and account in owners:
        body["primary_contact"] = owners[account]


def goal_metric_named(body: dict[str, Any], method: str) -> None:
    """contacts/: a goal with a target or current value names its metric."""
    for goal in body.get("goals") or []:
        measured = isinstance(goal, dict) and (
            goal.get("target") is not None or goal.get("current") is not None
        )
        if measured and not str(goal.get("metric") or "").strip():
            goal["metric"] = "Units"


def no_second_sponsor(body: dict[str, Any], method: str) -> None:
    """accounts/{id}/team/: the account may have its executive sponsor already."""
    if body.get("is_executive_sponsor") is True:
        body["is_executive_sponsor"] = False


# --- what the role's database holds now ------------------------------------------------------
#
# A few rules tie a body to rows the run itself changes: a line of influence links two contacts
# of its account and is not drawn twice; a contact reports to a contact of the same account
# without closing a loop; an interaction's person is on the account's team and its contacts are
# the account's; a value entry's confirmation is not earlier than its (stored) date. The
# references written after seeding cannot say these, so a positive case reads them, when it is
# made, from the database of the role's server (KAM_FUZZ_LIVE_DATABASE_URL, set by
# scripts/fuzz.py), and names rows that keep them. Without that variable (the suite's unit
# tests of the other rules) these rules leave the body as drawn.


class Live:
    """Reads of the role's live database, one connection per schemathesis worker thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        url = os.environ.get(LIVE_ENV)
        if not url:
            return []
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            import psycopg2  # only where a live database is named

            connection = psycopg2.connect(url)
            connection.autocommit = True
            self._local.connection = connection
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return list(cursor.fetchall())

    def account_of(self, table: str, pk: Any) -> int | None:
        if not _is_id(pk):
            return None
        found = self.rows(f"SELECT account_id FROM {table} WHERE id = %s", pk)  # noqa: S608 - our table names
        return found[0][0] if found else None

    def contacts(self, account: int) -> dict[int, int | None]:
        """The account's contacts: id -> the id they report to."""
        rows = self.rows(
            "SELECT id, reports_to_id FROM relationships_contact WHERE account_id = %s ORDER BY id",
            account,
        )
        return dict(rows)

    def people(self, account: int) -> list[str]:
        """The usernames of the account's owner and team members (active users)."""
        rows = self.rows(
            "SELECT u.username FROM auth_user u WHERE u.is_active AND (u.id = "
            "(SELECT owner_id FROM accounts_account WHERE id = %s) OR u.id IN "
            "(SELECT user_id FROM accounts_teammember WHERE account_id = %s)) "
            "ORDER BY u.username",
            account,
            account,
        )
        return [username for (username,) in rows]

    def influence(self, pk: Any) -> tuple[int, int, int] | None:
        """(account, source, target) of a line of influence."""
        if not _is_id(pk):
            return None
        rows = self.rows(
            "SELECT account_id, source_id, target_id FROM relationships_contactinfluence "
            "WHERE id = %s",
            pk,
        )
        return rows[0] if rows else None

    def pairs(self, account: int, *, besides: Any = None) -> set[tuple[int, int]]:
        """(source, target) of the account's lines of influence, but line `besides`."""
        rows = self.rows(
            "SELECT source_id, target_id FROM relationships_contactinfluence "
            "WHERE account_id = %s AND id <> %s",
            account,
            besides if _is_id(besides) else 0,
        )
        return {(source, target) for source, target in rows}

    def complaint_dates(self, pk: Any) -> tuple[datetime.date, datetime.date | None] | None:
        """(opened_on, resolved_on) of a complaint."""
        if not _is_id(pk):
            return None
        rows = self.rows("SELECT opened_on, resolved_on FROM accounts_complaint WHERE id = %s", pk)
        return rows[0] if rows else None

    def activity_type_exists(self, code: str) -> bool:
        return bool(self.rows("SELECT 1 FROM valuation_activitytype WHERE code = %s", code))

    def value_entry(self, pk: Any) -> dict[str, Any] | None:
        if not _is_id(pk):
            return None
        rows = self.rows(
            "SELECT date, customer_confirmed, confirmed_by, confirmed_on "
            "FROM valuation_valueentry WHERE id = %s",
            pk,
        )
        if not rows:
            return None
        day, confirmed, by, on = rows[0]
        return {
            "date": day,
            "customer_confirmed": confirmed,
            "confirmed_by": by,
            "confirmed_on": on,
        }


LIVE = Live()


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _rotated(values: list[Any], drawn: Any) -> list[Any]:
    """`values` from the one `pick` would choose for `drawn` on (the choice depends on the
    drawn value only; the rest are the next candidates when it breaks a rule)."""
    if not values:
        return []
    key = json.dumps(drawn, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    start = zlib.crc32(key) % len(values)
    return values[start:] + values[:start]


def _edited_id(path_parameters: dict[str, Any]) -> Any:
    """The edited object's id: schemathesis gives an id it read from an answer (its coverage
    phase's pool of values seen) as the text of the path, "3", not 3."""
    value = path_parameters.get("id")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def influence_links_two_contacts(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """contact-influences/: source and target are two contacts of the line's account, and no
    other line of that account already links them (the stored ones stand for what the body
    leaves out). A new line's account is one of the drawn account's owner with two contacts
    at least, when the drawn one has fewer."""
    edited = _edited_id(path_parameters)
    if method == "POST":
        account = body.get("account")
        if not _is_id(account) or not ("source" in body or "target" in body):
            return
        stored: tuple[int | None, int | None] = (None, None)
        if len(LIVE.contacts(account)) < 2:
            owners = {pair[0]: pair[1] for pair in REFERENCES.get("account_owners", [])}
            owner = owners.get(account)
            for pk, username in REFERENCES.get("account_owners", []):
                if username == owner and len(LIVE.contacts(pk)) >= 2:
                    body["account"] = account = pk
                    break
    else:
        found = LIVE.influence(edited)
        if found is None or not ("source" in body or "target" in body):
            return
        account, *pair = found
        stored = (pair[0], pair[1])
        if "account" in body and body["account"] != account:
            return  # a line asked to move: 409 whatever the people
    people = list(LIVE.contacts(account))
    taken = LIVE.pairs(account, besides=edited)
    sources = _rotated(people, body["source"]) if "source" in body else [stored[0]]
    targets = _rotated(people, body["target"]) if "target" in body else [stored[1]]
    for source in sources:
        for target in targets:
            if source is not None and source != target and (source, target) not in taken:
                if "source" in body:
                    body["source"] = source
                if "target" in body:
                    body["target"] = target
                return


def _reaches(line: dict[int, int | None], start: int, contact: int) -> bool:
    """Whether walking up the reports-to line from `start` meets `contact`."""
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen:
        if current == contact:
            return True
        seen.add(current)
        current = line.get(current)
    return False


def contact_on_the_account(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """contacts/: the person reports to a contact of the same account without closing a loop
    (nobody when no contact is left), and their primary contact is the account's owner or a
    team member."""
    edited = _edited_id(path_parameters)
    if method == "POST":
        account = body.get("account")
        edited = None
    else:
        account = LIVE.account_of("relationships_contact", edited)
        if "account" in body and body["account"] != account:
            return  # a contact asked to move: 409 whatever the rest
    if not _is_id(account) or not os.environ.get(LIVE_ENV):
        return
    if isinstance(body.get("primary_contact"), str):
        people = LIVE.people(account)
        if people:
            body["primary_contact"] = _rotated(people, body["primary_contact"])[0]
    drawn = body.get("reports_to")
    if isinstance(drawn, int) and not isinstance(drawn, bool):
        line = LIVE.contacts(account)
        allowed = [
            pk
            for pk in _rotated(list(line), drawn)
            if edited is None or not _reaches(line, pk, edited)
        ]
        body["reports_to"] = allowed[0] if allowed else None


def interaction_on_the_account(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """interactions/: whom it was with are contacts of its account, who was in touch is on
    the account's team, and it happened by today."""
    day = _date(body.get("date"))
    last = today()
    if day is not None and day > last:
        span = (last - DATE_MIN).days + 1
        body["date"] = (DATE_MIN + datetime.timedelta(days=day.toordinal() % span)).isoformat()
    if method == "POST":
        account = body.get("account")
    else:
        account = LIVE.account_of("relationships_interaction", _edited_id(path_parameters))
        if "account" in body and body["account"] != account:
            return  # an interaction asked to move: 409 whatever the rest
    if not _is_id(account) or not os.environ.get(LIVE_ENV):
        return
    if isinstance(body.get("user"), str):
        people = LIVE.people(account)
        if people:
            body["user"] = _rotated(people, body["user"])[0]
    if isinstance(body.get("contacts"), list) and body["contacts"]:
        contacts = list(LIVE.contacts(account))
        if contacts:
            body["contacts"] = [
                _rotated(contacts, item)[0]
                if isinstance(item, int) and not isinstance(item, bool)
                else item
                for item in body["contacts"]
            ]


def resolved_after_stored_opening(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """complaints/{id}/: an edit keeps the complaint resolved on or after the day it opened,
    the stored dates standing for those the body leaves out."""
    if method == "POST":
        return
    stored = LIVE.complaint_dates(_edited_id(path_parameters))
    if stored is None:
        return
    opened = _date(body["opened_on"]) if "opened_on" in body else stored[0]
    resolved = _date(body["resolved_on"]) if "resolved_on" in body else stored[1]
    if opened is None or resolved is None or resolved >= opened:
        return
    if "opened_on" in body:
        body["opened_on"] = resolved.isoformat()
    else:
        body["resolved_on"] = opened.isoformat()


def activity_type_stored(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """activities/, activity-rates/: the activity type named still exists (a case of the
    stateful phase names one an earlier answer created, which a later step may have
    deleted): else a seeded one."""
    code = body.get("activity_type")
    if isinstance(code, str) and os.environ.get(LIVE_ENV) and not LIVE.activity_type_exists(code):
        body["activity_type"] = pick("activity_types", code)


def confirmation_after_stored_date(
    body: dict[str, Any], method: str, path_parameters: dict[str, Any]
) -> None:
    """value-entries/{id}/: the entry's confirmation, as stored and as sent, is consistent and
    not earlier than its date (the stored date when the body leaves it out)."""
    if method == "POST":
        return
    stored = LIVE.value_entry(_edited_id(path_parameters))
    if stored is None:
        return
    confirmed = body.get("customer_confirmed", stored["customer_confirmed"])
    if not confirmed:
        if stored["confirmed_by"] or stored["confirmed_on"] is not None:
            body.setdefault("customer_confirmed", False)
            body["confirmed_by"] = ""
            body["confirmed_on"] = None
        return
    if not str(body.get("confirmed_by", stored["confirmed_by"]) or "").strip():
        body["confirmed_by"] = "Customer"
    dated = _date(body["date"]) if "date" in body else stored["date"]
    on = _date(body["confirmed_on"]) if "confirmed_on" in body else stored["confirmed_on"]
    if on is None or (dated is not None and on < dated):
        body["confirmed_on"] = (dated or today()).isoformat()


# Path prefix (the schema's path template) -> the rules its bodies keep.
Rule = Callable[[dict[str, Any], str], None]
RULES: dict[str, tuple[Rule, ...]] = {
    "/api/v1/analysis-runs/": (as_of_with_data,),
    "/api/v1/complaints/": (resolved_after_opened,),
    "/api/v1/value-entries/": (confirmation_consistent,),
    "/api/v1/contacts/": (primary_contact_on_the_team, goal_metric_named, contact_dates_by_today),
    "/api/v1/accounts/{account_pk}/team/": (no_second_sponsor,),
    "/api/v1/accounts/": (external_id_unused,),
    "/api/v1/activity-types/": (code_unused,),
    "/api/v1/pay-mix/": (pay_not_all_zero, effective_from_unused),
    "/api/v1/activity-rates/": (effective_from_unused,),
    "/api/v1/revenue/": (month_unused,),
    "/api/v1/forecasts/": (month_unused,),
    "/api/v1/criteria/": (name_unused,),
    "/api/v1/competency-assessments/": (assessed_by_today,),
}


# Path prefix -> the rules that read what the role's database holds (they are given the
# path's parameters too: the edited object's id).
LiveRule = Callable[[dict[str, Any], str, dict[str, Any]], None]
LIVE_RULES: dict[str, tuple[LiveRule, ...]] = {
    "/api/v1/contact-influences/": (influence_links_two_contacts,),
    "/api/v1/contacts/": (contact_on_the_account,),
    "/api/v1/interactions/": (interaction_on_the_account,),
    "/api/v1/value-entries/": (confirmation_after_stored_date,),
    "/api/v1/complaints/": (resolved_after_stored_opening,),
    "/api/v1/activities/": (activity_type_stored,),
    "/api/v1/activity-rates/": (activity_type_stored,),
}


def with_rules(
    body: dict[str, Any],
    *,
    path: str,
    method: str,
    path_parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    for prefix, rules in RULES.items():
        if path.startswith(prefix):
            for rule in rules:
                rule(body, method)
            break
    return with_live_rules(body, path=path, method=method, path_parameters=path_parameters)


def with_live_rules(
    body: dict[str, Any],
    *,
    path: str,
    method: str,
    path_parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    for prefix, live_rules in LIVE_RULES.items():
        if path.startswith(prefix):
            for live_rule in live_rules:
                live_rule(body, method, path_parameters or {})
            break
    return body


# The dates KAM takes (kam/input_policy.py: 1900 to 2199), which the schema states with a
# pattern beside `format: date`. Schemathesis draws a `date` from years 1 to 9999 and then
# filters by the pattern, so that 97 % of the draws were thrown away (99.9 % for a body with
# two dates), and Hypothesis' health check failed the operation ("too many generated examples
# are filtered out", "data generation is too slow"). Drawn from the range instead, half of them
# the first of a month (what a period's start must be).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2199, 12, 31)
_dates = st.dates(min_value=DATE_MIN, max_value=DATE_MAX)
schemathesis.openapi.format(
    "date", st.one_of(_dates, _dates.map(lambda day: day.replace(day=1))).map(str)
)


def is_positive(case: Any) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def one_way_to_page(query: dict[str, Any]) -> None:
    """accounts/: a page is asked for by number or by cursor, not both; a cursor is one the
    list gave (the empty one, the first page, is the only one a case can know), and it sorts
    by one term. A schema's parameters cannot say how two of them go together."""
    if "cursor" not in query:
        return
    query["cursor"] = ""
    query.pop("page", None)
    if "," in str(query.get("ordering", "")):
        query.pop("ordering")


# Path (exactly the schema's path template) -> the rules its positive queries keep.
QueryRule = Callable[[dict[str, Any]], None]
QUERY_RULES: dict[str, tuple[QueryRule, ...]] = {
    "/api/v1/accounts/": (one_way_to_page,),
}


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    if is_positive(case) and isinstance(case.query, dict):
        for rule in QUERY_RULES.get(case.path, ()):
            rule(case.query)
    if is_positive(case) and isinstance(case.body, dict):
        body = with_references(case.body)
        code = (case.path_parameters or {}).get("code")
        edits_a_type = case.path.startswith("/api/v1/activity-types/") and isinstance(code, str)
        if edits_a_type and isinstance(body.get("code"), str):
            body["code"] = code  # an edit keeps the type's code (code_unused)
        case.body = with_rules(
            body,
            path=case.path,
            method=case.method.upper(),
            path_parameters=dict(case.path_parameters or {}),
        )
    return case


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    """The rules that read the role's database, once more as the request leaves: a case of
    the stateful phase gets the id in its path from an earlier answer after it was made
    (`map_case` saw none), and the other schemathesis worker may have changed the rows
    since (a line of influence whose target became the drawn source)."""
    if is_positive(case) and isinstance(case.body, dict) and os.environ.get(LIVE_ENV):
        with_live_rules(
            case.body,
            path=case.path,
            method=case.method.upper(),
            path_parameters=dict(case.path_parameters or {}),
        )
