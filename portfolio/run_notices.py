"""Notifications after an analysis run (issue 18), called by the task and the command that
ran it, never inside the run's transaction:

* a failed run: to the ops user who queued it, or to every ops user when nobody did (the
  nightly run, `manage.py run_analysis`);
* a succeeded run: to each account's owner whose churn stage is higher than in the previous
  successful run (the run before it in the order the dashboards read: as-of, finish time, id);
  accounts missing from either run are not compared.

Each is said once per run and person (the task may run again after a retry).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy

from kam.roles import Role
from notifications.models import Kind
from notifications.selectors import users_with_role
from notifications.services import notification_message, notify
from portfolio.models import AccountSnapshot, AnalysisRun

logger = logging.getLogger(__name__)


def _previous_success(run: AnalysisRun) -> AnalysisRun | None:
    earlier = Q(as_of__lt=run.as_of)
    if run.finished_at is not None:
        earlier |= Q(as_of=run.as_of, finished_at__lt=run.finished_at)
        earlier |= Q(as_of=run.as_of, finished_at=run.finished_at, pk__lt=run.pk)
    return (
        AnalysisRun.objects.filter(earlier, status=AnalysisRun.Status.SUCCEEDED)
        .exclude(pk=run.pk)
        .order_by("-as_of", "-finished_at", "-id")
        .first()
    )


def _churn_risen_notify(run: AnalysisRun) -> int:
    previous = _previous_success(run)
    if previous is None:
        return 0
    previous_stage = AccountSnapshot.objects.filter(
        run_id=previous.pk, account_id=OuterRef("account_id")
    ).values("churn_stage")[:1]
    risen = (
        AccountSnapshot.objects.filter(run_id=run.pk, account__owner__isnull=False)
        .annotate(previous_stage=Subquery(previous_stage, output_field=IntegerField()))
        .filter(previous_stage__isnull=False, churn_stage__gt=F("previous_stage"))
        .select_related("account__owner")
        .order_by("account_id")
    )
    told = 0
    for snapshot in risen:
        account = snapshot.account
        told += len(
            notify(
                recipients=[account.owner],
                kind=Kind.CHURN_STAGE_RISEN,
                message=notification_message(
                    gettext_lazy(
                        "The churn stage of %(account)s rose from %(from)s to %(stage)s (score "
                        "%(score)s) in the analysis as of %(as_of)s."
                    ),
                    account=account.name,
                    **{"from": snapshot.previous_stage},
                    stage=snapshot.churn_stage,
                    score=snapshot.churn_score,
                    as_of=run.as_of.isoformat(),
                ),
                url=reverse("portfolio:account-analysis", args=[account.pk]),
                once_key=f"churn-stage:{run.pk}:{account.pk}",
            )
        )
    return told


def analysis_run_notify(*, run_id: int) -> int:
    """Tell who must know how the run ended; returns the number of notifications made. Never
    raises: a failure here is logged and leaves the run as it is."""
    try:
        run = AnalysisRun.objects.select_related("requested_by").filter(pk=run_id).first()
        if run is None:
            return 0
        if run.status == AnalysisRun.Status.FAILED:
            recipients = (
                [run.requested_by]
                if run.requested_by is not None
                else list(users_with_role(Role.OPS))
            )
            return len(
                notify(
                    recipients=recipients,
                    kind=Kind.ANALYSIS_FAILED,
                    # In each recipient's language: the sweep's own error is in the
                    # catalogue (an exception's text stays as it was raised).
                    message=notification_message(
                        gettext_lazy("The analysis run %(run)s as of %(as_of)s failed: %(error)s"),
                        run=run.pk,
                        as_of=run.as_of.isoformat(),
                        error=gettext_lazy(run.error)  # noqa: INT001 - a stored msgid
                        if run.error
                        else gettext_lazy("no error was recorded"),
                    ),
                    url=reverse("portfolio:ops"),
                    once_key=f"analysis-failed:{run.pk}",
                )
            )
        if run.status == AnalysisRun.Status.SUCCEEDED:
            return _churn_risen_notify(run)
    except Exception:
        logger.exception("Could not notify about analysis run %s", run_id)
    return 0


def failed_runs_notify(*, since: datetime) -> int:
    """Tell about the runs that failed since `since` and were not told yet (the sweep fails
    the runs whose worker died: no task is left to say so)."""
    failed = AnalysisRun.objects.filter(
        status=AnalysisRun.Status.FAILED, finished_at__gte=since
    ).values_list("pk", flat=True)
    return sum(analysis_run_notify(run_id=run_id) for run_id in failed)
