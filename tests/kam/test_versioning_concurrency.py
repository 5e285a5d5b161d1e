"""Concurrent edits through the API on real PostgreSQL (kam/versioning.py): 20 pairs of
PATCHes racing on one contact and on one account, each pair released together by a barrier
in two threads with their own database connections.

- The same field, both based on the version they read: one 200 and one 409 (body
  `version`) or 412 (If-Match), and the stored value is the winner's: 0 silent overwrites.
- Different fields, no version sent: both 200 and both changes stored: 0 lost updates.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from accounts.models import Account
from relationships.models import Contact
from tests.factories import AccountFactory, UserFactory
from tests.relationships.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 20
WAIT = 30  # seconds; the requests take milliseconds


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, one thread (and connection) each."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(WAIT)
            results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return results


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _patch(user: Any, url: str, body: dict[str, Any], **headers: str) -> Callable[[], Any]:
    return lambda: _client(user).patch(url, body, format="json", headers=headers)


def _same_field_pairs(owner: Any, url: str, field: str, model: Any, pk: int) -> Counter[str]:
    """PAIRS pairs of PATCHes of `field` from the same version (body version on even pairs,
    If-Match on odd ones). Counts the outcomes; asserts the stored value is the winner's."""
    outcomes: Counter[str] = Counter()
    for pair in range(PAIRS):
        version = _client(owner).get(url).json()["version"]
        values = [f"A{pair}", f"B{pair}"]
        if pair % 2 == 0:
            calls = [_patch(owner, url, {field: v, "version": version}) for v in values]
        else:
            calls = [_patch(owner, url, {field: v}, If_Match=f'"{version}"') for v in values]
        answers = _race(calls)
        codes = sorted(answer.status_code for answer in answers)
        outcomes["/".join(map(str, codes))] += 1
        stored = model.objects.get(pk=pk)
        winners = [v for v, a in zip(values, answers, strict=True) if a.status_code == 200]
        if len(winners) == 1 and getattr(stored, field) == winners[0]:
            outcomes["stored the winner"] += 1
        if codes[0] == codes[1] == 200:
            outcomes["silent overwrite"] += 1
    return outcomes


def _different_field_pairs(
    owner: Any, url: str, fields: tuple[str, str], model: Any, pk: int
) -> Counter[str]:
    """PAIRS pairs of PATCHes of two different fields, no version sent."""
    outcomes: Counter[str] = Counter()
    for pair in range(PAIRS):
        values = (f"first {pair}", f"second {pair}")
        answers = _race(
            [_patch(owner, url, {name: value}) for name, value in zip(fields, values, strict=True)]
        )
        outcomes["/".join(str(a.status_code) for a in answers)] += 1
        stored = model.objects.get(pk=pk)
        kept = tuple(getattr(stored, name) for name in fields)
        outcomes["both kept" if kept == values else "lost update"] += 1
    return outcomes


@pytest.fixture
def alice() -> Any:
    return UserFactory(username="alice", roles=["account_manager"])


def test_contact_same_field_pairs_never_overwrite_silently(alice: Any) -> None:
    # given a contact of alice's account
    contact = ContactFactory(account=AccountFactory(owner=alice), title="CFO")
    url = f"/api/v1/contacts/{contact.pk}/"

    # when 20 pairs of PATCHes of the title race, each pair from the version it read
    outcomes = _same_field_pairs(alice, url, "title", Contact, contact.pk)

    # then each pair gave one 200 and one refusal (409 body version, 412 If-Match), and
    # the stored title is the winner's
    assert outcomes == Counter({"200/409": 10, "200/412": 10, "stored the winner": 20})
    assert Contact.objects.get(pk=contact.pk).version == 1 + PAIRS


def test_contact_different_field_pairs_both_survive(alice: Any) -> None:
    # given a contact of alice's account
    contact = ContactFactory(account=AccountFactory(owner=alice))
    url = f"/api/v1/contacts/{contact.pk}/"

    # when 20 pairs of PATCHes race, one of the title, one of the evidence, no version
    outcomes = _different_field_pairs(alice, url, ("title", "evidence"), Contact, contact.pk)

    # then every PATCH was saved and every pair kept both changes
    assert outcomes == Counter({"200/200": 20, "both kept": 20})
    assert Contact.objects.get(pk=contact.pk).version == 1 + 2 * PAIRS


def test_account_same_field_pairs_never_overwrite_silently(alice: Any) -> None:
    # given an account of alice's
    account = AccountFactory(owner=alice, region="Europe")
    url = f"/api/v1/accounts/{account.pk}/"

    # when 20 pairs of PATCHes of the region race, each pair from the version it read
    outcomes = _same_field_pairs(alice, url, "region", Account, account.pk)

    # then one 200 and one 409/412 per pair, the winner's region stored
    assert outcomes == Counter({"200/409": 10, "200/412": 10, "stored the winner": 20})


def test_account_different_field_pairs_both_survive(alice: Any) -> None:
    # given an account of alice's
    account = AccountFactory(owner=alice)
    url = f"/api/v1/accounts/{account.pk}/"

    # when 20 pairs of PATCHes race, one of the industry, one of the region, no version
    outcomes = _different_field_pairs(alice, url, ("industry", "region"), Account, account.pk)

    # then both changes of every pair are stored
    assert outcomes == Counter({"200/200": 20, "both kept": 20})
