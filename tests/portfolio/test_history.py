"""The audit trail: every change of an account's records keeps who, when and which fields
changed (pages, API, admin); imports keep one entry per file; the History tab lists them
newest first, filters by kind, pages without more queries per entry, and refuses (and logs)
an account the user may not see."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Account, AccountEvent, Complaint, KnowledgeEntry
from portfolio.history.selectors import account_history_page
from relationships.models import Contact, Interaction
from valuation.models import ImportBatch, ServiceActivity

pytestmark = pytest.mark.django_db

History = Account.history.model  # type: ignore[attr-defined]


def history_url(account: Account, **query: str) -> str:
    url = reverse("portfolio:history", args=[account.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def contact_at(account: Account, name: str = "Dana Boss") -> Contact:
    return Contact.objects.create(account=account, name=name, title="CFO")


# --- a change through the page, the API and the admin --------------------------------------


def test_an_edit_on_the_page_keeps_one_entry_with_its_user_and_fields(
    account: Account, owner: Any, owner_client: Client
) -> None:
    before = History.objects.filter(id=account.pk).count()
    response = owner_client.post(
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": account.name,
            "external_id": account.external_id,
            "industry": account.industry,
            "region": "Middle East & Africa",  # one of the form's regions
            "designation": account.designation,
            "owner": owner.username,
            "buying_hierarchy_level": account.buying_hierarchy_level,
            "continuum_position": 70,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    records = History.objects.filter(id=account.pk).order_by("-history_id")
    assert records.count() == before + 1
    latest = records.first()
    assert latest.history_type == "~"
    assert latest.history_user == owner
    assert sorted(latest.diff_against(records[1]).changed_fields) == [
        "continuum_position",
        "region",
    ]
    # and the History tab says so, from what to what
    page = owner_client.get(history_url(account)).content.decode()
    assert "Region" in page
    assert "<ins>Middle East &amp; Africa</ins>" in page
    assert "<ins>70</ins>" in page


def test_an_edit_through_the_api_keeps_one_entry_with_the_token_user(
    account: Account, owner: Any
) -> None:
    contact = contact_at(account)
    ContactHistory = Contact.history.model  # type: ignore[attr-defined]  # noqa: N806
    assert ContactHistory.objects.filter(id=contact.pk).count() == 1  # created, no user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")
    response = client.patch(
        f"/api/v1/contacts/{contact.pk}/", {"title": "Group CFO"}, format="json"
    )
    assert response.status_code == 200, response.content
    records = list(ContactHistory.objects.filter(id=contact.pk).order_by("history_id"))
    assert len(records) == 2
    assert records[1].history_user == owner
    assert records[1].diff_against(records[0]).changed_fields == ["title"]
    items = account_history_page(account=account, kind="contact")[1]
    assert [(i.who, i.change, [(c.field, c.old, c.new) for c in i.changes]) for i in items][0] == (
        "alice",
        "changed",
        [("title", "CFO", "Group CFO")],
    )


def test_an_edit_in_the_admin_keeps_one_entry_and_the_admin_shows_the_history(
    account: Account, owner: Any
) -> None:
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345")
    interaction = Interaction.objects.create(
        account=account, user=owner, date=date(2026, 5, 4), channel="email", summary="Hello"
    )
    interaction.contacts.set([contact_at(account)])
    InteractionHistory = Interaction.history.model  # type: ignore[attr-defined]  # noqa: N806
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("admin:relationships_interaction_change", args=[interaction.pk]),
        {
            "account": account.pk,
            "user": owner.pk,
            "date": "2026-05-04",
            "channel": "phone",
            "summary": "Hello again",
            "contacts": str(interaction.contacts.get().pk),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    records = list(InteractionHistory.objects.filter(id=interaction.pk).order_by("history_id"))
    assert len(records) == 2
    assert records[1].history_user == root
    assert records[1].diff_against(records[0]).changed_fields == ["channel", "summary"]
    # SimpleHistoryAdmin: the object's history page lists the change
    listing = client.get(reverse("admin:relationships_interaction_history", args=[interaction.pk]))
    assert listing.status_code == 200
    assert "root" in listing.content.decode()


# --- imports: one entry per file, no per-row history ----------------------------------------


def test_an_import_keeps_one_batch_entry_and_no_row_history(
    account: Account, ops: Any, ops_client: Client, owner_client: Client
) -> None:
    ComplaintHistory = Complaint.history.model  # type: ignore[attr-defined]  # noqa: N806
    EventHistory = AccountEvent.history.model  # type: ignore[attr-defined]  # noqa: N806
    ActivityHistory = ServiceActivity.history.model  # type: ignore[attr-defined]  # noqa: N806
    rows = "".join(
        f"NW-1,Late delivery {n},high,2026-0{1 + n % 9}-10,,Pallets late\n" for n in range(30)
    )
    upload = SimpleUploadedFile(
        "complaints.csv",
        ("account,category,severity,opened_on,resolved_on,description\n" + rows).encode(),
        content_type="text/csv",
    )
    response = ops_client.post(reverse("valuation:import"), {"kind": "complaints", "file": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.errors
    assert (batch.created_by, batch.rows_created) == (ops, 30)
    assert Complaint.objects.filter(account=account).count() == 30
    assert ComplaintHistory.objects.count() == 0
    assert EventHistory.objects.count() == 0
    assert ActivityHistory.objects.count() == 0
    # the History tab shows the batch: who, when, kind, counts
    page = owner_client.get(history_url(account)).content.decode()
    imports = page[page.index("<h3>Imports</h3>") :]
    assert "Complaints" in imports
    assert "olga" in imports
    assert ">30<" in imports


# --- the History tab -------------------------------------------------------------------------


def test_the_tab_lists_newest_first_and_filters_by_kind(
    account: Account, owner: Any, owner_client: Client
) -> None:
    account.region = "Nordics"
    account.save()
    contact = contact_at(account, "First Contact")
    Complaint.objects.create(account=account, category="billing", opened_on=date(2026, 3, 1))
    contact.title = "CEO"
    contact.save()
    page = owner_client.get(history_url(account))
    assert page.status_code == 200
    items = page.context["items"]
    labels = [(item.label, item.change) for item in items]
    assert labels[:4] == [
        ("Contact", "changed"),
        ("Complaint", "created"),
        ("Contact", "created"),
        ("Account", "changed"),
    ]
    when = [item.when for item in items]
    assert when == sorted(when, reverse=True)
    only_contacts = owner_client.get(history_url(account, kind="contact")).context["items"]
    assert [(i.label, i.change) for i in only_contacts] == [
        ("Contact", "changed"),
        ("Contact", "created"),
    ]
    assert 'aria-current="page">History</a>' in page.content.decode()


def test_the_tab_pages_and_reads_a_page_in_as_many_queries_at_10_as_at_50_changes(
    account: Account, owner: Any, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    def add_changes(count: int) -> None:
        for n in range(count // 2):
            contact = contact_at(account, f"Person {n}")
            KnowledgeEntry.objects.create(account=account, area="suppliers", title=f"S{n}")
            contact.delete()

    account_history_page(account=account)  # warm the per-process caches
    add_changes(10)
    with django_assert_max_num_queries(14):
        ten = owner_client.get(history_url(account))
    add_changes(40)
    with django_assert_max_num_queries(14):
        fifty = owner_client.get(history_url(account))
    assert len(ten.context["items"]) >= 10
    assert len(fifty.context["items"]) == 50  # a full page
    assert fifty.context["page"].paginator.count > 50
    second = owner_client.get(history_url(account, page="2"))
    assert second.context["page"].number == 2
    assert len(second.context["items"]) == second.context["page"].paginator.count - 50


def test_the_unrelated_manager_gets_404_and_the_refusal_is_logged(
    account: Account, other_manager_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    url = history_url(account)
    with caplog.at_level(logging.WARNING, logger="kam.access"):
        response = other_manager_client.get(url)
    assert response.status_code == 404
    refusals = [r for r in caplog.records if r.name == "kam.access"]
    assert len(refusals) == 1
    message = refusals[0].getMessage()
    assert refusals[0].levelno == logging.WARNING
    assert "user=mallory" in message
    assert f"path={url}" in message


def test_a_missing_account_is_a_404_with_nothing_logged(
    other_manager_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kam.access"):
        response = other_manager_client.get(reverse("portfolio:history", args=[987654]))
    assert response.status_code == 404
    assert [r for r in caplog.records if r.name == "kam.access"] == []


def test_an_api_refusal_of_an_existing_contact_is_logged(
    account: Account, other_manager: Any, caplog: pytest.LogCaptureFixture
) -> None:
    contact = contact_at(account)
    client = APIClient()
    client.force_authenticate(other_manager)
    with caplog.at_level(logging.WARNING, logger="kam.access"):
        refused = client.get(f"/api/v1/contacts/{contact.pk}/")
        missing = client.get("/api/v1/contacts/987654/")
    assert (refused.status_code, missing.status_code) == (404, 404)
    refusals = [r.getMessage() for r in caplog.records if r.name == "kam.access"]
    assert len(refusals) == 1
    assert "user=mallory" in refusals[0]
    assert f"path=/api/v1/contacts/{contact.pk}/" in refusals[0]


@pytest.mark.parametrize("reader", ["owner_client", "team_member_client", "executive_client"])
def test_whoever_sees_the_account_reads_its_history(
    account: Account, reader: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(reader)
    assert client.get(history_url(account)).status_code == 200


def test_anonymous_goes_to_the_sign_in_page(account: Account, anonymous_client: Client) -> None:
    response = anonymous_client.get(history_url(account))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- bulk paths keep no per-row history -----------------------------------------------------


def test_single_activity_writes_keep_history_but_an_account_deletion_writes_none_per_row(
    account: Account, owner: Any
) -> None:
    from accounts.services import account_delete
    from tests.valuation.factories import ActivityTypeFactory
    from valuation.services import service_activity_create, service_activity_delete

    ActivityHistory = ServiceActivity.history.model  # type: ignore[attr-defined]  # noqa: N806
    kind = ActivityTypeFactory(code="site-visit")
    one = service_activity_create(
        account=account,
        activity_type=kind,
        date=date(2026, 4, 1),
        quantity=Decimal(2),
        created_by=owner,
    )
    service_activity_delete(activity=one, deleted_by=owner)
    assert list(ActivityHistory.objects.values_list("history_type", flat=True)) == ["-", "+"]
    ServiceActivity.objects.bulk_create(
        ServiceActivity(account=account, activity_type=kind, date=date(2026, 4, d), quantity=1)
        for d in range(1, 21)
    )
    account_delete(account=Account.objects.get(pk=account.pk), deleted_by=owner)
    assert ServiceActivity.objects.count() == 0
    assert ActivityHistory.objects.count() == 2  # the account's deletion added none
    assert History.objects.filter(id=account.pk, history_type="-").count() == 1


def test_seed_demo_writes_no_per_row_history(db: Any) -> None:
    from django.core.management import call_command

    ContactHistory = Contact.history.model  # type: ignore[attr-defined]  # noqa: N806
    call_command("seed_demo", accounts=3, stdout=StringIO())
    call_command("seed_demo", accounts=3, flush=True, stdout=StringIO())
    assert Contact.objects.exists()
    assert History.objects.count() == 0
    assert ContactHistory.objects.count() == 0
    assert Complaint.history.model.objects.count() == 0  # type: ignore[attr-defined]
