"""Relationship coverage gaps: pure rules over plain data (no Django, no clock).

`coverage_gaps(contacts=..., as_of=...)` is fed by `relationships.selectors`; every gap says
in plain words what to do about it. Only active contacts count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EVIDENCE_MAX_AGE_DAYS = 365

NO_ECONOMIC_BUYER = "no_economic_buyer"
NO_COACH = "no_coach"
SINGLE_THREADED = "single_threaded"
HIGH_INFLUENCE_DETRACTOR = "high_influence_detractor"
INFLUENCER_WITHOUT_GOALS = "influencer_without_goals"
EVIDENCE_UNVERIFIED = "evidence_unverified"
CONTACT_OVERDUE = "contact_overdue"
DETRACTOR_SWAYS_BUYER = "detractor_sways_economic_buyer"

GAP_CODES = (
    NO_ECONOMIC_BUYER,
    NO_COACH,
    SINGLE_THREADED,
    HIGH_INFLUENCE_DETRACTOR,
    DETRACTOR_SWAYS_BUYER,
    INFLUENCER_WITHOUT_GOALS,
    EVIDENCE_UNVERIFIED,
    CONTACT_OVERDUE,
)

GAP_LABELS = {
    NO_ECONOMIC_BUYER: "No economic buyer",
    NO_COACH: "No coach",
    SINGLE_THREADED: "Single-threaded",
    HIGH_INFLUENCE_DETRACTOR: "High-influence detractor",
    DETRACTOR_SWAYS_BUYER: "Detractor sways the economic buyer",
    INFLUENCER_WITHOUT_GOALS: "No goals recorded",
    EVIDENCE_UNVERIFIED: "Evidence unverified",
    CONTACT_OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class ContactFacts:
    """What the rules need to know about one contact."""

    id: int
    name: str
    is_active: bool = True
    is_economic_buyer: bool = False
    is_user_buyer: bool = False
    is_technical_buyer: bool = False
    is_coach: bool = False
    influence: str = "medium"  # high / medium / low
    attitude: str = "neutral"  # supporter / neutral / detractor
    goal_count: int = 0
    primary_contact_id: int | None = None
    primary_contact_name: str = ""
    evidence_verified_on: date | None = None
    contact_frequency_days: int = 90
    last_interaction_on: date | None = None

    @property
    def has_buying_role(self) -> bool:
        return (
            self.is_economic_buyer or self.is_user_buyer or self.is_technical_buyer or self.is_coach
        )


@dataclass(frozen=True)
class InfluenceFacts:
    """A line of influence: the contact `source_id` sways the contact `target_id`."""

    source_id: int
    target_id: int
    strength: int = 3


@dataclass(frozen=True)
class Gap:
    code: str
    message: str
    contact_id: int | None = None


def contact_is_overdue(
    *, last_interaction_on: date | None, contact_frequency_days: int, as_of: date
) -> bool:
    """Overdue when nobody has been in touch, or the last interaction is more than
    `contact_frequency_days` days before `as_of`."""
    if last_interaction_on is None:
        return True
    return (as_of - last_interaction_on).days > contact_frequency_days


def evidence_is_stale(*, verified_on: date | None, as_of: date) -> bool:
    """Never verified, or verified more than a year (365 days) before `as_of`."""
    if verified_on is None:
        return True
    return verified_on < as_of - timedelta(days=EVIDENCE_MAX_AGE_DAYS)


def is_influencer(contact: ContactFacts) -> bool:
    """A buying influence: anyone with high influence or any buying role."""
    return contact.influence == "high" or contact.has_buying_role


def coverage_gaps(
    *,
    contacts: Sequence[ContactFacts],
    as_of: date,
    influences: Sequence[InfluenceFacts] = (),
) -> list[Gap]:
    """The account's coverage gaps on `as_of`: account-wide gaps first, then one gap per
    contact and rule, contacts in name order. Inactive contacts are ignored. `influences`
    are the account's lines of influence (a detractor swaying an economic buyer is a gap)."""
    active = sorted((c for c in contacts if c.is_active), key=lambda c: (c.name.lower(), c.id))
    gaps: list[Gap] = []
    if not any(c.is_economic_buyer for c in active):
        gaps.append(
            Gap(
                NO_ECONOMIC_BUYER,
                "Nobody is mapped as economic buyer. Find out who releases the money and gives "
                "the final yes, and add that person with the economic-buyer role.",
            )
        )
    if not any(c.is_coach for c in active):
        gaps.append(
            Gap(
                NO_COACH,
                "Nobody is mapped as coach. Find someone inside the customer who wants us to "
                "win and will guide us, and add them with the coach role.",
            )
        )
    holders = {c.primary_contact_id for c in active if c.primary_contact_id is not None}
    if active and len(holders) <= 1:
        if holders:
            holder = next(c.primary_contact_name for c in active if c.primary_contact_id)
            who = f"{holder} holds every relationship"
        else:
            who = "Nobody on our side is named as primary contact for any of these people"
        gaps.append(
            Gap(
                SINGLE_THREADED,
                f"Single-threaded: {who}. Give key contacts a primary contact from other "
                "people on the account team (service, engineering, an executive).",
            )
        )
    by_id = {c.id: c for c in active}
    for contact in active:
        gaps.extend(_contact_gaps(contact, as_of))
        gaps.extend(_sways_buyer_gaps(contact, influences, by_id))
    return gaps


