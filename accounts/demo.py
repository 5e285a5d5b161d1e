"""Deterministic demo portfolio: users of every role and a realistic mix of accounts.

The other apps add their data to the same portfolio in their own `demo.py` (see the
`seed_demo` command). Everything derives from one `random.Random(seed)`, so the same seed
always gives the same portfolio; bulk inserts keep 10,000 accounts quick.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import (
    COMPETENCY_DIMENSIONS,
    Account,
    AccountEvent,
    AccountLocation,
    AccountPlan,
    Assessment,
    AssessmentDimension,
    CompetencyAssessment,
    Complaint,
    CriterionScore,
    Designation,
    DesignationRequest,
    EventKind,
    KnowledgeArea,
    KnowledgeEntry,
    LocationKind,
    PayMix,
    PlanAction,
    PlanObjective,
    PlanStatus,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
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


def demo_accounts_seed(*, rng: random.Random, users: dict[str, Any], count: int) -> list[Account]:
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
        locations.extend(
            AccountLocation(account=account, name=name, kind=LocationKind.SITE)
            for name in SITES[: rng.randint(2, 4) if is_key else 1]
        )
        if not is_key:
            continue
        areas = list(KNOWLEDGE)[: rng.randint(3, 6)]
        for area in areas:
            title, detail = KNOWLEDGE[area]
            knowledge.append(KnowledgeEntry(account=account, area=area, title=title, detail=detail))
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


# --- plans, voice of the customer, selection governance (issue 4) ----------------------------

CRITERIA = [
    ("Fit with our capabilities", "The work they need is what we do best.", "3"),
    ("Growth potential", "Room to grow our share of their spend.", "2.5"),
    ("Profitability", "Margin after the cost to serve.", "2"),
    ("Relationship access", "Access to the economic buyer and senior management.", "1.5"),
    ("Strategic value", "Reference value, learning, entry to a market.", "1"),
]
COMPLAINT_CATEGORIES = ["delivery", "billing", "quality", "service response", "documentation"]
DIMENSIONS = ["Service quality", "Relationship quality", "On-time delivery"]


def demo_keys_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Plans, assessments, complaints, events, criteria scores, qualifying answers,
    designation requests and review meetings for the key accounts only (strategic, pilot,
    candidate), so 10,000 accounts stay quick. Dates are relative to `portfolio.as_of`.

    Shown on purpose: plans in every state (submitted, returned draft, approved, draft);
    a declining assessment trend on the first strategic account (with a competitor
    evaluation); recurring delivery complaints on the second; a pending request to move a
    candidate to pilot; two steering-committee meetings.
    """
    as_of = portfolio.as_of
    users = portfolio.users
    erin, frank = users["erin"], users["frank"]
    now = timezone.now()
    by_designation: dict[str, list[Account]] = {}
    for account in portfolio.accounts:
        by_designation.setdefault(account.designation, []).append(account)
    strategic = by_designation.get(Designation.STRATEGIC, [])
    pilots = by_designation.get(Designation.PILOT, [])
    candidates = by_designation.get(Designation.CANDIDATE, [])
    key = strategic + pilots
    portfolio.strategic = strategic

    # Plans: one for the current year per strategic and pilot account.
    start, end = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    cycle = ["submitted", "returned", "approved", "draft"]
    plans: list[AccountPlan] = []
    for index, account in enumerate(key):
        state = cycle[index % len(cycle)]
        status = PlanStatus.DRAFT if state in ("returned", "draft") else state
        plans.append(
            AccountPlan(
                account=account,
                period=str(as_of.year),
                period_start=start,
                period_end=end,
                status=status,
                vision=f"{account.name} sees us as its partner for {account.industry.lower()}.",
                value_proposition="Lower total cost and fewer disruptions through joint planning.",
                situation=f"We serve {rng.randint(2, 4)} sites; share of wallet about "
                f"{rng.randint(20, 45)} %. A rival is courting procurement.",
                strategy="Move from supplier to partner: joint service reviews, an executive "
                "sponsor, and a value report each quarter.",
                expansion="Extend to the remaining sites and the new product line next year.",
                version=1 if state == "draft" else (3 if state == "returned" else 2),
                return_comment="Make the share-of-wallet target measurable per site."
                if state == "returned"
                else "",
                submitted_at=now if state != "draft" else None,
                submitted_by=account.owner if state != "draft" else None,
                reviewed_at=now if state in ("returned", "approved") else None,
                reviewed_by=(erin if index % 2 else frank)
                if state in ("returned", "approved")
                else None,
            )
        )
    bulk_create_with_history(plans, AccountPlan, batch_size=1000, default_user=None)
    plans = list(
        AccountPlan.objects.filter(account__in=key, period=str(as_of.year)).select_related(
            "account"
        )
    )
    objectives: list[PlanObjective] = []
    actions: list[PlanAction] = []
    action_titles = [
        "Quarterly business review",
        "Executive sponsor visit",
        "Joint cost-reduction workshop",
        "Value report to the economic buyer",
    ]
    for plan in plans:
        share = rng.randint(20, 45)
        objectives += [
            PlanObjective(
                plan=plan,
                metric="Share of wallet (%)",
                target=Decimal(share + 10),
                current=Decimal(share),
            ),
            PlanObjective(
                plan=plan,
                metric="Customer satisfaction (0-10)",
                target=Decimal("8.5"),
                current=Decimal(rng.randint(60, 85)) / 10,
            ),
        ]
        for number, title in enumerate(action_titles):
            due = min(end, start + timedelta(days=60 + 90 * number + rng.randint(0, 20)))
            # Some actions due before as_of stay open: the overdue list has something to show.
            status = "done" if due < as_of and rng.random() < 0.6 else "open"
            owner = plan.account.owner if number % 2 == 0 else users[rng.choice(MANAGERS)]
            actions.append(PlanAction(plan=plan, title=title, owner=owner, due=due, status=status))
    bulk_create_with_history(objectives, PlanObjective, batch_size=2000)
    bulk_create_with_history(actions, PlanAction, batch_size=2000)

    # Assessments: quarterly, with expectation vs performance; the first strategic account
    # declines steadily.
    assessments: list[Assessment] = []
    for index, account in enumerate(key):
        declining = index == 0
        for quarter in range(4, 0, -1):
            if declining:
                score = Decimal(("8.6", "7.9", "6.8", "5.4")[4 - quarter])
            else:
                score = Decimal(rng.randint(65, 90)) / 10
            assessments.append(
                Assessment(
                    account=account,
                    kind=("business_review", "survey", "third_party")[quarter % 3],
                    date=as_of - timedelta(days=90 * (quarter - 1) + 20),
                    score=score,
                    notes="Declining since the service team changed." if declining else "",
                )
            )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    dimensions: list[AssessmentDimension] = []
    for assessment in Assessment.objects.filter(account__in=key):
        for name in DIMENSIONS:
            expectation = Decimal(rng.randint(80, 95)) / 10
            gap = Decimal(rng.randint(-25, 5)) / 10
            performance = max(Decimal(0), min(Decimal(10), assessment.score + gap))
            dimensions.append(
                AssessmentDimension(
                    assessment=assessment,
                    name=name,
                    expectation=expectation,
                    performance=performance,
                )
            )
    AssessmentDimension.objects.bulk_create(dimensions, batch_size=5000)

    # Complaints: a few per key account; recurring delivery problems on the second one.
    complaints: list[Complaint] = []
    for index, account in enumerate(key):
        if index == 1:
            complaints.extend(
                Complaint(
                    account=account,
                    category="delivery",
                    severity="high" if days < 30 else "medium",
                    opened_on=as_of - timedelta(days=days),
                    resolved_on=None if days < 30 else as_of - timedelta(days=days - 6),
                    description="Truck arrived outside the delivery window.",
                )
                for days in (8, 25, 47, 71)
            )
            continue
        for _ in range(rng.randint(0, 3)):
            opened = as_of - timedelta(days=rng.randint(10, 400))
            complaints.append(
                Complaint(
                    account=account,
                    category=rng.choice(COMPLAINT_CATEGORIES),
                    severity=rng.choice(["low", "medium", "medium", "high"]),
                    opened_on=opened,
                    resolved_on=opened + timedelta(days=rng.randint(1, 20)),
                    description="Logged by the service desk.",
                )
            )
    Complaint.objects.bulk_create(complaints, batch_size=5000)

    # Events: a competitor evaluation on the declining account, then a few others.
    events: list[AccountEvent] = []
    if key:
        events.append(
            AccountEvent(
                account=key[0],
                kind=EventKind.COMPETITOR_EVALUATION,
                date=as_of - timedelta(days=35),
                notes="Procurement invited a rival to trial at the east plant.",
            )
        )
    events.extend(
        AccountEvent(
            account=account,
            kind=rng.choice([EventKind.RFP_ISSUED, EventKind.KEY_CONTACT_LEFT, EventKind.OTHER]),
            date=as_of - timedelta(days=rng.randint(5, 300)),
            notes="Noted in the account review.",
        )
        for account in key[2:]
        if rng.random() < 0.3
    )
    AccountEvent.objects.bulk_create(events, batch_size=5000)

    # Selection criteria (kept across --flush; matched on name) and scores.
    criteria = []
    for name, description, weight in CRITERIA:
        criterion, _ = SelectionCriterion.objects.get_or_create(
            name=name, defaults={"description": description, "weight": Decimal(weight)}
        )
        criteria.append(criterion)
    scores: list[CriterionScore] = []
    low_high = {
        Designation.STRATEGIC: (3, 5),
        Designation.PILOT: (3, 5),
        Designation.CANDIDATE: (2, 4),
    }
    for account in key + candidates:
        low, high = low_high[account.designation]
        for criterion in criteria:
            score = rng.randint(low, high)
            scores.append(
                CriterionScore(
                    account=account,
                    criterion=criterion,
                    score=score,
                    rationale=("Weak", "Below par", "Adequate", "Strong", "Excellent")[score - 1]
                    + f" on {criterion.name.lower()}.",
                    scored_by=account.owner if score < 5 else erin,
                )
            )
    CriterionScore.objects.bulk_create(scores, batch_size=5000)
    QualifyingAnswers.objects.bulk_create(
        [
            QualifyingAnswers(
                account=account,
                type_of_work_fit="Multi-site service contracts, our core business.",
                budget=f"About {rng.randint(1, 9)} M a year, held by procurement.",
                decision_criteria="Total cost, service level, and risk of disruption.",
                competitors="Two national suppliers and a low-cost importer.",
                reason_for_buying="Consolidating suppliers after a difficult year.",
                updated_by=account.owner,
            )
            for account in pilots + candidates
        ],
        batch_size=2000,
    )

    # Designation requests: a pending candidate → pilot, and an approved one in the past.
    requests: list[DesignationRequest] = []
    if candidates:
        requests.append(
            DesignationRequest(
                account=candidates[0],
                from_designation=Designation.CANDIDATE,
                to_designation=Designation.PILOT,
                reason="Scores well on fit and growth; the CFO asked for a joint plan.",
                requested_by=candidates[0].owner,
            )
        )
    if pilots:
        requests.append(
            DesignationRequest(
                account=pilots[0],
                from_designation=Designation.CANDIDATE,
                to_designation=Designation.PILOT,
                reason="Good fit; try the strategic approach for a year.",
                requested_by=pilots[0].owner,
                status=RequestStatus.APPROVED,
                decided_by=frank,
                decided_at=now,
                decision_comment="Approved as one of our pilots.",
            )
        )
    DesignationRequest.objects.bulk_create(requests)

    # Steering-committee meetings (meetings left without accounts by --flush go first).
    ReviewMeeting.objects.filter(accounts__isnull=True).delete()
    for days, title, discussed, decisions in (
        (
            120,
            "Steering committee · annual selection",
            strategic[:3] + pilots[:1],
            "Keep the strategic accounts; start one pilot; review criteria weights in six months.",
        ),
        (
            30,
            "Steering committee · quarterly review",
            key[:3],
            "Escalate the declining satisfaction at the first strategic account; "
            "ask for a delivery recovery plan at the second.",
        ),
    ):
        if not discussed:
            continue
        meeting = ReviewMeeting.objects.create(
            date=as_of - timedelta(days=days), title=title, decisions=decisions
        )
        meeting.attendees.set([erin, frank])
        meeting.accounts.set(discussed)
    demo_people_seed(rng=rng, portfolio=portfolio)


