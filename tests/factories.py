"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Account, Designation, TeamFunction, TeamMember

User = get_user_model()

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration created.
            self.groups.set([Group.objects.get_or_create(name=name)[0] for name in extracted])
        if create:
            self.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    external_id = factory.Sequence(lambda n: f"EXT-{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    industry = "Industrial"
    region = "Europe"
    designation = Designation.STRATEGIC
    owner = factory.SubFactory(UserFactory, roles=["account_manager"])
    buying_hierarchy_level = 2
    continuum_position = 50


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory, roles=["account_manager"])
    function = TeamFunction.SERVICE
