"""Deterministic demo portfolio: users of every role and a realistic mix of accounts.

The other apps add their data to the same portfolio in their own `demo.py` (see the
`seed_demo` command). Everything derives from one `random.Random(seed)`, so the same seed
always gives the same portfolio; bulk inserts keep 10,000 accounts quick.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import (
    Account,
    AccountLocation,
    Designation,
    KnowledgeArea,
    KnowledgeEntry,
    LocationKind,
    TeamFunction,
    TeamMember,
)
from kam.roles import Role

User = get_user_model()

DEMO_PASSWORD = "kam-demo-2026"  # noqa: S105 (public demo password, printed by seed_demo)

# username, first name, last name, roles, superuser
DEMO_USERS: list[tuple[str, str, str, tuple[str, ...], bool]] = [
    ("alice", "Alice", "Martin", (Role.ACCOUNT_MANAGER,), False),
    ("bob", "Bob", "Okafor", (Role.ACCOUNT_MANAGER,), False),
    ("carol", "Carol", "Nguyen", (Role.ACCOUNT_MANAGER,), False),
    ("dave", "Dave", "Schmidt", (Role.ACCOUNT_MANAGER,), False),
    ("erin", "Erin", "Walsh", (Role.EXECUTIVE,), False),
    ("frank", "Frank", "Ito", (Role.EXECUTIVE,), False),
    ("olga", "Olga", "Petrova", (Role.OPS,), False),
    ("admin", "Ada", "Admin", (), True),
]
MANAGERS = ["alice", "bob", "carol", "dave"]

NAME_FIRST = [
    "Northwind", "Blue Ridge", "Harbor", "Summit", "Granite", "Riverside", "Atlas", "Pioneer",
    "Evergreen", "Cobalt", "Meridian", "Keystone", "Silverline", "Oakmont", "Redwood", "Lakeshore",
    "Crescent", "Ironbridge", "Westfield", "Brightwater", "Falcon", "Horizon", "Sterling", "Beacon",
]
NAME_SECOND = [
    "Logistics", "Foods", "Manufacturing", "Health", "Retail", "Energy", "Pharma", "Packaging",
    "Automotive", "Chemicals", "Hospitality", "Paper", "Aerospace", "Telecom", "Textiles", "Steel",
]
INDUSTRY_OF = {
    "Logistics": "Transport & logistics", "Foods": "Food & beverage", "Manufacturing": "Industrial",
    "Health": "Healthcare", "Retail": "Retail", "Energy": "Energy", "Pharma": "Pharmaceuticals",
    "Packaging": "Packaging", "Automotive": "Automotive", "Chemicals": "Chemicals",
    "Hospitality": "Hospitality", "Paper": "Paper & forest products", "Aerospace": "Aerospace",
    "Telecom": "Telecommunications", "Textiles": "Textiles", "Steel": "Metals",
}
REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America", "Middle East & Africa"]
SITES = ["Head office", "Main plant", "Distribution centre", "East plant", "Research campus"]
KNOWLEDGE = {
    KnowledgeArea.ORGANISATION: ("Organisation chart reviewed", "Procurement reports to the CFO."),
    KnowledgeArea.SUPPLIERS: ("Key suppliers", "Two packaging suppliers, one under review."),
    KnowledgeArea.CUSTOMERS: ("Their largest customers", "Three national retail chains."),
    KnowledgeArea.COMPETITORS: ("Their competitors", "Losing share to a low-cost importer."),
    KnowledgeArea.ALLIANCES: ("Joint ventures", "JV with a regional distributor in the south."),
    KnowledgeArea.OUR_COMPETITORS: ("Our rivals here", "A rival bid on the last tender."),
}


@dataclass
class DemoPortfolio:
    """What the other apps' demo seeders build on."""

    users: dict[str, Any]
    accounts: list[Account]
    as_of: date
    strategic: list[Account] = field(default_factory=list)


def demo_users_ensure() -> dict[str, Any]:
    """Create the demo users if missing (idempotent) and return them by username."""
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    users: dict[str, Any] = {}
    for username, first, last, roles, is_superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_superuser=is_superuser,
                is_staff=is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[role] for role in roles])
        users[username] = user
    return users


def _designations(count: int) -> list[str]:
    """A handful of strategic and pilot accounts among many transactional ones."""
    strategic = max(3, round(count * 0.02))
    pilot = max(2, round(count * 0.005))
    candidate = max(3, round(count * 0.01))
    exit_ = max(1, round(count * 0.005))
    plan = (
        [Designation.STRATEGIC] * strategic
        + [Designation.PILOT] * pilot
        + [Designation.CANDIDATE] * candidate
        + [Designation.EXIT] * exit_
    )
    plan += [Designation.TRANSACTIONAL] * max(0, count - len(plan))
    return [str(value) for value in plan[:count]]


def demo_accounts_seed(
    *, rng: random.Random, users: dict[str, Any], count: int
) -> list[Account]:
    """Bulk-create `count` accounts with locations, knowledge and teams."""
    designations = _designations(count)
    accounts: list[Account] = []
    for index, designation in enumerate(designations):
        first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
        is_key = designation in (Designation.STRATEGIC, Designation.PILOT)
        # The first strategic accounts belong to alice so the demo shows her portfolio.
        owner = users[MANAGERS[0]] if index < 2 else users[MANAGERS[index % len(MANAGERS)]]
        accounts.append(
            Account(
                external_id=f"ACC-{index + 1:05d}",
                name=f"{first} {second}" + ("" if index < 40 else f" {index + 1}"),
                industry=INDUSTRY_OF[second],
                region=rng.choice(REGIONS),
                designation=designation,
                owner=owner,
                buying_hierarchy_level=rng.randint(3, 4) if is_key else rng.randint(1, 2),
                continuum_position=rng.randint(60, 95) if is_key else rng.randint(0, 40),
            )
        )
    Account.objects.bulk_create(accounts, batch_size=2000)
    accounts = list(Account.objects.order_by("id").select_related("owner"))

    locations: list[AccountLocation] = []
    knowledge: list[KnowledgeEntry] = []
    team: list[TeamMember] = []
    functions = [TeamFunction.SERVICE, TeamFunction.FINANCE, TeamFunction.ENGINEERING]
    for account in accounts:
        is_key = account.designation in (Designation.STRATEGIC, Designation.PILOT)
        for name in SITES[: rng.randint(2, 4) if is_key else 1]:
            locations.append(AccountLocation(account=account, name=name, kind=LocationKind.SITE))
        if not is_key:
            continue
        areas = list(KNOWLEDGE)[: rng.randint(3, 6)]
        for area in areas:
            title, detail = KNOWLEDGE[area]
            knowledge.append(
                KnowledgeEntry(account=account, area=area, title=title, detail=detail)
            )
        others = [name for name in MANAGERS if name != account.owner.username]
        for name, function in zip(rng.sample(others, 2), functions, strict=False):
            team.append(TeamMember(account=account, user=users[name], function=function))
        team.append(
            TeamMember(
                account=account,
                user=users["erin"],
                function=TeamFunction.EXECUTIVE,
                is_executive_sponsor=True,
            )
        )
    AccountLocation.objects.bulk_create(locations, batch_size=5000)
    KnowledgeEntry.objects.bulk_create(knowledge, batch_size=5000)
    TeamMember.objects.bulk_create(team, batch_size=5000)
    return accounts
