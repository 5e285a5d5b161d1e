"""factory_boy factories of the relationships app."""

from __future__ import annotations

from datetime import date

import factory

from relationships.models import Contact, ContactGoal, ContactInfluence, Interaction
from tests.factories import AccountFactory, UserFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Person {n:03d}")
    title = "Director"
    influence = "medium"
    attitude = "neutral"
    contact_frequency_days = 90
    relationship_strength = 3


class ContactGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactGoal

    contact = factory.SubFactory(ContactFactory)
    position = 1
    text = "Cut inbound freight cost"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory, roles=["account_manager"])
    date = date(2026, 1, 15)
    channel = "meeting"
    summary = "Quarterly review"

    @factory.post_generation
    def contacts(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.contacts.set(extracted)  # type: ignore[attr-defined]


class ContactInfluenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactInfluence

    source = factory.SubFactory(ContactFactory)
    account = factory.LazyAttribute(lambda line: line.source.account)
    target = factory.SubFactory(ContactFactory, account=factory.SelfAttribute("..account"))
    strength = 3
    note = ""
