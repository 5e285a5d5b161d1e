"""Demo buying-influence maps (relationships) for the demo portfolio (see seed_demo).

Strategic and pilot accounts get full maps (8-25 people in reports-to trees, every buying
role, goals with metrics, a year of interactions up to `portfolio.as_of`), with deliberate
gaps so the map has something to say: the second strategic account has no coach, the third
a high-influence detractor, the first pilot no economic buyer, and everywhere some people are
overdue or their evidence is stale. Other accounts get 0-3 contacts. Everything comes from
`rng` and is written with bulk_create, level by level, so 10,000 accounts stay quick.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Account, Designation, TeamMember
from demo.context import DemoPortfolio, is_key_account
from kam.types import User
from relationships.models import Contact, ContactGoal, ContactInfluence, Interaction

FIRST_NAMES = [
    "Dana",
    "Sam",
    "Lee",
    "Priya",
    "Marco",
    "Ingrid",
    "Tomás",
    "Aisha",
    "Kenji",
    "Olivia",
    "Rafael",
    "Hannah",
    "Yusuf",
    "Mei",
    "Lars",
    "Chloé",
    "Andrés",
    "Fatima",
    "Jonas",
    "Nadia",
    "Victor",
    "Elena",
    "Kwame",
    "Sofia",
    "Daniel",
    "Amara",
    "Pieter",
    "Lucía",
    "Omar",
    "Greta",
]
LAST_NAMES = [
    "Reyes",
    "Ortiz",
    "Park",
    "Sharma",
    "Rossi",
    "Berg",
    "Silva",
    "Khan",
    "Tanaka",
    "Brown",
    "Costa",
    "Meyer",
    "Demir",
    "Chen",
    "Larsen",
    "Dubois",
    "Vargas",
    "Haddad",
    "Weber",
    "Novak",
    "Moreau",
    "Popescu",
    "Mensah",
    "Ferreira",
    "Cohen",
    "Okoye",
    "de Vries",
    "García",
    "Aziz",
    "Lindqvist",
]
# Titles by level of the tree; level 1 are the executives under the top person.
TOP_TITLES = ["Chief Executive Officer", "Managing Director", "Division President"]
EXECUTIVE_TITLES = [
    ("Chief Financial Officer", "finance"),
    ("Chief Operating Officer", "operations"),
    ("Chief Procurement Officer", "procurement"),
    ("Chief Technology Officer", "technical"),
    ("VP Supply Chain", "operations"),
]
MANAGER_TITLES = {
    "finance": ["Financial Controller", "Head of FP&A", "Treasury Manager"],
    "operations": ["Plant Manager", "Logistics Director", "Head of Quality"],
    "procurement": ["Category Manager", "Head of Purchasing", "Strategic Sourcing Lead"],
    "technical": ["Head of Engineering", "IT Director", "R&D Manager"],
}
STAFF_TITLES = {
    "finance": ["Cost Accountant", "Financial Analyst"],
    "operations": ["Shift Supervisor", "Warehouse Lead", "Quality Engineer"],
    "procurement": ["Senior Buyer", "Buyer"],
    "technical": ["Process Engineer", "Systems Architect", "Lab Lead"],
}
GOALS = [
    ("Cut inbound freight cost", "cost per pallet (EUR)", "40", "46"),
    ("Raise on-time delivery", "on-time deliveries (%)", "98", "93.5"),
    ("Reduce line stoppages", "stoppages per month", "2", "5"),
    ("Launch the new product range on time", "", None, None),
    ("Lower working capital", "inventory days", "30", "41"),
    ("Consolidate the supplier base", "active suppliers", "120", "185"),
    ("Pass the ISO 14001 audit", "", None, None),
    ("Improve first-pass yield", "first-pass yield (%)", "97", "94"),
    ("Get promoted to the board", "", None, None),
    ("Digitise purchase orders", "orders placed electronically (%)", "90", "62"),
]
EVIDENCE = [
    "Said so in the last quarterly business review.",
    "Told our service lead over lunch; confirmed by email.",
    "Signed off the last framework agreement.",
    "Our coach describes them this way.",
    "Raised it in the steering meeting minutes.",
    "Visible in their annual report and confirmed on a call.",
]
SUMMARIES = [
    "Quarterly business review: delivery performance and next year's volumes.",
    "Site visit with our engineering team; agreed a trial on line 2.",
    "Call about the price index clause; they want a cap.",
    "Lunch; heard that a rival offered a consignment stock.",
    "Executive sponsor meeting on the joint cost-reduction programme.",
    "Workshop on their sustainability targets and our packaging options.",
    "Follow-up on the late shipments complaint; shared the corrective plan.",
    "Introduced our new account team member.",
]
CHANNELS = ["meeting", "meeting", "video", "phone", "email"]
FREQUENCIES = [14, 30, 30, 45, 60, 90]

# text, metric, target, current (as GOALS)
Goal = tuple[str, str, str | None, str | None]
# The deliberate gaps, in the order the accounts of each designation get them.
DELIBERATE_GAPS: dict[str, list[str]] = {
    Designation.STRATEGIC: ["", "no_coach", "high_influence_detractor"],
    Designation.PILOT: ["no_economic_buyer"],
}


@dataclass
class _Map:
    """One account's people before saving, with their parent by index."""

    account: Account
    people: list[Contact] = field(default_factory=list)
    parents: list[int | None] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    goal_rows: list[tuple[int, int, Goal]] = field(default_factory=list)
    neglected: set[int] = field(default_factory=set)

    def add(self, contact: Contact, *, level: int, parent: int | None) -> int:
        """Add a person; their index in the map."""
        self.people.append(contact)
        self.parents.append(parent)
        self.levels.append(level)
        return len(self.people) - 1


