"""A small map at the `account` fixture: an economic buyer reporting to nobody, a coach
reporting to them, both held by the owner."""

from __future__ import annotations

from typing import Any

import pytest

from relationships.models import Contact
from tests.relationships.factories import ContactFactory


@pytest.fixture
def boss(account: Any, owner: Any) -> Contact:
    return ContactFactory(
        account=account,
        name="Dana Reyes",
        title="CFO",
        is_economic_buyer=True,
        influence="high",
        attitude="supporter",
        primary_contact=owner,
    )


@pytest.fixture
def report(account: Any, boss: Contact, team_member: Any) -> Contact:
    return ContactFactory(
        account=account,
        name="Sam Ortiz",
        title="Head of purchasing",
        is_user_buyer=True,
        reports_to=boss,
        primary_contact=team_member,
    )
