"""Writes to buying-influence maps: contacts with their goals, and interactions.

Each function enforces who may write (`relationships.rules`), validates everything first,
collects one plain-words message per field, and writes in one transaction only when all is
valid; otherwise it raises ValidationError({field: [messages]}) and writes nothing. A write
raises the account's data version (`account_data_changed`, the account 360 page's cache key),
after taking the account's row first: an account's deletion takes it and then deletes the
contacts and interactions under it, so the two queue instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Account, TeamMember
from accounts.services import UNSET, Unset, account_data_changed, account_row_require, given
from kam.input_policy import text_problem
from kam.rules import require
from kam.types import User
from kam.versioning import versioned_update
from relationships.models import ROLE_FIELDS, Contact, ContactGoal, ContactInfluence, Interaction
from relationships.rules import (
    CONTACT_ADD_REFUSED,
    CONTACT_CHANGE_REFUSED,
    INTERACTION_CHANGE_REFUSED,
    INTERACTION_LOG_REFUSED,
    can_add_contact,
    can_change_interaction,
    can_edit_contact,
    can_log_interaction,
)

MAX_GOALS = 3
GOAL_PARTS = {"text", "metric", "target", "current", "position"}
# Goal numbers have at most 12 digits before the decimal point (and 2 after).
GOAL_NUMBER_LIMIT = Decimal("1e12")


# One message per goal part, whole sentences so a translation can word each part its own way.
_GOAL_NUMBER_NOT_A_NUMBER = {
    "target": gettext_lazy("The target of goal %(number)s must be a number."),
    "current": gettext_lazy("The current value of goal %(number)s must be a number."),
}
_GOAL_NUMBER_TOO_LONG = {
    "target": gettext_lazy(
        "The target of goal %(number)s must have at most 12 digits before and 2 after the "
        "decimal point."
    ),
    "current": gettext_lazy(
        "The current value of goal %(number)s must have at most 12 digits before and 2 after "
        "the decimal point."
    ),
}
_GOAL_PART_NOT_TEXT = {
    "text": gettext_lazy("The text of goal %(number)s must be a text."),
    "metric": gettext_lazy("The metric of goal %(number)s must be a text."),
}


@dataclass(frozen=True)
class GoalInput:
    text: str
    metric: str = ""
    target: Decimal | None = None
    current: Decimal | None = None


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation
    return number


def _decimals(number: Decimal) -> int:
    """How many digits a finite number has after the decimal point, as written."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _goal_number(value: Any, part: str, number: int) -> tuple[Decimal | None, str | None]:
    """A goal's target or current value, or the problem with it."""
    try:
        parsed = _decimal(value)
    except InvalidOperation:
        return None, _GOAL_NUMBER_NOT_A_NUMBER[part] % {"number": number}
    if parsed is not None and (abs(parsed) >= GOAL_NUMBER_LIMIT or _decimals(parsed) > 2):
        return None, _GOAL_NUMBER_TOO_LONG[part] % {"number": number}
    return parsed, None


def _goal_text_problem(item: dict[Any, Any], number: int) -> str | None:
    """What is wrong with a goal's parts, text and metric (None: nothing)."""
    unknown = set(item) - GOAL_PARTS
    if unknown:
        return _("Goal %(number)s has unknown parts: %(parts)s.") % {
            "number": number,
            "parts": ", ".join(sorted(map(str, unknown))),
        }
    for part in ("text", "metric"):
        # A list or a number was stored as its Python text ("[None, None]").
        if part in item and not isinstance(item[part], str):
            return _GOAL_PART_NOT_TEXT[part] % {"number": number}
    text = str(item.get("text") or "").strip()
    if not text:
        return _("Goal %(number)s needs a text saying what the person wants to achieve.") % {
            "number": number
        }
    if len(text) > 300:
        return _("Goal %(number)s is too long; keep it under 300 characters.") % {"number": number}
    metric = str(item.get("metric") or "").strip()
    if len(metric) > 100:
        return _("The metric of goal %(number)s is too long (100 characters at most).") % {
            "number": number
        }
    refused = text_problem(text, multiline=False) or text_problem(metric, multiline=False)
    if refused:
        return _("Goal %(number)s: %(problem)s") % {"number": number, "problem": refused}
    return None


