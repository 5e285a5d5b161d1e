"""Writes to buying-influence maps: contacts with their goals, and interactions.

Callers have checked access with the gatekeeper (`can_edit_account` for contacts,
`can_contribute_to_account` for interactions). Each function validates everything first,
collects one plain-words message per field, and writes in one transaction only when all is
valid; otherwise it raises ValidationError({field: [messages]}) and writes nothing.
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

from accounts.models import Account, TeamMember
from kam.input_policy import text_problem
from kam.versioning import versioned_update
from relationships.models import ROLE_FIELDS, Contact, ContactGoal, Interaction

MAX_GOALS = 3

CONTACT_FIELDS = (
    "name",
    "title",
    "roles",
    "influence",
    "attitude",
    "goals",
    "preferred_channel",
    "contact_frequency_days",
    "primary_contact",
    "relationship_strength",
    "evidence",
    "evidence_verified_on",
    "reports_to",
    "is_active",
)


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


def goals_parse(goals: Any) -> tuple[list[GoalInput], list[str]]:
    """Goals from a list of strings or of {text, metric, target, current} mappings.
    Returns the goals and the problems found (plain words, one per problem)."""
    if goals is None:
        return [], []
    if isinstance(goals, str) or not isinstance(goals, Iterable):
        return [], ["Send the goals as a list (of texts, or of {text, metric, target, current})."]
    items = list(goals)
    problems: list[str] = []
    if len(items) > MAX_GOALS:
        problems.append(
            f"Record at most three goals per person (you sent {len(items)}); keep the three "
            "that matter most to them."
        )
        return [], problems
    parsed: list[GoalInput] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            problems.append(f"Goal {number} must be a text or an object with a text.")
            continue
        unknown = set(item) - {"text", "metric", "target", "current", "position"}
        if unknown:
            problems.append(f"Goal {number} has unknown parts: {', '.join(sorted(unknown))}.")
            continue
        text = str(item.get("text") or "").strip()
        if not text:
            problems.append(f"Goal {number} needs a text saying what the person wants to achieve.")
            continue
        if len(text) > 300:
            problems.append(f"Goal {number} is too long; keep it under 300 characters.")
            continue
        metric = str(item.get("metric") or "").strip()
        if len(metric) > 100:
            problems.append(f"The metric of goal {number} is too long (100 characters at most).")
            continue
        refused = text_problem(text, multiline=False) or text_problem(metric, multiline=False)
        if refused:
            problems.append(f"Goal {number}: {refused}")
            continue
        numbers: dict[str, Decimal | None] = {}
        for part in ("target", "current"):
            try:
                value = _decimal(item.get(part))
            except InvalidOperation:
                problems.append(f"The {part} of goal {number} must be a number.")
                continue
            if value is not None and (
                abs(value) >= Decimal("1e12") or value.as_tuple().exponent < -2
            ):  # type: ignore[operator]
                problems.append(
                    f"The {part} of goal {number} must have at most 12 digits before and 2 "
                    "after the decimal point."
                )
                continue
            numbers[part] = value
        if len(numbers) < 2:
            continue
        if (numbers["target"] is not None or numbers["current"] is not None) and not metric:
            problems.append(f"Goal {number} has a target or current value: name its metric too.")
            continue
        parsed.append(
            GoalInput(
                text=text, metric=metric, target=numbers["target"], current=numbers["current"]
            )
        )
    return parsed, problems


def _roles_parse(roles: Any, errors: dict[str, list[str]]) -> dict[str, bool] | None:
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        _add(errors, "roles", 'Send the roles as a list, e.g. ["economic_buyer", "coach"].')
        return None
    names = [str(role).strip() for role in roles]
    unknown = [role for role in names if role not in ROLE_FIELDS]
    if unknown:
        quoted = ", ".join(f'"{role}"' for role in unknown)
        _add(
            errors,
            "roles",
            f"{quoted} {'is not a buying role' if len(unknown) == 1 else 'are not buying roles'}; "
            "use economic_buyer, user_buyer, technical_buyer or coach.",
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
            f"That person is not a contact of {account.name}; someone can only report to a "
            "person of the same account.",
        )
        return False, None
    if contact is not None and contact.pk is not None:
        # Serialise reports-to changes per account, so two concurrent edits cannot each
        # pass the cycle check and together close a loop (a no-op on SQLite). NO KEY: bulk
        # writers' FOR KEY SHARE locks on accounts (imports, analysis runs) do not block it.
        Account.objects.select_for_update(no_key=True).filter(pk=account.pk).first()
        if manager.pk == contact.pk:
            _add(errors, "reports_to", "A person cannot report to themselves.")
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
                    f"{contact.name} cannot report to {manager.name}: {manager.name} already "
                    f"reports (directly or through others) to {contact.name}.",
                )
                return False, None
            seen.add(current)
            current = line.get(current)
    return True, manager


def _validate_contact_fields(
    *, account: Account, contact: Contact | None, fields: dict[str, Any]
) -> tuple[dict[str, Any], list[GoalInput] | None, dict[str, list[str]]]:
    """Check every given field; returns model values, goals (None = unchanged), errors."""
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        _add(errors, "__all__", f"Unknown contact fields: {', '.join(sorted(unknown))}.")
    values: dict[str, Any] = {}
    for name in ("name", "title", "evidence"):
        if name in fields:
            values[name] = (fields[name] or "").strip()
    for name in (
        "influence",
        "attitude",
        "preferred_channel",
        "contact_frequency_days",
        "relationship_strength",
        "is_active",
    ):
        if name in fields:
            values[name] = fields[name]
    if "roles" in fields:
        flags = _roles_parse(fields["roles"], errors)
        if flags is not None:
            values.update(flags)
    goals: list[GoalInput] | None = None
    if "goals" in fields:
        goals, problems = goals_parse(fields["goals"])
        for problem in problems:
            _add(errors, "goals", problem)
    if "primary_contact" in fields:
        person = fields["primary_contact"]
        if person is not None and person.pk not in account_people_ids(account=account):
            _add(
                errors,
                "primary_contact",
                f"{person.username} is not on the {account.name} account team; choose the owner "
                "or a team member (or add them to the team first).",
            )
        else:
            values["primary_contact"] = person
    if "evidence_verified_on" in fields:
        verified_on = fields["evidence_verified_on"]
        if isinstance(verified_on, date) and verified_on > timezone.localdate():
            _add(
                errors,
                "evidence_verified_on",
                f"The verification date {verified_on.isoformat()} is in the future; enter the "
                "day the evidence was last checked.",
            )
        else:
            values["evidence_verified_on"] = verified_on
    if "reports_to" in fields:
        ok, manager = _resolve_reports_to(
            account=account, contact=contact, value=fields["reports_to"], errors=errors
        )
        if ok:
            values["reports_to"] = manager
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
def contact_create(*, account: Account, created_by: Any, **fields: Any) -> Contact:
    """Add a person to the account's map. `roles` is a list of role names, `goals` a list
    of texts or {text, metric, target, current} (at most three), `reports_to` a contact of
    the same account (or its id), `primary_contact` the owner or a team member."""
    values, goals, errors = _validate_contact_fields(account=account, contact=None, fields=fields)
    contact = Contact(account=account, **values)
    _check_model(contact, errors)
    if errors:
        raise ValidationError(errors)
    contact.save()
    if goals:
        _goals_write(contact, goals)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, updated_by: Any, version: int | None = None, **fields: Any
) -> Contact:
    """Change the given fields of a contact (goals, when given, replace all its goals).

    Only the fields whose value differs are written (kam.versioning.versioned_update), so
    a concurrent edit of other fields survives. `version` is the version the user edited:
    a stale one raises VersionConflictError and writes nothing; None writes on top."""
    account = contact.account
    values, goals, errors = _validate_contact_fields(
        account=account, contact=contact, fields=fields
    )
    candidate = Contact.objects.get(pk=contact.pk)
    for name, value in values.items():
        setattr(candidate, name, value)
    _check_model(candidate, errors)
    if errors:
        raise ValidationError(errors)
    goals_changed = goals is not None and _goals_differ(candidate, goals)
    fresh, _changed = versioned_update(
        instance=contact,
        values=values,
        version=version,
        by=updated_by,
        touched=["goals"] if goals_changed else [],
    )
    if goals_changed and goals is not None:
        _goals_write(fresh, goals)
    return fresh


def _goals_differ(contact: Contact, goals: list[GoalInput]) -> bool:
    stored = [
        GoalInput(text=goal.text, metric=goal.metric, target=goal.target, current=goal.current)
        for goal in ContactGoal.objects.filter(contact=contact).order_by("position")
    ]
    return stored != list(goals)


@transaction.atomic
def interaction_log(
    *,
    account: Account,
    user: Any,
    date: date | None,
    channel: str,
    summary: str,
    contacts: Iterable[Contact | int],
) -> Interaction:
    """Record that `user` (the owner or a team member) was in touch with `contacts` (one or
    more people of this account) on `date` (today or earlier)."""
    errors: dict[str, list[str]] = {}
    if user is None or user.pk not in account_people_ids(account=account):
        name = getattr(user, "username", "Nobody")
        _add(
            errors,
            "user",
            f"{name} is not on the {account.name} account team; only the owner and team "
            "members log interactions.",
        )
    if date is None:
        _add(errors, "date", "Enter the date of the interaction (YYYY-MM-DD).")
    elif date > timezone.localdate():
        _add(
            errors,
            "date",
            f"{date.isoformat()} is in the future; log interactions once they have happened.",
        )
    wanted = list(contacts)
    ids: list[int] = []
    for item in wanted:
        if isinstance(item, Contact):
            ids.append(item.pk)
        else:
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                _add(errors, "contacts", f"{item!r} is not a contact id.")
    found = list(Contact.objects.filter(account=account, pk__in=ids))
    if not wanted:
        _add(errors, "contacts", "Choose at least one person you were in touch with.")
    elif len({c.pk for c in found}) != len(set(ids)):
        missing = sorted(set(ids) - {c.pk for c in found})
        _add(
            errors,
            "contacts",
            f"Contact{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
            f"{'are' if len(missing) > 1 else 'is'} not at {account.name}; an interaction only "
            "links people of its own account.",
        )
    interaction = Interaction(
        account=account, user=user, date=date, channel=channel, summary=(summary or "").strip()
    )
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
    return interaction
