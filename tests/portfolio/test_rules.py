"""Who may run and configure the analysis: the predicates, and the services refusing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django_celery_beat.models import PeriodicTask

from portfolio import rules, schedules, services
from portfolio.models import AnalysisParameters, AnalysisRun
from portfolio.schedules import NIGHTLY_NAME
from tests.factories import UserFactory
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

pytestmark = pytest.mark.django_db

PREDICATES = [
    rules.can_run_analysis,
    rules.can_edit_schedule,
    rules.can_edit_parameters,
    rules.can_use_ops_page,
]


@pytest.mark.parametrize("predicate", PREDICATES)
@pytest.mark.parametrize(
    ("user_fixture", "allowed"),
    [("ops", True), ("executive", False), ("owner", False)],
)
def test_only_ops_run_and_configure_the_analysis(
    request: Any, predicate: Any, user_fixture: str, allowed: bool
) -> None:
    assert predicate(request.getfixturevalue(user_fixture)) is allowed


@pytest.mark.parametrize("predicate", PREDICATES)
def test_superusers_may_and_anonymous_may_not(predicate: Any) -> None:
    assert predicate(UserFactory(is_superuser=True)) is True
    assert predicate(AnonymousUser()) is False


def test_run_refused_to_a_non_ops_user_writes_nothing(owner: Any, other_manager: Any) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    with pytest.raises(PermissionDenied, match=rules.RUN_REFUSED):
        services.analysis_run_queue(as_of=AS_OF, requested_by=owner, trigger="api")
    assert not AnalysisRun.objects.exists()


def test_run_by_the_product_itself_needs_no_user(owner: Any, other_manager: Any) -> None:
    build_small_portfolio(owner=owner, other_owner=other_manager)
    run = services.analysis_run_create(as_of=AS_OF, requested_by=None, trigger="command")
    assert (run.status, run.requested_by) == (AnalysisRun.Status.QUEUED, None)


def test_parameters_refused_to_a_non_ops_user_write_nothing(executive: Any) -> None:
    before = services.analysis_parameters_get()
    with pytest.raises(PermissionDenied, match=rules.PARAMETERS_REFUSED):
        services.analysis_parameters_update(changed_by=executive, horizon_years=5)
    after = AnalysisParameters.objects.get(pk=before.pk)
    assert (after.horizon_years, after.version) == (before.horizon_years, before.version)
    assert after.history.count() == before.history.count()


def test_schedule_refused_to_a_non_ops_user_writes_nothing(owner: Any) -> None:
    before = schedules.nightly_schedule_get()
    with pytest.raises(PermissionDenied, match=rules.SCHEDULE_REFUSED):
        schedules.nightly_schedule_update(
            changed_by=owner, minute="5", hour="3", day_of_week="*", enabled=False
        )
    assert schedules.nightly_schedule_get() == before
    assert PeriodicTask.objects.get(name=NIGHTLY_NAME).enabled is True