# Salary and bonus per year from (months ago): bob's bonus is too heavy on purpose (70/30,
# out of range), carol sits in the guideline but above the target band (83/17).
DEMO_PAY: dict[str, list[tuple[int, int, int]]] = {
    "alice": [(30, 90_000, 30_000), (6, 96_000, 24_000)],
    "bob": [(18, 84_000, 36_000)],
    "carol": [(24, 100_000, 20_000), (3, 99_600, 20_400)],
    "dave": [(12, 93_600, 26_400)],
}


def demo_people_seed(*, rng: random.Random, portfolio: DemoPortfolio) -> None:
    """Key 4: three competency assessments per demo manager six months apart (a visible
    trend, erin and frank assessing) and pay-mix history with bob out of band. Replaces the
    demo managers' previous rows so --flush stays repeatable."""
    users, as_of = portfolio.users, portfolio.as_of
    managers = [users[name] for name in MANAGERS if name in users]
    CompetencyAssessment.objects.filter(manager__in=managers).delete()
    PayMix.objects.filter(manager__in=managers).delete()
    assessors = [users["erin"], users["frank"]]
    assessments = []
    for index, manager in enumerate(managers):
        base = {d.field: rng.randint(2, 4) for d in COMPETENCY_DIMENSIONS}
        for step, months_ago in enumerate((12, 6, 0)):
            scores = {
                field: max(
                    1, min(5, score + (step * rng.choice((0, 0, 1)) if index != 1 else -step))
                )
                for field, score in base.items()
            }
            assessments.append(
                CompetencyAssessment(
                    manager=manager,
                    assessed_on=as_of - timedelta(days=months_ago * 30 + 7),
                    assessed_by=assessors[(index + step) % 2],
                    notes=(
                        "Annual review: strong customer insight, coaching the new team members."
                        if step == 2
                        else "Mid-year check-in."
                    ),
                    **scores,
                )
            )
    CompetencyAssessment.objects.bulk_create(assessments)
    pay = []
    for manager in managers:
        for months_ago, salary, bonus in DEMO_PAY.get(manager.username, []):
            pay.append(
                PayMix(
                    manager=manager,
                    effective_from=date(as_of.year, as_of.month, 1)
                    - timedelta(days=months_ago * 30),
                    salary=Decimal(salary),
                    bonus=Decimal(bonus),
                    recorded_by=users["erin"],
                    notes="Annual compensation review.",
                )
            )
    PayMix.objects.bulk_create(pay)
