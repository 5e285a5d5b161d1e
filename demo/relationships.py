"""Demo buying-influence maps, added to the portfolio built by accounts.demo (see seed_demo).

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
from typing import Any

from accounts.demo import DemoPortfolio
from accounts.models import Account, Designation, TeamMember
from relationships.models import Contact, ContactGoal, Interaction

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


@dataclass
class _Plan:
    """One account's people before saving, with their parent by index."""

    account: Account
    people: list[Contact] = field(default_factory=list)
    parents: list[int | None] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    goal_rows: list[tuple[int, int, tuple[str, str, str | None, str | None]]] = field(
        default_factory=list
    )
    neglected: set[int] = field(default_factory=set)


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {len(used)}"
    used.add(name)
    return name


def _key_map(
    *, rng: random.Random, account: Account, holders: list[Any], as_of: date, gap: str
) -> _Plan:
    """A full buying-influence map; `gap` names a deliberate gap ('' for none)."""
    plan = _Plan(account=account)
    used: set[str] = set()
    size = (
        rng.randint(12, 25)
        if account.designation == Designation.STRATEGIC
        else (rng.randint(8, 14))
    )

    def add(title: str, level: int, parent: int | None, **flags: Any) -> int:
        strength = flags.pop("strength", rng.randint(2, 5))
        frequency = rng.choice(FREQUENCIES) if level < 2 else rng.choice([60, 90, 120])
        verified_days = rng.choice([20, 45, 90, 150, 200, 300, 420])
        contact = Contact(
            account=account,
            name=_name(rng, used),
            title=title,
            influence=flags.pop("influence", ["high", "high", "medium", "low"][min(level, 3)]),
            attitude=flags.pop("attitude", rng.choice(["supporter", "supporter", "neutral"])),
            preferred_channel=rng.choice(["email", "phone", "meeting", "video"]),
            contact_frequency_days=frequency,
            primary_contact=holders[0] if level == 0 else rng.choice(holders),
            relationship_strength=strength,
            evidence=rng.choice(EVIDENCE),
            evidence_verified_on=as_of - timedelta(days=verified_days),
            is_active=True,
            **flags,
        )
        plan.people.append(contact)
        plan.parents.append(parent)
        plan.levels.append(level)
        return len(plan.people) - 1

    top = add(rng.choice(TOP_TITLES), 0, None, is_economic_buyer=gap != "no_economic_buyer")
    executives: list[tuple[int, str]] = []
    for title, area in rng.sample(EXECUTIVE_TITLES, rng.randint(3, 4)):
        flags: dict[str, Any] = {}
        if area == "finance" and gap != "no_economic_buyer":
            flags["is_economic_buyer"] = True
        if area == "technical":
            flags["is_technical_buyer"] = True
            if gap == "high_influence_detractor":
                flags.update(influence="high", attitude="detractor", strength=1)
        if area == "operations":
            flags["is_user_buyer"] = True
        executives.append((add(title, 1, top, **flags), area))
    coach_placed = gap == "no_coach"
    while len(plan.people) < size:
        parent, area = rng.choice(executives)
        manager = add(
            rng.choice(MANAGER_TITLES[area]),
            2,
            parent,
            is_user_buyer=area == "operations" and rng.random() < 0.6,
            is_technical_buyer=area == "technical",
            is_coach=not coach_placed,
            attitude="supporter" if not coach_placed else rng.choice(["supporter", "neutral"]),
        )
        coach_placed = True
        for _ in range(rng.randint(0, 2)):
            if len(plan.people) >= size:
                break
            add(
                rng.choice(STAFF_TITLES[area]),
                3,
                manager,
                is_user_buyer=rng.random() < 0.4,
                attitude=rng.choice(["supporter", "neutral", "neutral", "detractor"]),
            )
    # One person left the company: they stay in the history, inactive.
    if size > 10:
        plan.people[-1].is_active = False
    # Goals: influencers get one to three, except one left without (a gap to show).
    skip = rng.randrange(1, len(plan.people))
    for index, contact in enumerate(plan.people):
        is_influencer = contact.influence == "high" or any(
            (
                contact.is_economic_buyer,
                contact.is_user_buyer,
                contact.is_technical_buyer,
                contact.is_coach,
            )
        )
        if not is_influencer or index == skip:
            continue
        for position, goal in enumerate(rng.sample(GOALS, rng.randint(1, 3)), start=1):
            plan.goal_rows.append((index, position, goal))
    # A few people nobody has been in touch with lately (overdue).
    plan.neglected = set(rng.sample(range(1, len(plan.people)), k=min(3, len(plan.people) - 1)))
    return plan