def _goal_parse(item: Any, number: int) -> tuple[GoalInput | None, list[str]]:
    """One goal from a text or a {text, metric, target, current} mapping, or its problems."""
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict):
        return None, [
            _("Goal %(number)s must be a text or an object with a text.") % {"number": number}
        ]
    problem = _goal_text_problem(item, number)
    if problem:
        return None, [problem]
    problems: list[str] = []
    numbers: dict[str, Decimal | None] = {}
    for part in ("target", "current"):
        value, problem = _goal_number(item.get(part), part, number)
        if problem:
            problems.append(problem)
        else:
            numbers[part] = value
    if problems:
        return None, problems
    metric = str(item.get("metric") or "").strip()
    if (numbers["target"] is not None or numbers["current"] is not None) and not metric:
        return None, [
            _("Goal %(number)s has a target or current value: name its metric too.")
            % {"number": number}
        ]
    text = str(item.get("text") or "").strip()
    goal = GoalInput(text=text, metric=metric, target=numbers["target"], current=numbers["current"])
    return goal, []


def goals_parse(goals: Any) -> tuple[list[GoalInput], list[str]]:
    """Goals from a list of strings or of {text, metric, target, current} mappings.
    Returns the goals and the problems found (plain words, one per problem)."""
    if goals is None:
        return [], []
    if isinstance(goals, str) or not isinstance(goals, Iterable):
        return [], [
            _("Send the goals as a list (of texts, or of {text, metric, target, current}).")
        ]
    items = list(goals)
    if len(items) > MAX_GOALS:
        return [], [
            _(
                "Record at most three goals per person (you sent %(count)s); keep the three "
                "that matter most to them."
            )
            % {"count": len(items)}
        ]
    parsed: list[GoalInput] = []
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        goal, found = _goal_parse(item, number)
        problems += found
        if goal is not None:
            parsed.append(goal)
    return parsed, problems


def _roles_parse(roles: Any, errors: dict[str, list[str]]) -> dict[str, bool] | None:
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        _add(errors, "roles", _('Send the roles as a list, e.g. ["economic_buyer", "coach"].'))
        return None
    names = [str(role).strip() for role in roles]
    unknown = [role for role in names if role not in ROLE_FIELDS]
    if unknown:
        quoted = ", ".join(f'"{role}"' for role in unknown)
        _add(
            errors,
            "roles",
            ngettext(
                "%(roles)s is not a buying role; "
                "use economic_buyer, user_buyer, technical_buyer or coach.",
                "%(roles)s are not buying roles; "
                "use economic_buyer, user_buyer, technical_buyer or coach.",
                len(unknown),
            )
            % {"roles": quoted},
        )
        return None
    return {field: role in names for role, field in ROLE_FIELDS.items()}


def account_people_ids(*, account: Account) -> set[int]:
    """Ids of the owner and the team members: the people who may hold a relationship."""
    team = set(TeamMember.objects.filter(account=account).values_list("user_id", flat=True))
    return {account.owner_id, *team}