@dataclass(frozen=True)
class _Role:
    """What the map says of a person beyond their title; None: drawn at random."""

    influence: str | None = None
    attitude: str | None = None
    strength: int | None = None
    is_economic_buyer: bool = False
    is_user_buyer: bool = False
    is_technical_buyer: bool = False
    is_coach: bool = False


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {len(used)}"
    used.add(name)
    return name


@dataclass
class _KeyMapBuilder:
    """Draws the people of a key account's map, one by one, from `rng`."""

    rng: random.Random
    account: Account
    holders: list[User]
    as_of: date
    gap: str
    map: _Map = field(init=False)
    used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.map = _Map(account=self.account)

    def add(self, title: str, level: int, parent: int | None, role: _Role) -> int:
        """Add a person at `level` (0 the top) under `parent`. Every random value is drawn
        whether or not `role` sets it, so a role does not shift the rest of the demo."""
        rng = self.rng
        strength = rng.randint(2, 5)
        frequency = rng.choice(FREQUENCIES) if level < 2 else rng.choice([60, 90, 120])
        verified_days = rng.choice([20, 45, 90, 150, 200, 300, 420])
        name = _name(rng, self.used)
        attitude = rng.choice(["supporter", "supporter", "neutral"])
        contact = Contact(
            account=self.account,
            name=name,
            title=title,
            influence=role.influence or ["high", "high", "medium", "low"][min(level, 3)],
            attitude=role.attitude or attitude,
            preferred_channel=rng.choice(["email", "phone", "meeting", "video"]),
            contact_frequency_days=frequency,
            primary_contact=self.holders[0] if level == 0 else rng.choice(self.holders),
            relationship_strength=role.strength if role.strength is not None else strength,
            evidence=rng.choice(EVIDENCE),
            evidence_verified_on=self.as_of - timedelta(days=verified_days),
            is_active=True,
            is_economic_buyer=role.is_economic_buyer,
            is_user_buyer=role.is_user_buyer,
            is_technical_buyer=role.is_technical_buyer,
            is_coach=role.is_coach,
        )
        return self.map.add(contact, level=level, parent=parent)

    def executive_role(self, area: str) -> _Role:
        """The buying role of an executive of `area`, with the map's deliberate gap."""
        if area == "finance":
            return _Role(is_economic_buyer=self.gap != "no_economic_buyer")
        if area == "technical" and self.gap == "high_influence_detractor":
            return _Role(
                influence="high", attitude="detractor", strength=1, is_technical_buyer=True
            )
        if area == "technical":
            return _Role(is_technical_buyer=True)
        return _Role(is_user_buyer=area == "operations")

    def top_and_executives(self) -> list[tuple[int, str]]:
        """The top person and three or four executives under them: (index, area) each."""
        rng = self.rng
        top = self.add(
            rng.choice(TOP_TITLES),
            0,
            None,
            _Role(is_economic_buyer=self.gap != "no_economic_buyer"),
        )
        return [
            (self.add(title, 1, top, self.executive_role(area)), area)
            for title, area in rng.sample(EXECUTIVE_TITLES, rng.randint(3, 4))
        ]

    def managers_and_staff(self, executives: list[tuple[int, str]], size: int) -> None:
        """Managers under the executives, zero to two staff each, until `size` people; the
        first manager is the coach (unless the gap is 'no_coach')."""
        rng = self.rng
        coach_placed = self.gap == "no_coach"
        while len(self.map.people) < size:
            parent, area = rng.choice(executives)
            title = rng.choice(MANAGER_TITLES[area])
            role = _Role(
                is_user_buyer=area == "operations" and rng.random() < 0.6,
                is_technical_buyer=area == "technical",
                is_coach=not coach_placed,
                attitude="supporter" if not coach_placed else rng.choice(["supporter", "neutral"]),
            )
            manager = self.add(title, 2, parent, role)
            coach_placed = True
            for _ in range(rng.randint(0, 2)):
                if len(self.map.people) >= size:
                    break
                title = rng.choice(STAFF_TITLES[area])
                role = _Role(
                    is_user_buyer=rng.random() < 0.4,
                    attitude=rng.choice(["supporter", "neutral", "neutral", "detractor"]),
                )
                self.add(title, 3, manager, role)


