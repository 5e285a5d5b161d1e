"""Reads of buying-influence maps: contacts with their last interaction, coverage gaps, the
org chart and the coverage matrix.

Every read for a user starts from `accounts.selectors.accounts_visible_to` (the gatekeeper).
`as_of` is the day the overdue flags and gaps are judged on (pages pass today).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Account, TeamMember
from accounts.selectors import accounts_visible_to
from kam.types import AnyUser, User
from relationships.coverage import (
    GAP_CODES,
    GAP_LABELS,
    ContactFacts,
    Gap,
    InfluenceFacts,
    coverage_gaps,
)
from relationships.models import ROLE_FIELDS, Contact, ContactGoal, ContactInfluence, Interaction


class ContactTouch(TypedDict):
    """What `contacts_with_last_interaction` adds to each contact."""

    last_interaction_on: date | None
    is_overdue: bool


if TYPE_CHECKING:  # WithAnnotations takes its second argument for the type checker only
    from django_stubs_ext import WithAnnotations

    # A contact with its last interaction and overdue flag.
    AnnotatedContact = WithAnnotations[Contact, ContactTouch]


def contacts_with_last_interaction(
    *, as_of: date, account_ids: Iterable[int] | None = None
) -> QuerySet[AnnotatedContact]:
    """Contacts (of every account, or of `account_ids`) annotated with
    `last_interaction_on` (the latest interaction dated on or before `as_of`, or None) and
    `is_overdue` (no interaction, or the last one more than `contact_frequency_days` days
    before `as_of`). One query with a correlated subquery; no visibility check, so callers
    scope it (the analysis loader reads every account; pages use `contacts_visible_to`)."""
    last = (
        Interaction.objects.filter(contacts=OuterRef("pk"), date__lte=as_of)
        .order_by("-date")
        .values("date")[:1]
    )
    # Typed as a plain integer so SQLite accepts the integer × duration product.
    days = ExpressionWrapper(F("contact_frequency_days"), output_field=IntegerField())
    frequency = ExpressionWrapper(days * Value(timedelta(days=1)), output_field=DurationField())
    queryset = (
        Contact.objects.annotate(last_interaction_on=Subquery(last, output_field=DateField()))
        .alias(
            due_on=ExpressionWrapper(F("last_interaction_on") + frequency, output_field=DateField())
        )
        .annotate(
            is_overdue=Case(
                When(last_interaction_on__isnull=True, then=Value(True)),
                When(due_on__lt=as_of, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if account_ids is not None:
        queryset = queryset.filter(account_id__in=list(account_ids))
    return queryset


def _goals_prefetch() -> Prefetch[str, QuerySet[ContactGoal]]:
    return Prefetch("goals", queryset=ContactGoal.objects.order_by("position"))


def contacts_visible_to(*, user: AnyUser, as_of: date) -> QuerySet[AnnotatedContact]:
    """Contacts of the accounts the user may see, with account, primary contact and goals."""
    return (
        contacts_with_last_interaction(as_of=as_of)
        .filter(account__in=accounts_visible_to(user).values("pk"))
        .select_related("account", "primary_contact", "reports_to")
        .prefetch_related(_goals_prefetch())
    )


def contact_get_for_user(*, user: AnyUser, contact_id: int | str, as_of: date) -> AnnotatedContact:
    """The contact if the user may see its account; Http404 otherwise."""
    try:
        return contacts_visible_to(user=user, as_of=as_of).get(pk=int(contact_id))
    except (Contact.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such contact.")) from error


def account_contacts(*, account: Account, as_of: date) -> QuerySet[AnnotatedContact]:
    """Every contact of the account (active or not) with goals, primary contact, the last
    interaction and the overdue flag. Two queries (contacts, goals)."""
    return (
        contacts_with_last_interaction(as_of=as_of)
        .filter(account=account)
        .select_related("primary_contact")
        .prefetch_related(_goals_prefetch())
        .order_by("name", "id")
    )


def account_people(*, account: Account) -> list[User]:
    """Our people on the account: the owner first, then the team by username (one query)."""
    members = [
        member.user
        for member in TeamMember.objects.filter(account=account)
        .select_related("user")
        .order_by("user__username")
        if member.user_id != account.owner_id
    ]
    return [account.owner, *members]


def contact_facts(contact: Contact, *, goal_count: int | None = None) -> ContactFacts:
    """The plain facts the coverage rules read, from a contact annotated with its last
    interaction and its primary contact joined; goals are counted from the prefetch unless
    `goal_count` is given."""
    primary = contact.primary_contact
    return ContactFacts(
        id=contact.pk,
        name=contact.name,
        is_active=contact.is_active,
        is_economic_buyer=contact.is_economic_buyer,
        is_user_buyer=contact.is_user_buyer,
        is_technical_buyer=contact.is_technical_buyer,
        is_coach=contact.is_coach,
        influence=contact.influence,
        attitude=contact.attitude,
        goal_count=len(contact.goals.all()) if goal_count is None else goal_count,
        primary_contact_id=contact.primary_contact_id,
        primary_contact_name=(primary.get_full_name() or primary.username) if primary else "",
        evidence_verified_on=contact.evidence_verified_on,
        contact_frequency_days=contact.contact_frequency_days,
        last_interaction_on=getattr(contact, "last_interaction_on", None),
    )


def gap_label(code: str) -> str:
    """A coverage gap's short name, in the reader's language."""
    label = GAP_LABELS.get(code)
    return _(label) if label else code


def names_list(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C", in the reader's language."""
    if len(names) == 1:
        return names[0]
    # Translators: the separator of a list of people's names ("A, B and C").
    listed = pgettext("list separator", ", ").join(names[:-1])
    # Translators: the end of a list of people's names: "A, B" and "C".
    return _("%(names)s and %(last)s") % {"names": listed, "last": names[-1]}