def _resolve_reports_to(
    *, account: Account, contact: Contact | None, value: Any, errors: dict[str, list[str]]
) -> tuple[bool, Contact | None]:
    """Returns (ok, manager). The manager must be another contact of the same account, and
    choosing them must not close a loop in the reports-to line."""
    if value in (None, ""):
        return True, None
    if isinstance(value, Contact):
        manager: Contact | None = value if value.account_id == account.pk else None
    else:
        try:
            manager = Contact.objects.filter(account=account, pk=int(value)).first()
        except (TypeError, ValueError):
            manager = None
    if manager is None:
        _add(
            errors,
            "reports_to",
            _(
                "That person is not a contact of %(account)s; someone can only report to a "
                "person of the same account."
            )
            % {"account": account.name},
        )
        return False, None
    if contact is not None and contact.pk is not None:
        # The caller holds the account's row (accounts.services.account_row_lock), so the
        # reports-to changes of one account are serialised: two cannot together close a loop.
        if manager.pk == contact.pk:
            _add(errors, "reports_to", _("A person cannot report to themselves."))
            return False, None
        # Walk up from the chosen manager; meeting the contact means a cycle. One query
        # loads the account's reports-to line.
        line = dict(Contact.objects.filter(account=account).values_list("pk", "reports_to_id"))
        seen: set[int] = set()
        current: int | None = manager.pk
        while current is not None and current not in seen:
            if current == contact.pk:
                _add(
                    errors,
                    "reports_to",
                    _(
                        "%(person)s cannot report to %(manager)s: %(manager)s already "
                        "reports (directly or through others) to %(person)s."
                    )
                    % {"person": contact.name, "manager": manager.name},
                )
                return False, None
            seen.add(current)
            current = line.get(current)
    return True, manager


def _primary_contact_check(
    account: Account, person: User | None, errors: dict[str, list[str]]
) -> bool:
    if person is not None and person.pk not in account_people_ids(account=account):
        _add(
            errors,
            "primary_contact",
            _(
                "%(username)s is not on the %(account)s account team; choose the owner "
                "or a team member (or add them to the team first)."
            )
            % {"username": person.username, "account": account.name},
        )
        return False
    return True


