"""An unconfirmed ledger entry can be marked as confirmed by the customer, and removing one
asks first (issue: "Confirm with the customer ›" led to a page that offered only Remove)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.valuation.factories import ValueEntryFactory
from valuation.models import ValueEntry

pytestmark = pytest.mark.django_db


def _url(entry: ValueEntry) -> str:
    return f"/accounts/{entry.account_id}/value/entries/{entry.pk}/confirm/"


def _body(entry: ValueEntry, **change: Any) -> dict[str, Any]:
    prefix = f"confirm-{entry.pk}-"
    values = {"confirmed_by": "Dana Park, CFO", "confirmed_on": "2026-11-20"}
    values.update(change)
    return {
        prefix + "confirmed_by": values["confirmed_by"],
        prefix + "confirmed_on": values["confirmed_on"],
        prefix + "version": values.get("version", entry.version),
    }


def test_the_owner_marks_an_entry_confirmed(owner_client: Any, account: Any) -> None:
    entry = ValueEntryFactory(account=account)
    response = owner_client.post(_url(entry), _body(entry))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.customer_confirmed, entry.confirmed_by, entry.confirmed_on) == (
        True,
        "Dana Park, CFO",
        date(2026, 11, 20),
    )
    page = owner_client.get(f"/accounts/{account.pk}/value/").content.decode()
    assert "marked as confirmed" in page


def test_without_a_name_it_says_so_keeps_the_date_and_changes_nothing(
    owner_client: Any, account: Any
) -> None:
    entry = ValueEntryFactory(account=account)
    response = owner_client.post(_url(entry), _body(entry, confirmed_by=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Say who at the customer confirmed it." in body
    assert 'value="2026-11-20"' in body
    entry.refresh_from_db()
    assert not entry.customer_confirmed


def test_a_stale_version_is_refused_with_what_changed(owner_client: Any, account: Any) -> None:
    entry = ValueEntryFactory(account=account)
    seen = entry.version
    ValueEntry.objects.filter(pk=entry.pk).update(version=seen + 1)
    response = owner_client.post(_url(entry), _body(entry, version=seen))
    assert response.status_code == 409
    assert "was changed after you opened it" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.customer_confirmed


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("executive_client", 403),
        ("ops_client", 403),
        ("team_member_client", 403),  # a member changes only the entries they recorded
        ("other_manager_client", 404),
        ("anonymous_client", 302),
    ],
)
def test_who_may_not_confirm(request: Any, account: Any, client_name: str, status: int) -> None:
    entry = ValueEntryFactory(account=account)
    response = request.getfixturevalue(client_name).post(_url(entry), _body(entry))
    assert response.status_code == status
    entry.refresh_from_db()
    assert not entry.customer_confirmed


def test_the_page_offers_confirm_for_unconfirmed_entries_and_asks_before_removing(
    owner_client: Any, executive_client: Any, account: Any
) -> None:
    open_entry = ValueEntryFactory(account=account, category="cost savings")
    ValueEntryFactory(
        account=account,
        category="reference",
        customer_confirmed=True,
        confirmed_by="Lee",
        confirmed_on=date(2026, 1, 5),
    )
    body = owner_client.get(f"/accounts/{account.pk}/value/").content.decode()
    assert body.count("Mark confirmed<span") == 1
    assert f'action="{_url(open_entry)}"' in body
    assert body.count("<summary>Remove<span") == 2
    assert "Remove this entry of" in body
    # An executive reads the ledger and is offered neither.
    seen = executive_client.get(f"/accounts/{account.pk}/value/").content.decode()
    assert "Mark confirmed" not in seen
    assert "Remove this entry" not in seen