def gap_message(gap: Gap) -> str:
    """A coverage gap's message in the reader's language (coverage.py keeps it English)."""
    values = {
        key: names_list(value) if isinstance(value, tuple) else value for key, value in gap.params
    }
    template = _(gap.template)
    return template % values if values else template


@dataclass(frozen=True)
class GapRow:
    code: str
    message: str
    contact: int | None
    contact_name: str

    @property
    def label(self) -> str:
        return gap_label(self.code)


def _gap_rows(gaps: list[Gap], names: dict[int, str]) -> list[GapRow]:
    return [
        GapRow(
            code=gap.code,
            message=gap_message(gap),
            contact=gap.contact_id,
            contact_name=names.get(gap.contact_id, "") if gap.contact_id else "",
        )
        for gap in gaps
    ]


@dataclass(frozen=True)
class GapGroup:
    """The gaps of one rule, for display: account-wide rules have one gap, personal rules
    one per person."""

    code: str
    label: str
    gaps: list[GapRow]

    @property
    def is_personal(self) -> bool:
        return any(gap.contact for gap in self.gaps)


def coverage_gap_groups(gaps: Sequence[GapRow]) -> list[GapGroup]:
    """Gaps grouped by rule in the rules' order, so 200 overdue people make one entry."""
    by_code: dict[str, list[GapRow]] = {}
    for gap in gaps:
        by_code.setdefault(gap.code, []).append(gap)
    order = {code: index for index, code in enumerate(GAP_CODES)}
    return [
        GapGroup(code=code, label=gap_label(code), gaps=rows)
        for code, rows in sorted(by_code.items(), key=lambda item: order.get(item[0], 99))
    ]


def influence_facts(influences: Iterable[ContactInfluence]) -> list[InfluenceFacts]:
    return [
        InfluenceFacts(source_id=line.source_id, target_id=line.target_id, strength=line.strength)
        for line in influences
    ]