def _left_values(
    contact: Contact | None, fields: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """`is_active` and `left_on` together: a person who left has the day they left (today
    when not given, or the day already stored); a person back at the customer has none."""
    if "is_active" not in fields and "left_on" not in fields:
        return {}
    stored_left = contact.left_on if contact is not None else None
    left_on = fields.get("left_on") or stored_left
    active = fields.get("is_active", contact.is_active if contact is not None else True)
    if "left_on" in fields and left_on is not None and "is_active" not in fields:
        active = False  # giving the day someone left says they left
    if isinstance(left_on, date) and left_on > timezone.localdate():
        _add(
            errors,
            "left_on",
            _("%(date)s is in the future; mark people as left once they have gone.")
            % {"date": left_on.isoformat()},
        )
        return {}
    if active:
        if fields.get("left_on") is not None:
            _add(
                errors,
                "left_on",
                _(
                    "A person still at the customer has no leaving day; clear it or mark "
                    "them as left."
                ),
            )
            return {}
        return {"is_active": True, "left_on": None}
    return {"is_active": False, "left_on": left_on or timezone.localdate()}


def _verified_on_check(verified_on: date | None, errors: dict[str, list[str]]) -> bool:
    if isinstance(verified_on, date) and verified_on > timezone.localdate():
        _add(
            errors,
            "evidence_verified_on",
            _(
                "The verification date %(date)s is in the future; enter the "
                "day the evidence was last checked."
            )
            % {"date": verified_on.isoformat()},
        )
        return False
    return True


TEXT_FIELDS = ("name", "title", "evidence")
PLAIN_FIELDS = (
    "influence",
    "attitude",
    "preferred_channel",
    "contact_frequency_days",
    "relationship_strength",
)


def _checked_values(
    *,
    account: Account,
    contact: Contact | None,
    fields: dict[str, Any],
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    """The model values of the given fields that need the database to check."""
    values: dict[str, Any] = {}
    if "roles" in fields:
        flags = _roles_parse(fields["roles"], errors)
        if flags is not None:
            values.update(flags)
    if "primary_contact" in fields and _primary_contact_check(
        account, fields["primary_contact"], errors
    ):
        values["primary_contact"] = fields["primary_contact"]
    if "evidence_verified_on" in fields and _verified_on_check(
        fields["evidence_verified_on"], errors
    ):
        values["evidence_verified_on"] = fields["evidence_verified_on"]
    values.update(_left_values(contact, fields, errors))
    if "reports_to" in fields:
        ok, manager = _resolve_reports_to(
            account=account, contact=contact, value=fields["reports_to"], errors=errors
        )
        if ok:
            values["reports_to"] = manager
    return values


def _validate_contact_fields(
    *, account: Account, contact: Contact | None, fields: dict[str, Any]
) -> tuple[dict[str, Any], list[GoalInput] | None, dict[str, list[str]]]:
    """Check every given field; returns model values, goals (None = unchanged), errors."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        name: (fields[name] or "").strip() for name in TEXT_FIELDS if name in fields
    }
    values.update({name: fields[name] for name in PLAIN_FIELDS if name in fields})
    goals: list[GoalInput] | None = None
    if "goals" in fields:
        goals, problems = goals_parse(fields["goals"])
        for problem in problems:
            _add(errors, "goals", problem)
    values.update(_checked_values(account=account, contact=contact, fields=fields, errors=errors))
    return values, goals, errors


def _check_model(contact: Contact, errors: dict[str, list[str]]) -> None:
    try:
        contact.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field_name, message)


def _goals_write(contact: Contact, goals: list[GoalInput]) -> None:
    ContactGoal.objects.filter(contact=contact).delete()
    ContactGoal.objects.bulk_create(
        ContactGoal(
            contact=contact,
            position=position,
            text=goal.text,
            metric=goal.metric,
            target=goal.target,
            current=goal.current,
        )
        for position, goal in enumerate(goals, start=1)
    )


@transaction.atomic
def contact_create(
    *,
    account: Account,
    created_by: User,
    name: str,
    title: str | Unset = UNSET,
    roles: Iterable[str] | Unset = UNSET,
    influence: str | Unset = UNSET,
    attitude: str | Unset = UNSET,
    goals: Any = UNSET,
    preferred_channel: str | Unset = UNSET,
    contact_frequency_days: int | Unset = UNSET,
    primary_contact: User | None | Unset = UNSET,
    relationship_strength: int | Unset = UNSET,
    evidence: str | Unset = UNSET,
    evidence_verified_on: date | None | Unset = UNSET,
    reports_to: Contact | int | None | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    left_on: date | None | Unset = UNSET,
) -> Contact:
    """Add a person to the account's map (its owner only). `roles` is a list of role names,
    `goals` a list of texts or {text, metric, target, current} (at most three), `reports_to`
    a contact of the same account (or its id), `primary_contact` the owner or a team member.
    Fields not given take the model's defaults."""
    require(can_add_contact(created_by, account), CONTACT_ADD_REFUSED)
    account_row_require(account_id=account.pk)
    fields = given(
        name=name,
        title=title,
        roles=roles,
        influence=influence,
        attitude=attitude,
        goals=goals,
        preferred_channel=preferred_channel,
        contact_frequency_days=contact_frequency_days,
        primary_contact=primary_contact,
        relationship_strength=relationship_strength,
        evidence=evidence,
        evidence_verified_on=evidence_verified_on,
        reports_to=reports_to,
        is_active=is_active,
        left_on=left_on,
    )
    values, goal_inputs, errors = _validate_contact_fields(
        account=account, contact=None, fields=fields
    )
    contact = Contact(account=account, **values)
    _check_model(contact, errors)
    if errors:
        raise ValidationError(errors)
    contact.save()
    if goal_inputs:
        _goals_write(contact, goal_inputs)
    account_data_changed(account_ids=[account.pk])
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    updated_by: User,
    version: int | None = None,
    name: str | Unset = UNSET,
    title: str | Unset = UNSET,
    roles: Iterable[str] | Unset = UNSET,
    influence: str | Unset = UNSET,
    attitude: str | Unset = UNSET,
    goals: Any = UNSET,
    preferred_channel: str | Unset = UNSET,
    contact_frequency_days: int | Unset = UNSET,
    primary_contact: User | None | Unset = UNSET,
    relationship_strength: int | Unset = UNSET,
    evidence: str | Unset = UNSET,
    evidence_verified_on: date | None | Unset = UNSET,
    reports_to: Contact | int | None | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    left_on: date | None | Unset = UNSET,
) -> Contact:
    """Change the given fields of a contact (the account's owner only; goals, when given,
    replace all its goals).

    Only the fields whose value differs are written (kam.versioning.versioned_update), so
    a concurrent edit of other fields survives. `version` is the version the user edited:
    a stale one raises VersionConflictError and writes nothing; None writes on top."""
    require(can_edit_contact(updated_by, contact), CONTACT_CHANGE_REFUSED)
    account = contact.account
    account_row_require(account_id=account.pk)
    fields = given(
        name=name,
        title=title,
        roles=roles,
        influence=influence,
        attitude=attitude,
        goals=goals,
        preferred_channel=preferred_channel,
        contact_frequency_days=contact_frequency_days,
        primary_contact=primary_contact,
        relationship_strength=relationship_strength,
        evidence=evidence,
        evidence_verified_on=evidence_verified_on,
        reports_to=reports_to,
        is_active=is_active,
        left_on=left_on,
    )
    values, goal_inputs, errors = _validate_contact_fields(
        account=account, contact=contact, fields=fields
    )
    candidate = Contact.objects.get(pk=contact.pk)
    for field_name, value in values.items():
        setattr(candidate, field_name, value)
    _check_model(candidate, errors)
    if errors:
        raise ValidationError(errors)
    goals_changed = goal_inputs is not None and _goals_differ(candidate, goal_inputs)
    fresh: Contact
    fresh, changed = versioned_update(
        instance=contact,
        values=values,
        version=version,
        by=updated_by,
        touched=["goals"] if goals_changed else [],
    )
    if goals_changed and goal_inputs is not None:
        _goals_write(fresh, goal_inputs)
    if changed:
        account_data_changed(account_ids=[account.pk])
    return fresh


def _goals_differ(contact: Contact, goals: list[GoalInput]) -> bool:
    stored = [
        GoalInput(text=goal.text, metric=goal.metric, target=goal.target, current=goal.current)
        for goal in ContactGoal.objects.filter(contact=contact).order_by("position")
    ]
    return stored != list(goals)


def _interaction_contacts(
    account: Account, contacts: Iterable[Contact | int], errors: dict[str, list[str]]
) -> list[Contact]:
    """The account's contacts named (objects or ids); a problem per wrong or missing one."""
    wanted = list(contacts)
    ids: list[int] = []
    for item in wanted:
        if isinstance(item, Contact):
            ids.append(item.pk)
        else:
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                _add(errors, "contacts", _("%(value)r is not a contact id.") % {"value": item})
    found = list(Contact.objects.filter(account=account, pk__in=ids))
    if not wanted:
        _add(errors, "contacts", _("Choose at least one person you were in touch with."))
    elif len({c.pk for c in found}) != len(set(ids)):
        missing = sorted(set(ids) - {c.pk for c in found})
        _add(
            errors,
            "contacts",
            ngettext(
                "Contact %(ids)s is not at %(account)s; an interaction only "
                "links people of its own account.",
                "Contacts %(ids)s are not at %(account)s; an interaction only "
                "links people of its own account.",
                len(missing),
            )
            % {"ids": ", ".join(map(str, missing)), "account": account.name},
        )
    return found


def _not_on_team(user: User | None, account: Account) -> str:
    if user is None:
        return _(
            "Choose our person in touch, from the %(account)s account team; only the owner "
            "and team members log interactions."
        ) % {"account": account.name}
    return _(
        "%(username)s is not on the %(account)s account team; only the owner and team "
        "members log interactions."
    ) % {"username": user.username, "account": account.name}


def _interaction_date_check(day: date | None, errors: dict[str, list[str]]) -> None:
    if day is None:
        _add(errors, "date", _("Enter the date of the interaction (YYYY-MM-DD)."))
    elif day > timezone.localdate():
        _add(
            errors,
            "date",
            _("%(date)s is in the future; log interactions once they have happened.")
            % {"date": day.isoformat()},
        )


@transaction.atomic
def interaction_log(
    *,
    account: Account,
    logged_by: User,
    user: User | None,
    date: date | None,
    channel: str,
    summary: str,
    contacts: Iterable[Contact | int],
) -> Interaction:
    """Record that `user` (the owner or a team member) was in touch with `contacts` (one or
    more people of this account) on `date` (today or earlier). `logged_by` (the owner or a
    team member) writes it down, for themselves or a colleague."""
    require(can_log_interaction(logged_by, account), INTERACTION_LOG_REFUSED)
    account_row_require(account_id=account.pk)
    errors: dict[str, list[str]] = {}
    if user is None or user.pk not in account_people_ids(account=account):
        _add(errors, "user", _not_on_team(user, account))
    _interaction_date_check(date, errors)
    found = _interaction_contacts(account, contacts, errors)
    interaction = Interaction(account=account, user=user, channel=channel, logged_by=logged_by)
    interaction.summary = (summary or "").strip()
    if date is not None:
        interaction.date = date
    try:
        interaction.full_clean(exclude=[*errors, "user", "date"])
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field_name, message)
    if errors:
        raise ValidationError(errors)
    interaction.save()
    interaction.contacts.set(found)
    account_data_changed(account_ids=[account.pk])
    return interaction


