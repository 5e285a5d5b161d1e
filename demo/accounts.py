"""Demo accounts: a realistic mix of designations, with locations, knowledge and teams.

Everything derives from one `random.Random(seed)`, so the same seed always gives the same
portfolio; bulk inserts keep 10,000 accounts quick.
"""

from __future__ import annotations

import random

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
from demo.context import is_key_account
from demo.users import CHINESE_MANAGER, MANAGERS
from kam.types import User

NAME_FIRST = [
    "Northwind",
    "Blue Ridge",
    "Harbor",
    "Summit",
    "Granite",
    "Riverside",
    "Atlas",
    "Pioneer",
    "Evergreen",
    "Cobalt",
    "Meridian",
    "Keystone",
    "Silverline",
    "Oakmont",
    "Redwood",
    "Lakeshore",
    "Crescent",
    "Ironbridge",
    "Westfield",
    "Brightwater",
    "Falcon",
    "Horizon",
    "Sterling",
    "Beacon",
]
NAME_SECOND = [
    "Logistics",
    "Foods",
    "Manufacturing",
    "Health",
    "Retail",
    "Energy",
    "Pharma",
    "Packaging",
    "Automotive",
    "Chemicals",
    "Hospitality",
    "Paper",
    "Aerospace",
    "Telecom",
    "Textiles",
    "Steel",
]
INDUSTRY_OF = {
    "Logistics": "Transport & logistics",
    "Foods": "Food & beverage",
    "Manufacturing": "Industrial",
    "Health": "Healthcare",
    "Retail": "Retail",
    "Energy": "Energy",
    "Pharma": "Pharmaceuticals",
    "Packaging": "Packaging",
    "Automotive": "Automotive",
    "Chemicals": "Chemicals",
    "Hospitality": "Hospitality",
    "Paper": "Paper & forest products",
    "Aerospace": "Aerospace",
    "Telecom": "Telecommunications",
    "Textiles": "Textiles",
    "Steel": "Metals",
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
TEAM_FUNCTIONS = [TeamFunction.SERVICE, TeamFunction.FINANCE, TeamFunction.ENGINEERING]


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


def _account(
    *, rng: random.Random, users: dict[str, User], index: int, designation: str
) -> Account:
    first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
    is_key = designation in (Designation.STRATEGIC, Designation.PILOT)
    # The first strategic accounts belong to alice so the demo shows her portfolio.
    owner = users[MANAGERS[0]] if index < 2 else users[MANAGERS[index % len(MANAGERS)]]
    if index >= 40 and index % 10 == 5:
        owner = users[CHINESE_MANAGER]  # a few transactional accounts of her own
    return Account(
        external_id=f"ACC-{index + 1:05d}",
        name=f"{first} {second}" + ("" if index < 40 else f" {index + 1}"),
        industry=INDUSTRY_OF[second],
        region=rng.choice(REGIONS),
        designation=designation,
        owner=owner,
        buying_hierarchy_level=rng.randint(3, 4) if is_key else rng.randint(1, 2),
        continuum_position=rng.randint(60, 95) if is_key else rng.randint(0, 40),
    )


def _locations(*, rng: random.Random, account: Account) -> list[AccountLocation]:
    """Key accounts have two to four sites, the others one."""
    count = rng.randint(2, 4) if is_key_account(account) else 1
    return [
        AccountLocation(account=account, name=name, kind=LocationKind.SITE)
        for name in SITES[:count]
    ]


def _knowledge(*, rng: random.Random, account: Account) -> list[KnowledgeEntry]:
    """Three to six of the knowledge areas filled in (key accounts only)."""
    entries = []
    for area in list(KNOWLEDGE)[: rng.randint(3, 6)]:
        title, detail = KNOWLEDGE[area]
        entries.append(KnowledgeEntry(account=account, area=area, title=title, detail=detail))
    return entries


def _team(*, rng: random.Random, account: Account, users: dict[str, User]) -> list[TeamMember]:
    """Two other managers and erin as executive sponsor (key accounts only)."""
    others = [name for name in MANAGERS if name != account.owner.username]
    team = [
        TeamMember(account=account, user=users[name], function=function)
        for name, function in zip(rng.sample(others, 2), TEAM_FUNCTIONS, strict=False)
    ]
    team.append(
        TeamMember(
            account=account,
            user=users["erin"],
            function=TeamFunction.EXECUTIVE,
            is_executive_sponsor=True,
        )
    )
    return team


def accounts_seed(*, rng: random.Random, users: dict[str, User], count: int) -> list[Account]:
    """Bulk-create `count` accounts with locations, knowledge and teams; the accounts in id
    order, their owners loaded."""
    Account.objects.bulk_create(
        [
            _account(rng=rng, users=users, index=index, designation=designation)
            for index, designation in enumerate(_designations(count))
        ],
        batch_size=2000,
    )
    accounts = list(Account.objects.order_by("id").select_related("owner"))
    locations: list[AccountLocation] = []
    knowledge: list[KnowledgeEntry] = []
    team: list[TeamMember] = []
    key_accounts = 0
    for account in accounts:
        locations += _locations(rng=rng, account=account)
        if is_key_account(account):
            knowledge += _knowledge(rng=rng, account=account)
            team += _team(rng=rng, account=account, users=users)
            key_accounts += 1
            if key_accounts <= 2:  # mei on the first two key accounts' teams (alice's)
                team.append(
                    TeamMember(
                        account=account, user=users[CHINESE_MANAGER], function=TeamFunction.SALES
                    )
                )
    AccountLocation.objects.bulk_create(locations, batch_size=5000)
    KnowledgeEntry.objects.bulk_create(knowledge, batch_size=5000)
    TeamMember.objects.bulk_create(team, batch_size=5000)
    return accounts