def _is_influencer(contact: Contact) -> bool:
    return contact.influence == "high" or any(
        (
            contact.is_economic_buyer,
            contact.is_user_buyer,
            contact.is_technical_buyer,
            contact.is_coach,
        )
    )


def _goals_and_neglect(*, rng: random.Random, plan: _Map) -> None:
    """Influencers get one to three goals, except one left without (a gap to show); a few
    people nobody has been in touch with lately (overdue)."""
    skip = rng.randrange(1, len(plan.people))
    for index, contact in enumerate(plan.people):
        if not _is_influencer(contact) or index == skip:
            continue
        for position, goal in enumerate(rng.sample(GOALS, rng.randint(1, 3)), start=1):
            plan.goal_rows.append((index, position, goal))
    plan.neglected = set(rng.sample(range(1, len(plan.people)), k=min(3, len(plan.people) - 1)))


def _key_map(
    *, rng: random.Random, account: Account, holders: list[User], as_of: date, gap: str
) -> _Map:
    """A full buying-influence map; `gap` names a deliberate gap ('' for none)."""
    is_strategic = account.designation == Designation.STRATEGIC
    size = rng.randint(12, 25) if is_strategic else rng.randint(8, 14)
    builder = _KeyMapBuilder(rng=rng, account=account, holders=holders, as_of=as_of, gap=gap)
    executives = builder.top_and_executives()
    builder.managers_and_staff(executives, size)
    plan = builder.map
    # One person left the company: they stay in the history, inactive.
    if size > 10:
        plan.people[-1].is_active = False
    _goals_and_neglect(rng=rng, plan=plan)
    return plan