# --- lines of influence ----------------------------------------------------------------


def _influence_person(
    account: Account, value: Any, field: str, errors: dict[str, list[str]]
) -> Contact | None:
    """The account's contact named by `value` (a contact or its id), or a problem."""
    if isinstance(value, Contact):
        person: Contact | None = value if value.account_id == account.pk else None
    else:
        try:
            person = Contact.objects.filter(account=account, pk=int(value)).first()
        except (TypeError, ValueError):
            person = None
    if person is None:
        _add(
            errors,
            field,
            _(
                "That person is not a contact of %(account)s; a line of influence links two "
                "people of the same account."
            )
            % {"account": account.name},
        )
    return person


def _influence_check(
    *,
    account: Account,
    influence: ContactInfluence,
    source: Contact | None,
    target: Contact | None,
    errors: dict[str, list[str]],
) -> None:
    if source is not None and target is not None:
        if source.pk == target.pk:
            _add(
                errors,
                "target",
                _("%(person)s cannot influence themselves.") % {"person": source.name},
            )
        else:
            twin = ContactInfluence.objects.filter(source=source, target=target).exclude(
                pk=influence.pk
            )
            if twin.exists():
                _add(
                    errors,
                    "target",
                    _(
                        "The map already has %(source)s influencing %(target)s; change "
                        "that line instead."
                    )
                    % {"source": source.name, "target": target.name},
                )
    problem = text_problem(influence.note, multiline=True)
    if problem:
        _add(errors, "note", problem)
    try:
        influence.full_clean(exclude=[*errors, "account", "source", "target"])
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field_name, message)