def _sways_buyer_gaps(
    contact: ContactFacts, influences: Sequence[InfluenceFacts], by_id: dict[int, ContactFacts]
) -> list[Gap]:
    """One gap when this active detractor influences one or more active economic buyers."""
    if contact.attitude != "detractor":
        return []
    buyers = sorted(
        {
            by_id[line.target_id].name
            for line in influences
            if line.source_id == contact.id
            and line.target_id in by_id
            and line.target_id != contact.id
            and by_id[line.target_id].is_economic_buyer
        },
        key=str.lower,
    )
    if not buyers:
        return []
    named = buyers[0] if len(buyers) == 1 else ", ".join(buyers[:-1]) + f" and {buyers[-1]}"
    return [
        Gap(
            DETRACTOR_SWAYS_BUYER,
            f"{contact.name} is against us and sways the economic buyer ({named}). Find out "
            "what they object to, answer it, and have a supporter of ours reach the buyer too.",
            contact.id,
        )
    ]


def _contact_gaps(contact: ContactFacts, as_of: date) -> list[Gap]:
    gaps: list[Gap] = []
    name = contact.name
    if contact.influence == "high" and contact.attitude == "detractor":
        gaps.append(
            Gap(
                HIGH_INFLUENCE_DETRACTOR,
                f"{name} has high influence and is against us. Learn what they object to, "
                "plan a meeting with a senior person of ours, and line up supporters.",
                contact.id,
            )
        )
    if is_influencer(contact) and contact.goal_count == 0:
        gaps.append(
            Gap(
                INFLUENCER_WITHOUT_GOALS,
                f"No goals recorded for {name}. Ask what they must achieve this year and "
                "record up to three goals, with a metric where you can.",
                contact.id,
            )
        )
    if evidence_is_stale(verified_on=contact.evidence_verified_on, as_of=as_of):
        when = (
            "has never been verified"
            if contact.evidence_verified_on is None
            else f"was last verified on {contact.evidence_verified_on.isoformat()}"
        )
        gaps.append(
            Gap(
                EVIDENCE_UNVERIFIED,
                f"What we believe about {name} {when}. Check it with them or a coach and "
                "update the evidence and its date.",
                contact.id,
            )
        )
    if contact_is_overdue(
        last_interaction_on=contact.last_interaction_on,
        contact_frequency_days=contact.contact_frequency_days,
        as_of=as_of,
    ):
        since = (
            "We have no interaction with them on record"
            if contact.last_interaction_on is None
            else f"Last in touch on {contact.last_interaction_on.isoformat()}"
        )
        gaps.append(
            Gap(
                CONTACT_OVERDUE,
                f"{name} is overdue: {since}, and we aim for every "
                f"{contact.contact_frequency_days} days. Get in touch and log the interaction.",
                contact.id,
            )
        )
    return gaps
