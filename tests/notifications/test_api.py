"""notifications/ (CONTRACT.md): one's own, newest first, by kind and unread; read one or
all; another user's answers 404, an anonymous caller 401."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(owner: Any, executive: Any) -> list[Notification]:
    made = [
        *notify(recipients=[owner], kind=Kind.PLAN_RETURNED, message="Returned.", url="/p/"),
        *notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message="Overdue."),
        *notify(recipients=[executive], kind=Kind.PLAN_SUBMITTED, message="Submitted."),
    ]
    # the overdue one is the newest
    Notification.objects.filter(pk=made[0].pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    return made


def test_list_is_own_newest_first(owner_api: Any, notes: list[Notification]) -> None:
    answer = owner_api.get("/api/v1/notifications/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    assert [n["message"] for n in body["results"]] == ["Overdue.", "Returned."]
    assert set(body["results"][0]) == {"id", "kind", "message", "url", "created_at", "read_at"}


def test_filter_by_kind_and_unread(owner_api: Any, notes: list[Notification]) -> None:
    by_kind = owner_api.get("/api/v1/notifications/", {"kind": "plan_returned"}).json()
    assert [n["message"] for n in by_kind["results"]] == ["Returned."]
    owner_api.post(f"/api/v1/notifications/{notes[0].pk}/read/")
    unread = owner_api.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [n["message"] for n in unread["results"]] == ["Overdue."]
    read = owner_api.get("/api/v1/notifications/", {"unread": "false"}).json()
    assert [n["message"] for n in read["results"]] == ["Returned."]


@pytest.mark.parametrize("params", [{"kind": "nope"}, {"unread": "maybe"}, {"kind": ""}])
def test_bad_filters_answer_400(owner_api: Any, notes: list[Notification], params: Any) -> None:
    answer = owner_api.get("/api/v1/notifications/", params)
    assert answer.status_code == 400
    assert answer.json()


def test_read_marks_once(owner_api: Any, notes: list[Notification]) -> None:
    first = owner_api.post(f"/api/v1/notifications/{notes[0].pk}/read/")
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    again = owner_api.post(f"/api/v1/notifications/{notes[0].pk}/read/")
    assert again.json()["read_at"] == first.json()["read_at"]


def test_another_users_notification_answers_404(owner_api: Any, notes: list[Notification]) -> None:
    theirs = notes[2]
    assert owner_api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert owner_api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_marks_only_own(owner_api: Any, notes: list[Notification], executive: Any) -> None:
    answer = owner_api.post("/api/v1/notifications/read-all/", {}, format="json")
    assert answer.json() == {"marked_read": 2}
    assert Notification.objects.filter(user=executive, read_at__isnull=True).count() == 1


def test_read_all_of_one_kind_and_a_bad_kind(owner_api: Any, notes: list[Notification]) -> None:
    answer = owner_api.post(
        "/api/v1/notifications/read-all/", {"kind": "action_overdue"}, format="json"
    )
    assert answer.json() == {"marked_read": 1}
    bad = owner_api.post("/api/v1/notifications/read-all/", {"kind": "nope"}, format="json")
    assert bad.status_code == 400
    assert "kind" in bad.json()


def test_anonymous_answers_401(anonymous_api: Any, notes: list[Notification]) -> None:
    assert anonymous_api.get("/api/v1/notifications/").status_code == 401
    assert anonymous_api.post(f"/api/v1/notifications/{notes[0].pk}/read/").status_code == 401
    assert anonymous_api.post("/api/v1/notifications/read-all/").status_code == 401


def test_list_queries_do_not_grow(
    owner_api: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    for n in range(20):
        notify(recipients=[owner], kind=Kind.ACTION_OVERDUE, message=f"Overdue {n}.")
    # the session's user and groups… plus the count and the page
    with django_assert_num_queries(2):
        assert owner_api.get("/api/v1/notifications/").json()["count"] == 20