def _small_map(*, rng: random.Random, account: Account, as_of: date) -> _Plan:
    plan = _Plan(account=account)
    used: set[str] = set()
    for index in range(rng.randint(0, 3)):
        plan.people.append(
            Contact(
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
        )
        plan.parents.append(None)
        plan.levels.append(0)
    return plan


def _interactions(
    *, rng: random.Random, plan: _Plan, holders: list[Any], as_of: date, is_key: bool
) -> list[tuple[Interaction, list[int]]]:
    """Interactions over the past year; neglected people last heard of long ago."""
    rows: list[tuple[Interaction, list[int]]] = []
    active = [i for i, contact in enumerate(plan.people) if contact.is_active]
    for index in active:
        contact = plan.people[index]
        if is_key:
            touches = rng.randint(2, 6)
            # Most are in touch within their frequency; neglected people are not.
            last_gap = (
                contact.contact_frequency_days + rng.randint(20, 120)
                if index in plan.neglected
                else rng.randint(0, max(1, contact.contact_frequency_days - 5))
            )
        else:
            if rng.random() < 0.5:
                continue
            touches, last_gap = 1, rng.randint(0, 300)
        for touch in range(touches):
            days_ago = min(364, last_gap + touch * rng.randint(20, 60))
            others = [index]
            if is_key and rng.random() < 0.3 and len(active) > 1:
                others.append(rng.choice([i for i in active if i != index]))
            user = contact.primary_contact if rng.random() < 0.7 else rng.choice(holders)
            rows.append(
                (
                    Interaction(
                        account=plan.account,
                        user=user,
                        date=as_of - timedelta(days=days_ago),
                        channel=rng.choice(CHANNELS),
                        summary=rng.choice(SUMMARIES),
                    ),
                    sorted(set(others)),
                )
            )
    return rows


def demo_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Add buying-influence maps and interactions to the demo portfolio."""
    as_of = portfolio.as_of
    accounts = portfolio.accounts
    key_ids = [
        a.pk for a in accounts if a.designation in (Designation.STRATEGIC, Designation.PILOT)
    ]
    team: dict[int, list[Any]] = defaultdict(list)
    for member in (
        TeamMember.objects.filter(account_id__in=key_ids)
        .select_related("user")
        .order_by("account_id", "user__username")
    ):
        team[member.account_id].append(member.user)
    deliberate = {
        "strategic": ["", "no_coach", "high_influence_detractor"],
        "pilot": ["no_economic_buyer"],
    }
    plans: list[tuple[_Plan, list[Any], bool]] = []
    for account in accounts:
        is_key = account.designation in (Designation.STRATEGIC, Designation.PILOT)
        if is_key:
            holders = [account.owner, *team[account.pk]]
            queue = deliberate[account.designation]
            gap = queue.pop(0) if queue else ""
            plan = _key_map(rng=rng, account=account, holders=holders, as_of=as_of, gap=gap)
        else:
            holders = [account.owner]
            plan = _small_map(rng=rng, account=account, as_of=as_of)
        plans.append((plan, holders, is_key))

    # Save level by level, so every manager has its id before their reports are written.
    depth = max((max(plan.levels, default=0) for plan, _, _ in plans), default=0)
    for level in range(depth + 1):
        batch = []
        for plan, _, _ in plans:
            for index, contact in enumerate(plan.people):
                if plan.levels[index] != level:
                    continue
                parent = plan.parents[index]
                if parent is not None:
                    contact.reports_to = plan.people[parent]
                batch.append(contact)
        Contact.objects.bulk_create(batch, batch_size=2000)

    goals = [
        ContactGoal(
            contact=plan.people[index],
            position=position,
            text=text,
            metric=metric,
            target=Decimal(target) if target is not None else None,
            current=Decimal(current) if current is not None else None,
        )
        for plan, _, _ in plans
        for index, position, (text, metric, target, current) in plan.goal_rows
    ]
    ContactGoal.objects.bulk_create(goals, batch_size=5000)

    pairs: list[tuple[Interaction, list[int], _Plan]] = []
    for plan, holders, is_key in plans:
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