def _small_map(*, rng: random.Random, account: Account, as_of: date) -> _Map:
    plan = _Map(account=account)
    used: set[str] = set()
    for index in range(rng.randint(0, 3)):
        contact = Contact(
            account=account,
            name=_name(rng, used),
            title=rng.choice(["Head of Purchasing", "Buyer", "Plant Manager", "Owner"]),
            is_user_buyer=index == 0,
            is_economic_buyer=index == 0 and rng.random() < 0.3,
            influence=rng.choice(["medium", "low"]),
            attitude=rng.choice(["supporter", "neutral", "neutral"]),
            preferred_channel=rng.choice(["email", "phone"]),
            contact_frequency_days=rng.choice([90, 180, 365]),
            primary_contact=account.owner,
            relationship_strength=rng.randint(1, 4),
            evidence_verified_on=as_of - timedelta(days=rng.randint(30, 700))
            if rng.random() < 0.5
            else None,
        )
        plan.add(contact, level=0, parent=None)
    return plan


def _last_touch_days(*, rng: random.Random, plan: _Map, index: int, is_key: bool) -> int | None:
    """Days since the person was last in touch; None for no interaction at all. Most key
    people are in touch within their frequency; neglected people are not."""
    frequency = plan.people[index].contact_frequency_days
    if is_key and index in plan.neglected:
        return frequency + rng.randint(20, 120)
    if is_key:
        return rng.randint(0, max(1, frequency - 5))
    if rng.random() < 0.5:
        return None
    return rng.randint(0, 300)


def _interactions(
    *, rng: random.Random, plan: _Map, holders: list[User], as_of: date, is_key: bool
) -> list[tuple[Interaction, list[int]]]:
    """Interactions over the past year, with the indexes of the people in each."""
    rows: list[tuple[Interaction, list[int]]] = []
    active = [i for i, contact in enumerate(plan.people) if contact.is_active]
    for index in active:
        contact = plan.people[index]
        touches = rng.randint(2, 6) if is_key else 1
        last_gap = _last_touch_days(rng=rng, plan=plan, index=index, is_key=is_key)
        if last_gap is None:
            continue
        for touch in range(touches):
            days_ago = min(364, last_gap + touch * rng.randint(20, 60))
            others = [index]
            if is_key and rng.random() < 0.3 and len(active) > 1:
                others.append(rng.choice([i for i in active if i != index]))
            user = contact.primary_contact if rng.random() < 0.7 else rng.choice(holders)
            interaction = Interaction(
                account=plan.account,
                user=user,
                date=as_of - timedelta(days=days_ago),
                channel=rng.choice(CHANNELS),
                summary=rng.choice(SUMMARIES),
            )
            rows.append((interaction, sorted(set(others))))
    return rows


def _team_by_account(key_ids: list[int]) -> dict[int, list[User]]:
    team: dict[int, list[User]] = defaultdict(list)
    for member in (
        TeamMember.objects.filter(account_id__in=key_ids)
        .select_related("user")
        .order_by("account_id", "user__username")
    ):
        team[member.account_id].append(member.user)
    return team


def _maps(*, rng: random.Random, portfolio: DemoPortfolio) -> list[tuple[_Map, list[User], bool]]:
    """Every account's map, the people who hold its relationships, and whether it is key."""
    key_ids = [account.pk for account in portfolio.accounts if is_key_account(account)]
    team = _team_by_account(key_ids)
    gaps = {designation: list(queue) for designation, queue in DELIBERATE_GAPS.items()}
    maps: list[tuple[_Map, list[User], bool]] = []
    for account in portfolio.accounts:
        if is_key_account(account):
            holders = [account.owner, *team[account.pk]]
            queue = gaps[account.designation]
            gap = queue.pop(0) if queue else ""
            plan = _key_map(
                rng=rng, account=account, holders=holders, as_of=portfolio.as_of, gap=gap
            )
            maps.append((plan, holders, True))
        else:
            plan = _small_map(rng=rng, account=account, as_of=portfolio.as_of)
            maps.append((plan, [account.owner], False))
    return maps