def coverage_gaps_from_contacts(
    *,
    contacts: Sequence[Contact],
    as_of: date,
    influences: Sequence[ContactInfluence] = (),
) -> list[GapRow]:
    """Coverage gaps of contacts already loaded with `account_contacts` and of the account's
    lines of influence already loaded (no query)."""
    gaps = coverage_gaps(
        contacts=[contact_facts(c) for c in contacts],
        as_of=as_of,
        influences=influence_facts(influences),
    )
    return _gap_rows(gaps, {c.pk: c.name for c in contacts})


def account_influence_facts(
    *, account_ids: Iterable[int] | None
) -> dict[int, list[InfluenceFacts]]:
    """The lines of influence of the accounts (every account for None), by account (one query)."""
    rows = ContactInfluence.objects.all()
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    by_account: dict[int, list[InfluenceFacts]] = {}
    for account_id, source_id, target_id, strength in rows.values_list(
        "account_id", "source_id", "target_id", "strength"
    ):
        by_account.setdefault(account_id, []).append(
            InfluenceFacts(source_id=source_id, target_id=target_id, strength=strength)
        )
    return by_account


def coverage_gaps_for_account(*, account: Account, as_of: date) -> list[GapRow]:
    """The account's coverage gaps on `as_of` (three queries: contacts, goals, lines of
    influence)."""
    return coverage_gaps_from_contacts(
        contacts=list(account_contacts(account=account, as_of=as_of)),
        as_of=as_of,
        influences=list(ContactInfluence.objects.filter(account=account)),
    )


def coverage_gaps_for_accounts(
    *, as_of: date, account_ids: Iterable[int] | None = None
) -> dict[int, list[GapRow]]:
    """Coverage gaps of many accounts at once (every account when `account_ids` is None),
    by account id; accounts without contacts get their account-wide gaps too. Three queries
    whatever the number of accounts (goal counts; contacts with their primary contact; lines
    of influence), plus one for the account ids when `account_ids` is None."""
    ids = None if account_ids is None else list(account_ids)
    goals = ContactGoal.objects.all()
    if ids is not None:
        goals = goals.filter(contact__account_id__in=ids)
    goal_counts = dict(
        goals.values_list("contact_id").annotate(n=Count("id")).values_list("contact_id", "n")
    )
    account_keys = ids if ids is not None else Account.objects.values_list("pk", flat=True)
    by_account: dict[int, list[ContactFacts]] = {account_id: [] for account_id in account_keys}
    names: dict[int, str] = {}
    rows = (
        contacts_with_last_interaction(as_of=as_of, account_ids=ids)
        .select_related("primary_contact")
        .order_by()
    )
    for contact in rows:
        names[contact.pk] = contact.name
        by_account.setdefault(contact.account_id, []).append(
            contact_facts(contact, goal_count=goal_counts.get(contact.pk, 0))
        )
    lines = account_influence_facts(account_ids=ids)
    return {
        account_id: _gap_rows(
            coverage_gaps(contacts=facts, as_of=as_of, influences=lines.get(account_id, [])),
            names,
        )
        for account_id, facts in by_account.items()
    }


# --- org chart -------------------------------------------------------------------------


@dataclass
class TreeNode:
    contact: Contact
    children: list[TreeNode] = field(default_factory=list)
    depth: int = 0

    @property
    def size(self) -> int:
        """People in this subtree, this person included."""
        return 1 + sum(child.size for child in self.children)


