"""Relationship coverage gaps: pure rules over plain data (no Django, no clock).

`coverage_gaps(contacts=..., as_of=...)` is fed by `relationships.selectors`; every gap says
in plain words what to do about it. Only active contacts count.

A gap's words are an English message template and its values (`Gap.template`, `Gap.params`):
`Gap.message` is the English sentence, and `relationships.selectors` puts the template in the
reader's language (the templates are marked for the catalogue with `gettext_noop`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EVIDENCE_MAX_AGE_DAYS = 365


def gettext_noop(message: str) -> str:
    """Mark a message for the translation catalogue without translating it here (this
    module stays free of Django; `relationships.selectors` translates)."""
    return message


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
    NO_ECONOMIC_BUYER: gettext_noop("No economic buyer"),
    NO_COACH: gettext_noop("No coach"),
    SINGLE_THREADED: gettext_noop("Single-threaded"),
    HIGH_INFLUENCE_DETRACTOR: gettext_noop("High-influence detractor"),
    DETRACTOR_SWAYS_BUYER: gettext_noop("Detractor sways the economic buyer"),
    INFLUENCER_WITHOUT_GOALS: gettext_noop("No goals recorded"),
    EVIDENCE_UNVERIFIED: gettext_noop("Evidence unverified"),
    CONTACT_OVERDUE: gettext_noop("Overdue"),
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


# A value of a gap's message: a text, a number, or names to list ("A, B and C").
ParamValue = str | int | tuple[str, ...]


def english_list(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


@dataclass(frozen=True)
class Gap:
    code: str
    template: str
    contact_id: int | None = None
    params: tuple[tuple[str, ParamValue], ...] = ()

    @property
    def message(self) -> str:
        """The gap in English words."""
        values = {
            key: english_list(value) if isinstance(value, tuple) else value
            for key, value in self.params
        }
        return self.template % values if values else self.template


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
                gettext_noop(
                    "Nobody is mapped as economic buyer. Find out who releases the money and "
                    "gives the final yes, and add that person with the economic-buyer role."
                ),
            )
        )
    if not any(c.is_coach for c in active):
        gaps.append(
            Gap(
                NO_COACH,
                gettext_noop(
                    "Nobody is mapped as coach. Find someone inside the customer who wants us "
                    "to win and will guide us, and add them with the coach role."
                ),
            )
        )
    holders = {c.primary_contact_id for c in active if c.primary_contact_id is not None}
    if active and len(holders) <= 1:
        if holders:
            holder = next(c.primary_contact_name for c in active if c.primary_contact_id)
            gaps.append(
                Gap(
                    SINGLE_THREADED,
                    gettext_noop(
                        "Single-threaded: %(holder)s holds every relationship. Give key "
                        "contacts a primary contact from other people on the account team "
                        "(service, engineering, an executive)."
                    ),
                    params=(("holder", holder),),
                )
            )
        else:
            gaps.append(
                Gap(
                    SINGLE_THREADED,
                    gettext_noop(
                        "Single-threaded: Nobody on our side is named as primary contact for "
                        "any of these people. Give key contacts a primary contact from other "
                        "people on the account team (service, engineering, an executive)."
                    ),
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
    return [
        Gap(
            DETRACTOR_SWAYS_BUYER,
            gettext_noop(
                "%(name)s is against us and sways the economic buyer (%(buyers)s). Find out "
                "what they object to, answer it, and have a supporter of ours reach the buyer "
                "too."
            ),
            contact.id,
            params=(("name", contact.name), ("buyers", tuple(buyers))),
        )
    ]


def _contact_gaps(contact: ContactFacts, as_of: date) -> list[Gap]:
    gaps: list[Gap] = []
    name: tuple[str, ParamValue] = ("name", contact.name)
    if contact.influence == "high" and contact.attitude == "detractor":
        gaps.append(
            Gap(
                HIGH_INFLUENCE_DETRACTOR,
                gettext_noop(
                    "%(name)s has high influence and is against us. Learn what they object "
                    "to, plan a meeting with a senior person of ours, and line up supporters."
                ),
                contact.id,
                params=(name,),
            )
        )
    if is_influencer(contact) and contact.goal_count == 0:
        gaps.append(
            Gap(
                INFLUENCER_WITHOUT_GOALS,
                gettext_noop(
                    "No goals recorded for %(name)s. Ask what they must achieve this year and "
                    "record up to three goals, with a metric where you can."
                ),
                contact.id,
                params=(name,),
            )
        )
    if evidence_is_stale(verified_on=contact.evidence_verified_on, as_of=as_of):
        if contact.evidence_verified_on is None:
            gaps.append(
                Gap(
                    EVIDENCE_UNVERIFIED,
                    gettext_noop(
                        "What we believe about %(name)s has never been verified. Check it "
                        "with them or a coach and update the evidence and its date."
                    ),
                    contact.id,
                    params=(name,),
                )
            )
        else:
            gaps.append(
                Gap(
                    EVIDENCE_UNVERIFIED,
                    gettext_noop(
                        "What we believe about %(name)s was last verified on %(date)s. Check "
                        "it with them or a coach and update the evidence and its date."
                    ),
                    contact.id,
                    params=(name, ("date", contact.evidence_verified_on.isoformat())),
                )
            )
    if contact_is_overdue(
        last_interaction_on=contact.last_interaction_on,
        contact_frequency_days=contact.contact_frequency_days,
        as_of=as_of,
    ):
        every: tuple[str, ParamValue] = ("days", contact.contact_frequency_days)
        if contact.last_interaction_on is None:
            gaps.append(
                Gap(
                    CONTACT_OVERDUE,
                    gettext_noop(
                        "%(name)s is overdue: We have no interaction with them on record, and "
                        "we aim for every %(days)s days. Get in touch and log the interaction."
                    ),
                    contact.id,
                    params=(name, every),
                )
            )
        else:
            gaps.append(
                Gap(
                    CONTACT_OVERDUE,
                    gettext_noop(
                        "%(name)s is overdue: Last in touch on %(date)s, and we aim for every "
                        "%(days)s days. Get in touch and log the interaction."
                    ),
                    contact.id,
                    params=(name, ("date", contact.last_interaction_on.isoformat()), every),
                )
            )
    return gaps