def _contacts_save(maps: list[_Map]) -> None:
    """Save level by level, so every manager has its id before their reports are written."""
    depth = max((max(plan.levels, default=0) for plan in maps), default=0)
    for level in range(depth + 1):
        batch = []
        for plan in maps:
            for index, contact in enumerate(plan.people):
                if plan.levels[index] != level:
                    continue
                parent = plan.parents[index]
                if parent is not None:
                    contact.reports_to = plan.people[parent]
                # the key a CRM would give them (the contacts import's key)
                contact.external_id = f"{plan.account.external_id}-P{index + 1:03d}"
                batch.append(contact)
        Contact.objects.bulk_create(batch, batch_size=2000)


def _goals_save(maps: list[_Map]) -> None:
    goals = [
        ContactGoal(
            contact=plan.people[index],
            position=position,
            text=text,
            metric=metric,
            target=Decimal(target) if target is not None else None,
            current=Decimal(current) if current is not None else None,
        )
        for plan in maps
        for index, position, (text, metric, target, current) in plan.goal_rows
    ]
    ContactGoal.objects.bulk_create(goals, batch_size=5000)


def _interactions_save(
    *, rng: random.Random, maps: list[tuple[_Map, list[User], bool]], as_of: date
) -> None:
    pairs: list[tuple[Interaction, list[int], _Map]] = []
    for plan, holders, is_key in maps:
        for interaction, indexes in _interactions(
            rng=rng, plan=plan, holders=holders, as_of=as_of, is_key=is_key
        ):
            pairs.append((interaction, indexes, plan))
    Interaction.objects.bulk_create([pair[0] for pair in pairs], batch_size=2000)
    through = Interaction.contacts.through
    links = [
        through(interaction_id=interaction.pk, contact_id=plan.people[index].pk)
        for interaction, indexes, plan in pairs
        for index in indexes
    ]
    through.objects.bulk_create(links, batch_size=5000)


INFLUENCE_NOTES = (
    "Worked together for years; the buyer asks their view before every decision.",
    "Runs the evaluation the buyer signs off.",
    "Sits on the steering committee with them.",
)


def _influences_save(maps: list[tuple[_Map, list[User], bool]]) -> None:
    """On key accounts, two or three lines of influence beyond the reporting line, one of
    them into the economic buyer. Drawn from a generator of their own (seeded by the
    account's external id), so the rest of the demo stays as it was."""
    lines = []
    for plan, _holders, is_key in maps:
        people = [c for c in plan.people if c.is_active]
        if not is_key or len(people) < 4:
            continue
        local = random.Random(f"influence-{plan.account.external_id}")  # noqa: S311 - demo data
        buyers = [c for c in people if c.is_economic_buyer] or people[:1]
        others = [c for c in people if c not in buyers]
        pairs = {(local.choice(others).pk, buyers[0].pk)}
        for _ in range(local.randint(1, 2)):
            source, target = local.sample(people, 2)
            pairs.add((source.pk, target.pk))
        lines += [
            ContactInfluence(
                account=plan.account,
                source_id=source_id,
                target_id=target_id,
                strength=local.randint(2, 5),
                note=local.choice(INFLUENCE_NOTES),
            )
            for source_id, target_id in sorted(pairs)
        ]
    ContactInfluence.objects.bulk_create(lines, batch_size=2000)


def relationships_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Add buying-influence maps, lines of influence and interactions to the demo
    portfolio."""
    maps = _maps(rng=rng, portfolio=portfolio)
    _contacts_save([plan for plan, _, _ in maps])
    _goals_save([plan for plan, _, _ in maps])
    _interactions_save(rng=rng, maps=maps, as_of=portfolio.as_of)
    _influences_save(maps)