def relationship_tree(contacts: Sequence[Contact]) -> list[TreeNode]:
    """The reports-to forest: people whose manager is unknown (or not in `contacts`) are
    roots; several roots are normal. Children keep the order of `contacts`. The services
    refuse cycles; a cycle written around them would still not loop here."""
    nodes = {contact.pk: TreeNode(contact=contact) for contact in contacts}
    roots: list[TreeNode] = []
    for contact in contacts:
        parent = nodes.get(contact.reports_to_id) if contact.reports_to_id else None
        if parent is None or parent is nodes[contact.pk]:
            roots.append(nodes[contact.pk])
        else:
            parent.children.append(nodes[contact.pk])
    placed: set[int] = set()
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        placed.add(node.contact.pk)
        node.depth = depth
        stack.extend((child, depth + 1) for child in reversed(node.children))
    # Anyone unreachable from a root sits on a cycle: show them as roots, cut the loop.
    for contact in contacts:
        if contact.pk not in placed:
            node = nodes[contact.pk]
            for other in nodes.values():
                if node in other.children:
                    other.children.remove(node)
            roots.append(node)
            placed.add(contact.pk)
    return roots


# --- coverage matrix -------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    is_primary: bool
    interactions: int
    last_on: date | None


@dataclass(frozen=True)
class MatrixRow:
    person: User
    cells: list[MatrixCell]
    relationships: int


@dataclass(frozen=True)
class CoverageMatrix:
    contacts: list[Contact]
    rows: list[MatrixRow]


def coverage_matrix(
    *, account: Account, contacts: Sequence[Contact], as_of: date
) -> CoverageMatrix:
    """Our people down, their active people across: who is primary contact for whom, and how
    often each of ours met each of theirs (interactions up to `as_of`). Our people are the
    owner, the team, and anyone else holding or touching a relationship. Two queries."""
    active = [c for c in contacts if c.is_active]
    through = Interaction.contacts.through
    touches = (
        through.objects.filter(interaction__account=account, interaction__date__lte=as_of)
        .values("interaction__user_id", "contact_id")
        .annotate(n=Count("id"), last=Max("interaction__date"))
        .order_by()
    )
    stats = {(row["interaction__user_id"], row["contact_id"]): row for row in touches}
    people = account_people(account=account)
    known = {person.pk for person in people}
    extra_ids = {c.primary_contact_id for c in active if c.primary_contact_id} | {
        user_id for user_id, _ in stats
    }
    extra_ids -= known
    if extra_ids:
        people += list(User.objects.filter(pk__in=extra_ids).order_by("username"))
    rows: list[MatrixRow] = []
    for person in people:
        cells = []
        for contact in active:
            row = stats.get((person.pk, contact.pk))
            cells.append(
                MatrixCell(
                    is_primary=contact.primary_contact_id == person.pk,
                    interactions=row["n"] if row else 0,
                    last_on=row["last"] if row else None,
                )
            )
        held = sum(1 for cell in cells if cell.is_primary or cell.interactions)
        rows.append(MatrixRow(person=person, cells=cells, relationships=held))
    return CoverageMatrix(contacts=active, rows=rows)


# --- interactions ----------------------------------------------------------------------


def interactions_visible_to(*, user: AnyUser) -> QuerySet[Interaction]:
    return (
        Interaction.objects.filter(account__in=accounts_visible_to(user).values("pk"))
        .select_related("user", "account", "logged_by")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("name", "id")))
    )


def interaction_get_for_user(*, user: AnyUser, interaction_id: int | str) -> Interaction:
    try:
        return interactions_visible_to(user=user).get(pk=int(interaction_id))
    except (Interaction.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such interaction.")) from error


def account_interactions(*, account: Account, limit: int = 20) -> list[Interaction]:
    """The latest interactions at the account with our person and their contacts (2 queries)."""
    return list(
        Interaction.objects.filter(account=account)
        .select_related("user", "logged_by")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("name", "id")))
        .order_by("-date", "-id")[:limit]
    )


def role_filter(role: str) -> dict[str, bool]:
    """The queryset filter for one API role name ({} for an unknown one)."""
    field_name = ROLE_FIELDS.get(role)
    return {field_name: True} if field_name else {}


# --- lines of influence ----------------------------------------------------------------


