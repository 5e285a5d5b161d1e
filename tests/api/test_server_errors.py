"""Requests the fuzzer (make fuzz) answered with a server error: each now answers 4xx, or is
accepted as the schema says. One test per cause."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from portfolio.models import AnalysisRun
from tests.valuation.factories import RevenueRecordFactory
from valuation.models import ActivityType

pytestmark = pytest.mark.django_db

GOALS_MESSAGE = "Send the goals as a list (of texts, or of {text, metric, target, current})."


def _contact_body(account: Any, **fields: Any) -> dict[str, Any]:
    return {"account": account.pk, "name": "Dana Reyes", **fields}


def test_contact_goals_as_text_is_a_400_with_the_goals_message(
    owner_api: Any, account: Any
) -> None:
    """The error message held braces that DRF's fail() formats: KeyError, 500."""
    created = owner_api.post(
        "/api/v1/contacts/", _contact_body(account, goals="grow"), format="json"
    )
    assert created.status_code == 400, created.content
    assert created.json() == {"goals": [GOALS_MESSAGE]}

    contact = owner_api.post("/api/v1/contacts/", _contact_body(account), format="json").json()
    url = f"/api/v1/contacts/{contact['id']}/"
    replaced = owner_api.put(url, _contact_body(account, goals="grow"), format="json")
    patched = owner_api.patch(url, {"goals": "grow"}, format="json")
    assert (replaced.status_code, patched.status_code) == (400, 400)
    assert replaced.json()["goals"] == patched.json()["goals"] == [GOALS_MESSAGE]


def test_contact_goals_as_text_from_a_caller_who_may_not_write(ops_api: Any, account: Any) -> None:
    response = ops_api.post(
        "/api/v1/contacts/", _contact_body(account, goals="grow"), format="json"
    )
    assert response.status_code in (400, 403, 404), response.content
    assert response["Content-Type"] == "application/json"


def test_activity_type_without_is_investment_takes_the_default(ops_api: Any) -> None:
    """The schema marks is_investment optional; the service needs it: TypeError, 500."""
    body = {"code": "site-visit", "name": "Site visit", "unit": "visit"}
    response = ops_api.post("/api/v1/activity-types/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {**body, "is_investment": False}
    assert ActivityType.objects.get(code="site-visit").is_investment is False


def test_analysis_run_without_as_of_runs_as_of_today(ops_api: Any, account: Any) -> None:
    """`as_of` defaults to today, as the schema says; an empty body was a KeyError, 500."""
    RevenueRecordFactory(account=account)
    response = ops_api.post("/api/v1/analysis-runs/", {}, format="json")
    assert response.status_code == 201, response.content
    today = timezone.localdate()
    assert response.json()["as_of"] == today.isoformat()
    assert AnalysisRun.objects.get(pk=response.json()["id"]).as_of == today
