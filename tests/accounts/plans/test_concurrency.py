"""Two saves of the same plan version at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import AccountPlan
from accounts.plans import services as plan_services
from accounts.plans.services import PlanVersionConflictError
from tests.accounts.plans.factories import plan_with_content
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_saves_cannot_both_win() -> None:
    # given a plan at version 1, loaded by two requests running in parallel threads
    alice = UserFactory(username="alice", roles=["account_manager"])
    plan = plan_with_content(AccountFactory(owner=alice))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(vision: str) -> None:
        loaded = AccountPlan.objects.select_related("account").get(pk=plan.pk)
        barrier.wait()  # both hold version 1 before either writes
        try:
            plan_services.account_plan_update(
                plan=loaded, updated_by=alice, version=1, vision=vision
            )
            outcomes[vision] = "saved"
        except PlanVersionConflictError:
            outcomes[vision] = "conflict"
        finally:
            connection.close()

    # when both save their own vision based on version 1
    threads = [threading.Thread(target=save, args=(v,)) for v in ("Vision A", "Vision B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one is saved and the other refused, and the row holds the winner's value
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(vision for vision, outcome in outcomes.items() if outcome == "saved")
    plan.refresh_from_db()
    assert (plan.vision, plan.version) == (winner, 2)