def influences_visible_to(*, user: AnyUser) -> QuerySet[ContactInfluence]:
    """Lines of influence at the accounts the user may see, with both people joined."""
    return ContactInfluence.objects.filter(
        account__in=accounts_visible_to(user).values("pk")
    ).select_related("account", "source", "target")


def account_influences(*, account: Account) -> list[ContactInfluence]:
    """The account's lines of influence (one query)."""
    return list(
        ContactInfluence.objects.filter(account=account)
        .select_related("source", "target")
        .order_by("source__name", "target__name", "id")
    )


# --- the visual map --------------------------------------------------------------------


def map_graph(
    *,
    account: Account,
    contacts: Sequence[Contact],
    influences: Sequence[ContactInfluence],
    gaps: Sequence[GapRow],
    people: Sequence[User],
    can_edit: bool,
) -> dict[str, object]:
    """The data the map's canvas draws (through json_script), from rows already loaded (no
    query): one card per person, the reporting lines, the lines of influence, the gaps by
    person, and what the side panel offers."""
    gaps_by_contact: dict[int, list[str]] = {}
    account_gaps: list[str] = []
    for gap in gaps:
        if gap.contact:
            gaps_by_contact.setdefault(gap.contact, []).append(gap.label)
        else:
            account_gaps.append(gap.label)
    known = {contact.pk for contact in contacts}
    return {
        "account": account.pk,
        "can_edit": can_edit,
        "people": [person.username for person in people],
        "account_gaps": account_gaps,
        "contacts": [
            {
                "id": contact.pk,
                "name": contact.name,
                "title": contact.title,
                "roles": contact.roles,
                "role_labels": contact.role_labels,
                "influence": contact.influence,
                "attitude": contact.attitude,
                "strength": contact.relationship_strength,
                "primary_contact": contact.primary_contact.username
                if contact.primary_contact
                else None,
                "is_overdue": bool(getattr(contact, "is_overdue", False)),
                "is_active": contact.is_active,
                "left_on": contact.left_on.isoformat() if contact.left_on else None,
                "last_interaction_on": (
                    last.isoformat()
                    if (last := getattr(contact, "last_interaction_on", None))
                    else None
                ),
                "reports_to": contact.reports_to_id if contact.reports_to_id in known else None,
                "version": contact.version,
                "gaps": gaps_by_contact.get(contact.pk, []),
            }
            for contact in contacts
        ],
        "influences": [
            {
                "id": line.pk,
                "source": line.source_id,
                "target": line.target_id,
                "strength": line.strength,
                "note": line.note,
                "version": line.version,
            }
            for line in influences
            if line.source_id in known and line.target_id in known
        ],
    }


# --- a person's history ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    when: object  # a datetime
    who: str
    what: str  # "added", "changed", "removed"
    fields: list[str]


HISTORY_SHOWN = 50


def contact_history(*, contact: Contact) -> list[HistoryEntry]:
    """The person's changes, newest first (who, when, which fields), from the audit trail
    (two queries: the records with their users, and nothing more: the diff is in memory)."""
    records = list(
        contact.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_SHOWN + 1
        ]
    )
    labels = {field.name: str(field.verbose_name) for field in Contact._meta.concrete_fields}
    entries: list[HistoryEntry] = []
    for index, record in enumerate(records[:HISTORY_SHOWN]):
        user = record.history_user
        who = (user.get_full_name() or user.username) if user is not None else _("the system")
        older = records[index + 1] if index + 1 < len(records) else None
        if record.history_type == "+" or older is None:
            entries.append(HistoryEntry(record.history_date, who, "added", []))
            continue
        names = [
            change.field
            for change in record.diff_against(older).changes
            if change.field not in ("updated_at", "version")
        ]
        entries.append(
            HistoryEntry(
                record.history_date,
                who,
                "removed" if record.history_type == "-" else "changed",
                [labels.get(name, name).replace("_", " ") for name in names],
            )
        )
    return entries