@transaction.atomic
def influence_create(
    *,
    account: Account,
    created_by: User,
    source: Contact | int,
    target: Contact | int,
    strength: int | Unset = UNSET,
    note: str | Unset = UNSET,
) -> ContactInfluence:
    """Record that `source` influences `target` (two different people of `account`), beyond
    the reporting line. The account's owner only, like every change of its map."""
    require(can_add_contact(created_by, account), CONTACT_CHANGE_REFUSED)
    account_row_require(account_id=account.pk)
    errors: dict[str, list[str]] = {}
    found_source = _influence_person(account, source, "source", errors)
    found_target = _influence_person(account, target, "target", errors)
    influence = ContactInfluence(account=account)
    if not isinstance(note, Unset):
        influence.note = (note or "").strip()
    if not isinstance(strength, Unset):
        influence.strength = strength
    _influence_check(
        account=account,
        influence=influence,
        source=found_source,
        target=found_target,
        errors=errors,
    )
    if errors or found_source is None or found_target is None:
        raise ValidationError(errors)
    influence.source = found_source
    influence.target = found_target
    influence.save()
    account_data_changed(account_ids=[account.pk])
    return influence


@transaction.atomic
def influence_update(
    *,
    influence: ContactInfluence,
    updated_by: User,
    version: int | None = None,
    source: Contact | int | Unset = UNSET,
    target: Contact | int | Unset = UNSET,
    strength: int | Unset = UNSET,
    note: str | Unset = UNSET,
) -> ContactInfluence:
    """Change a line of influence (the account's owner only); `version` as for contacts."""
    account = influence.account
    require(can_add_contact(updated_by, account), CONTACT_CHANGE_REFUSED)
    account_row_require(account_id=account.pk)
    errors: dict[str, list[str]] = {}
    candidate = ContactInfluence.objects.select_related("source", "target").get(pk=influence.pk)
    values: dict[str, Any] = {}
    found_source: Contact | None = candidate.source
    found_target: Contact | None = candidate.target
    if not isinstance(source, Unset):
        found_source = _influence_person(account, source, "source", errors)
        if found_source is not None:
            values["source"] = found_source
    if not isinstance(target, Unset):
        found_target = _influence_person(account, target, "target", errors)
        if found_target is not None:
            values["target"] = found_target
    if not isinstance(strength, Unset):
        values["strength"] = candidate.strength = strength
    if not isinstance(note, Unset):
        values["note"] = candidate.note = (note or "").strip()
    _influence_check(
        account=account,
        influence=candidate,
        source=found_source,
        target=found_target,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    fresh: ContactInfluence
    fresh, changed = versioned_update(
        instance=influence, values=values, version=version, by=updated_by
    )
    if changed:
        account_data_changed(account_ids=[account.pk])
    return fresh


@transaction.atomic
def influence_delete(*, influence: ContactInfluence, deleted_by: User) -> None:
    """Remove a line of influence (the account's owner only)."""
    require(can_add_contact(deleted_by, influence.account), CONTACT_CHANGE_REFUSED)
    account_row_require(account_id=influence.account_id)
    influence._history_user = deleted_by  # type: ignore[attr-defined]  # simple-history
    influence.delete()
    account_data_changed(account_ids=[influence.account_id])


# --- corrections of interactions -------------------------------------------------------


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    updated_by: User,
    version: int | None = None,
    user: User | Unset = UNSET,
    date: date | None | Unset = UNSET,
    channel: str | Unset = UNSET,
    summary: str | Unset = UNSET,
    contacts: Iterable[Contact | int] | Unset = UNSET,
) -> Interaction:
    """Correct an interaction (only who logged it); the same checks as logging it.
    `version` as for contacts (kam.versioning)."""
    require(can_change_interaction(updated_by, interaction), INTERACTION_CHANGE_REFUSED)
    account = interaction.account
    account_row_require(account_id=account.pk)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if not isinstance(user, Unset):
        if user is None or user.pk not in account_people_ids(account=account):
            _add(errors, "user", _not_on_team(user, account))
        else:
            values["user"] = user
    if not isinstance(date, Unset):
        _interaction_date_check(date, errors)
        values["date"] = date
    if not isinstance(channel, Unset):
        values["channel"] = channel
    if not isinstance(summary, Unset):
        values["summary"] = (summary or "").strip()
    found: list[Contact] | None = None
    if not isinstance(contacts, Unset):
        found = _interaction_contacts(account, contacts, errors)
    candidate = Interaction.objects.get(pk=interaction.pk)
    for name, value in values.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=[*errors, "user", "date", "logged_by"])
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field_name, message)
    if errors:
        raise ValidationError(errors)
    contacts_changed = found is not None and {c.pk for c in found} != set(
        interaction.contacts.values_list("pk", flat=True)
    )
    fresh: Interaction
    fresh, changed = versioned_update(
        instance=interaction,
        values=values,
        version=version,
        by=updated_by,
        touched=["contacts"] if contacts_changed else [],
    )
    if contacts_changed and found is not None:
        fresh.contacts.set(found)
    if changed:
        account_data_changed(account_ids=[account.pk])
    return fresh


@transaction.atomic
def interaction_delete(*, interaction: Interaction, deleted_by: User) -> None:
    """Delete an interaction (only who logged it); its history keeps the record."""
    require(can_change_interaction(deleted_by, interaction), INTERACTION_CHANGE_REFUSED)
    account_row_require(account_id=interaction.account_id)
    interaction._history_user = deleted_by  # type: ignore[attr-defined]  # simple-history
    interaction.delete()
    account_data_changed(account_ids=[interaction.account_id])
