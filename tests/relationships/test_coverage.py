"""Coverage-gap rules, pure: each rule fires on a constructed case and clears when fixed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from relationships.coverage import (
    CONTACT_OVERDUE,
    EVIDENCE_UNVERIFIED,
    HIGH_INFLUENCE_DETRACTOR,
    INFLUENCER_WITHOUT_GOALS,
    NO_COACH,
    NO_ECONOMIC_BUYER,
    SINGLE_THREADED,
    ContactFacts,
    coverage_gaps,
)

AS_OF = date(2026, 6, 30)


def healthy_map() -> list[ContactFacts]:
    """A map with no gap at all: the starting point every case breaks in one place."""
    common = {
        "goal_count": 2,
        "evidence_verified_on": AS_OF - timedelta(days=30),
        "contact_frequency_days": 30,
        "last_interaction_on": AS_OF - timedelta(days=10),
        "attitude": "supporter",
    }
    return [
        ContactFacts(
            id=1,
            name="Ann CFO",
            is_economic_buyer=True,
            influence="high",
            primary_contact_id=100,
            primary_contact_name="Alice",
            **common,
        ),
        ContactFacts(
            id=2,
            name="Ben Buyer",
            is_coach=True,
            influence="medium",
            primary_contact_id=101,
            primary_contact_name="Tom",
            **common,
        ),
    ]


def codes(contacts: list[ContactFacts]) -> list[tuple[str, int | None]]:
    return [(gap.code, gap.contact_id) for gap in coverage_gaps(contacts=contacts, as_of=AS_OF)]


def test_healthy_map_has_no_gap() -> None:
    assert codes(healthy_map()) == []


def test_every_gap_has_plain_advice() -> None:
    gaps = coverage_gaps(
        contacts=[ContactFacts(id=9, name="Zoe", influence="high", attitude="detractor")],
        as_of=AS_OF,
    )
    assert {gap.code for gap in gaps} == {
        NO_ECONOMIC_BUYER,
        NO_COACH,
        SINGLE_THREADED,
        HIGH_INFLUENCE_DETRACTOR,
        INFLUENCER_WITHOUT_GOALS,
        EVIDENCE_UNVERIFIED,
        CONTACT_OVERDUE,
    }
    for gap in gaps:
        assert gap.message.endswith(".")
        assert len(gap.message.split()) >= 10


def test_no_economic_buyer_fires_and_clears() -> None:
    contacts = healthy_map()
    broken = [replace(contacts[0], is_economic_buyer=False), contacts[1]]
    assert codes(broken) == [(NO_ECONOMIC_BUYER, None)]
    assert codes(contacts) == []


def test_inactive_economic_buyer_does_not_count() -> None:
    contacts = healthy_map()
    left = [replace(contacts[0], is_active=False), contacts[1]]
    assert codes(left) == [(NO_ECONOMIC_BUYER, None), (SINGLE_THREADED, None)]


def test_no_coach_fires_and_clears() -> None:
    contacts = healthy_map()
    broken = [contacts[0], replace(contacts[1], is_coach=False)]
    assert codes(broken) == [(NO_COACH, None)]


def test_empty_map_lacks_economic_buyer_and_coach_only() -> None:
    assert codes([]) == [(NO_ECONOMIC_BUYER, None), (NO_COACH, None)]


def test_single_threaded_fires_when_one_person_holds_everything() -> None:
    contacts = healthy_map()
    broken = [
        contacts[0],
        replace(contacts[1], primary_contact_id=100, primary_contact_name="Alice"),
    ]
    gaps = coverage_gaps(contacts=broken, as_of=AS_OF)
    assert [(gap.code, gap.contact_id) for gap in gaps] == [(SINGLE_THREADED, None)]
    assert "Alice holds every relationship" in gaps[0].message


def test_single_threaded_fires_when_nobody_holds_anything() -> None:
    contacts = [replace(c, primary_contact_id=None) for c in healthy_map()]
    gaps = coverage_gaps(contacts=contacts, as_of=AS_OF)
    assert [gap.code for gap in gaps] == [SINGLE_THREADED]
    assert "Nobody on our side" in gaps[0].message


def test_high_influence_detractor_fires_and_clears() -> None:
    contacts = healthy_map()
    broken = [replace(contacts[0], attitude="detractor"), contacts[1]]
    assert codes(broken) == [(HIGH_INFLUENCE_DETRACTOR, 1)]
    medium = [contacts[0], replace(contacts[1], attitude="detractor")]
    assert codes(medium) == []


def test_influencer_without_goals_fires_and_clears() -> None:
    contacts = healthy_map()
    broken = [replace(contacts[0], goal_count=0), contacts[1]]
    assert codes(broken) == [(INFLUENCER_WITHOUT_GOALS, 1)]
    # a low-influence person with no buying role is not an influencer
    bystander = replace(
        contacts[1], id=3, name="Cy Clerk", is_coach=False, influence="low", goal_count=0
    )
    assert codes([*contacts, bystander]) == []


@pytest.mark.parametrize(
    ("verified_on", "fires"),
    [
        (None, True),
        (AS_OF - timedelta(days=366), True),
        (AS_OF - timedelta(days=365), False),
        (AS_OF, False),
    ],
)
def test_evidence_unverified_fires_when_never_or_over_a_year(
    verified_on: date | None, fires: bool
) -> None:
    contacts = healthy_map()
    broken = [replace(contacts[0], evidence_verified_on=verified_on), contacts[1]]
    assert codes(broken) == ([(EVIDENCE_UNVERIFIED, 1)] if fires else [])


@pytest.mark.parametrize(
    ("last", "fires"),
    [
        (None, True),
        (AS_OF - timedelta(days=31), True),
        (AS_OF - timedelta(days=30), False),
        (AS_OF, False),
    ],
)
def test_contact_overdue_fires_after_the_desired_frequency(last: date | None, fires: bool) -> None:
    contacts = healthy_map()
    broken = [contacts[0], replace(contacts[1], last_interaction_on=last)]
    assert codes(broken) == ([(CONTACT_OVERDUE, 2)] if fires else [])


def test_inactive_contacts_raise_no_personal_gap() -> None:
    contacts = healthy_map()
    gone = ContactFacts(
        id=5,
        name="Old Boss",
        is_active=False,
        influence="high",
        attitude="detractor",
        primary_contact_id=102,
    )
    assert codes([*contacts, gone]) == []


def test_contact_gaps_come_in_name_order_after_account_gaps() -> None:
    contacts = [
        ContactFacts(
            id=2,
            name="Zed",
            primary_contact_id=1,
            primary_contact_name="A",
            evidence_verified_on=None,
            last_interaction_on=AS_OF,
        ),
        ContactFacts(
            id=1,
            name="Amy",
            primary_contact_id=2,
            primary_contact_name="B",
            evidence_verified_on=None,
            last_interaction_on=AS_OF,
        ),
    ]
    assert codes(contacts) == [
        (NO_ECONOMIC_BUYER, None),
        (NO_COACH, None),
        (EVIDENCE_UNVERIFIED, 1),
        (EVIDENCE_UNVERIFIED, 2),
    ]


def messages(contacts: list[ContactFacts]) -> list[str]:
    return [gap.message for gap in coverage_gaps(contacts=contacts, as_of=AS_OF)]


def test_the_words_a_manager_reads_for_every_gap() -> None:
    zoe = ContactFacts(id=9, name="Zoe Ray", influence="high", attitude="detractor")

    assert messages([zoe]) == [
        "Nobody is mapped as economic buyer. Find out who releases the money and gives the final "
        "yes, and add that person with the economic-buyer role.",
        "Nobody is mapped as coach. Find someone inside the customer who wants us to win and will "
        "guide us, and add them with the coach role.",
        "Single-threaded: Nobody on our side is named as primary contact for any of these "
        "people. Give key contacts a primary contact from other people on the account team "
        "(service, engineering, an executive).",
        "Zoe Ray has high influence and is against us. Learn what they object to, plan a meeting "
        "with a senior person of ours, and line up supporters.",
        "No goals recorded for Zoe Ray. Ask what they must achieve this year and record up to "
        "three goals, with a metric where you can.",
        "What we believe about Zoe Ray has never been verified. Check it with them or a coach and "
        "update the evidence and its date.",
        "Zoe Ray is overdue: We have no interaction with them on record, and we aim for every 90 "
        "days. Get in touch and log the interaction.",
    ]


def test_the_words_for_stale_evidence_an_old_interaction_and_one_holder() -> None:
    ann, ben = healthy_map()
    ann = replace(ann, evidence_verified_on=date(2025, 6, 29), last_interaction_on=date(2026, 5, 1))
    ben = replace(ben, primary_contact_id=100, primary_contact_name="Alice")

    assert messages([ann, ben]) == [
        "Single-threaded: Alice holds every relationship. Give key contacts a primary contact "
        "from other people on the account team (service, engineering, an executive).",
        "What we believe about Ann CFO was last verified on 2025-06-29. Check it with them or a "
        "coach and update the evidence and its date.",
        "Ann CFO is overdue: Last in touch on 2026-05-01, and we aim for every 30 days. Get in "
        "touch and log the interaction.",
    ]


def test_contacts_are_in_name_order_ignoring_case() -> None:
    # lower-cased, "_" (95) sorts before "a" (97); upper-cased it would sort after "A" (65)
    base = {"evidence_verified_on": None, "last_interaction_on": AS_OF}
    contacts = [
        ContactFacts(id=1, name="bea", **base),
        ContactFacts(id=2, name="Alan", **base),
        ContactFacts(id=3, name="Al_Smith", **base),
    ]

    assert [gap.contact_id for gap in coverage_gaps(contacts=contacts, as_of=AS_OF)][3:] == [
        3,
        2,
        1,
    ]


def test_detractor_swaying_the_economic_buyer_is_a_gap() -> None:
    from relationships.coverage import DETRACTOR_SWAYS_BUYER, InfluenceFacts

    people = healthy_map()
    people[1] = replace(people[1], attitude="detractor")
    line = InfluenceFacts(source_id=2, target_id=1, strength=4)

    def sway(contacts: list[ContactFacts], lines: list[InfluenceFacts]) -> list[Any]:
        return [
            (gap.code, gap.contact_id)
            for gap in coverage_gaps(contacts=contacts, as_of=AS_OF, influences=lines)
            if gap.code == DETRACTOR_SWAYS_BUYER
        ]

    assert sway(people, [line]) == [(DETRACTOR_SWAYS_BUYER, 2)]
    # no line, or the line the other way round, or a supporter: no gap
    assert sway(people, []) == []
    assert sway(people, [InfluenceFacts(source_id=1, target_id=2)]) == []
    assert sway(healthy_map(), [line]) == []
    # a target who is not the economic buyer, or who left, or a detractor who left: no gap
    assert (
        sway(
            [people[0], replace(people[1], is_economic_buyer=False)],
            [InfluenceFacts(source_id=1, target_id=2)],
        )
        == []
    )
    assert sway([replace(people[0], is_active=False), people[1]], [line]) == []
    assert sway([people[0], replace(people[1], is_active=False)], [line]) == []
    message = coverage_gaps(contacts=people, as_of=AS_OF, influences=[line])
    assert any(
        "Ben Buyer is against us and sways the economic buyer (Ann CFO)" in gap.message
        for gap in message
    )
