"""Analysis runs: queue, claim, execute, reap. Every way of running goes through here.

The run's row in the database is the truth: a worker claims a queued run with a
conditional UPDATE (two workers can never both execute it), writes every snapshot and the
run's result in one transaction, and a periodic sweep fails runs whose worker vanished.

A run the workers execute over more accounts than ``KAM_ANALYSIS_SHARD_SIZE`` is computed
in shards (ranges of account ids), a Celery chord: the worker that claimed it computes the
portfolio-level S once and sends the shards; each shard, on whichever worker takes it,
computes and writes its accounts' snapshots in a transaction of its own; the chord's last
step adds up the Pareto and the warnings and marks the run succeeded. Until then the run is
"running" and nothing reads its snapshots; a shard that fails for good fails the run and
deletes every snapshot of it, as the sweep does for a run whose worker died. In process
(no broker, ``KAM_TASKS_EAGER``) and from the command line a run is computed in one piece.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Collection, Iterator
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from celery import chord
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import Account, AccountEvent, Complaint
from kam.bulk import COPY_ROWS_PER_CHUNK, copy_column_batches
from kam.concurrent_reads import shared_snapshot
from kam.row_locks import key_share_locked, share_locked
from kam.rules import require
from kam.types import User
from kam.versioning import versioned_update
from portfolio import loaders
from portfolio.churn.signals import DEFAULT_WEIGHTS
from portfolio.models import (
    SNAPSHOT_FIGURES,
    AccountSnapshot,
    AnalysisParameters,
    AnalysisRun,
)
from portfolio.pipeline import (
    AnalysisInputs,
    AnalysisResult,
    BeforeCosts,
    analyse_before_costs,
    analyse_costs_in_parts,
    costs_summed,
    portfolio_costs,
    small_account_revenue_of,
)
from portfolio.rules import (
    PARAMETERS_REFUSED,
    RUN_REFUSED,
    can_edit_parameters,
    can_run_analysis,
)
from portfolio.tasks import (
    analysis_run_execute_task,
    analysis_shard_task,
    analysis_shards_finish_task,
)
from valuation.analysis import columns as analysis_columns
from valuation.analysis.parameters import THRESHOLD_FIELDS
from valuation.analysis.parameters import AnalysisParameters as Parameters
from valuation.analysis.windows import Windows

logger = logging.getLogger(__name__)
Status = AnalysisRun.Status
# What a run stores in English (its progress message, the sweep's error) is marked for
# translation and shown in the reader's language (AnalysisRun.progress_message_display).
QUEUE_UNREACHABLE = gettext_noop(
    "The job queue is unreachable; the run will be sent when it is back."
)

# The snapshot's fields by the names `_snapshot_columns` gives (run_id, account_id, figures),
# and those it writes, in its order.
SNAPSHOT_COLUMNS = {field.attname: field for field in AccountSnapshot._meta.concrete_fields}
SNAPSHOT_WRITTEN = ("run_id", "account_id", *SNAPSHOT_FIGURES, "signals", "cost_by_activity_type")
PARAMETER_FIELDS = [
    "discount_rate",
    "horizon_years",
    "base_retention",
    "acquisition_cost",
    "small_account_revenue",
    "margin_target",
    "attractiveness_threshold",
    # the churn signal table (DOMAIN.md): weights, at_risk_score, thresholds
    *(f"weight_{code}" for code in DEFAULT_WEIGHTS),
    "at_risk_score",
    *THRESHOLD_FIELDS,
]


def analysis_parameters_get() -> AnalysisParameters:
    """The parameters row, created with DOMAIN.md defaults on first use."""
    parameters, _ = AnalysisParameters.objects.get_or_create(pk=1)
    return parameters


@transaction.atomic
def analysis_parameters_update(
    *,
    changed_by: User,
    version: int | None = None,
    **given: Decimal | int | None,
) -> AnalysisParameters:
    """Change the parameters given (PARAMETER_FIELDS by name; None: left as it is) after
    validating them all; the change is kept in history with `changed_by`. Only what differs
    is written; a stale `version` raises VersionConflictError (kam/versioning.py) and writes
    nothing. PermissionDenied unless `changed_by` may change them (portfolio.rules);
    ValidationError for a name that is not a parameter or a value out of its range."""
    require(can_edit_parameters(changed_by), _(PARAMETERS_REFUSED))
    unknown = sorted(set(given) - set(PARAMETER_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, _("This is not an analysis parameter.")))
    values = {name: value for name, value in given.items() if value is not None}
    stored = analysis_parameters_get()
    parameters = AnalysisParameters.objects.select_for_update().get(pk=stored.pk)
    for name, value in values.items():
        setattr(parameters, name, value)
    parameters.full_clean()
    errors = parameters_as_pure(parameters).validate(translate=_)
    if errors:
        # The pure checks' words, in the reader's language.
        raise ValidationError(errors)
    fresh: AnalysisParameters
    fresh, _changed = versioned_update(
        instance=stored, values=values, version=version, by=changed_by
    )
    return fresh


def parameters_as_pure(parameters: AnalysisParameters) -> Parameters:
    return Parameters(**{name: _plain(getattr(parameters, name)) for name in PARAMETER_FIELDS})


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def analysis_run_create(*, as_of: date, requested_by: User | None, trigger: str) -> AnalysisRun:
    """Validate the request and insert a queued run. Raises ValidationError, writes nothing
    then: a future date, a date before any data, invalid parameters, or a run for the same
    as-of date already waiting or running. `requested_by` is None for the product itself
    (the nightly schedule, the command line); a user must be allowed to run the analysis
    (portfolio.rules), PermissionDenied otherwise."""
    if requested_by is not None:
        require(can_run_analysis(requested_by), _(RUN_REFUSED))
    today = timezone.localdate()
    if as_of > today:
        raise ValidationError(
            {
                "as_of": _("%(as_of)s is in the future; choose today or earlier.")
                % {"as_of": date_format(as_of)}
            }
        )
    if not loaders.has_data_on_or_before(as_of):
        earliest = loaders.earliest_data_date()
        if earliest is None:
            raise ValidationError(
                {"as_of": _("There is no revenue or activity data to analyse yet.")}
            )
        raise ValidationError(
            {
                "as_of": _("%(as_of)s is before the first data (%(earliest)s).")
                % {"as_of": date_format(as_of), "earliest": date_format(earliest)}
            }
        )
    parameters = parameters_as_pure(analysis_parameters_get())
    errors = parameters.validate(translate=_)
    if errors:
        raise ValidationError({"parameters": [f"{k}: {v}" for k, v in errors.items()]})
    try:
        with transaction.atomic():
            return AnalysisRun.objects.create(
                as_of=as_of,
                trigger=trigger,
                requested_by=requested_by,
                parameters=asdict(parameters),
            )
    except IntegrityError as error:
        raise ValidationError(
            {
                "as_of": _("A run as of %(as_of)s is already queued or running; wait for it.")
                % {"as_of": date_format(as_of)}
            }
        ) from error


def analysis_run_enqueue(*, run: AnalysisRun) -> bool:
    """Hand the run to the workers. Returns False (and notes it on the run) when the broker
    cannot be reached; the sweep sends it again when the broker is back."""
    try:
        analysis_run_execute_task.delay(run.pk)
    except BrokerError as error:
        logger.warning("Could not queue analysis run %s: %s", run.pk, error)
        AnalysisRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
            progress_message=QUEUE_UNREACHABLE
        )
        return False
    return True


def analysis_run_queue(*, as_of: date, requested_by: User | None, trigger: str) -> AnalysisRun:
    """Create a queued run and send it to the workers once the row is committed."""
    with transaction.atomic():
        run = analysis_run_create(as_of=as_of, requested_by=requested_by, trigger=trigger)
        transaction.on_commit(lambda: analysis_run_enqueue(run=run))
    run.refresh_from_db()
    return run


def analysis_run_queue_nightly(*, as_of: date) -> AnalysisRun | None:
    """The nightly entry: idempotent per as-of date (a backlog never runs a night twice)."""
    if AnalysisRun.objects.filter(as_of=as_of).exclude(status=Status.FAILED).exists():
        return None
    return analysis_run_queue(as_of=as_of, requested_by=None, trigger=AnalysisRun.Trigger.SCHEDULE)


def _progress(run_id: int, percent: int, message: str) -> None:
    AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        progress=percent, progress_message=message, heartbeat_at=timezone.now()
    )


def analysis_run_execute(*, run_id: int, in_shards: bool = False) -> AnalysisRun | None:
    """Claim the run and compute it. Safe to call twice: only the caller whose conditional
    UPDATE moves it from queued to running does the work. All snapshots and the run's
    result are written in one transaction; on any error the run is marked failed with the
    error text, no snapshot of it remains, and the error is re-raised.

    ``in_shards`` (a worker's call): when the portfolio holds more accounts than
    ``KAM_ANALYSIS_SHARD_SIZE``, send its shards to the workers instead and return the run
    still running (the module's docstring)."""
    now = timezone.now()
    claimed = AnalysisRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=1,
        progress_message=gettext_noop("Loading data"),
    )
    if claimed != 1:
        return None
    run = AnalysisRun.objects.get(pk=run_id)
    try:
        if in_shards and _shards_sent(run):
            return run
        prepared = analysis_prepare(as_of=run.as_of, params=Parameters(**run.parameters))
        _progress(run_id, 85, gettext_noop("Writing snapshots"))
        with transaction.atomic():
            # The run's row first: from here the sweep cannot fail the run until this commits.
            if not share_locked(AnalysisRun, pk=run_id, status=Status.RUNNING):
                # The sweep declared this run dead meanwhile: keep its verdict, write nothing.
                raise RuntimeError("The run was marked failed while it was computing.")
            AccountSnapshot.objects.filter(run_id=run_id).delete()
            written = _snapshots_write(run_id, prepared, key_share_locked(Account))
            costs = portfolio_costs(written.costs)
            finished = AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
                status=Status.SUCCEEDED,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                progress=100,
                progress_message=gettext_noop("Done"),
                accounts_analysed=written.accounts,
                warnings=[*prepared.warnings, *costs.warnings, *written.left_out],
                cost_by_activity_type=_pareto_rows(costs.cost_pareto),
            )
            if finished != 1:  # cannot happen while the row is locked; said if it does
                raise RuntimeError("The run was no longer running when its snapshots were written.")
    except Exception as error:
        AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}",
        )
        raise
    run.refresh_from_db()
    return run


@dataclasses.dataclass(frozen=True)
class PreparedRun:
    """What a run read, with every figure that needs no activities (``analysis_prepare``)."""

    before: BeforeCosts
    activities: pd.DataFrame
    rates: pd.DataFrame
    activity_types: pd.DataFrame
    warnings: list[str]  # the data-quality warnings about the whole portfolio's rows


def analysis_prepare(
    *,
    as_of: date,
    params: Parameters,
    accounts: loaders.AccountRange | None = None,
    small_account_revenue: float | None = None,
) -> PreparedRun:
    """Every frame of the run at `as_of`, read from one snapshot of the database, and the
    figures that need no activities; ``analyse_costs`` finishes them.

    The service activities, most of the time, are aggregated by the database in
    ``KAM_ANALYSIS_READ_PARTS`` parts (ranges of the table's blocks) on connections of their
    own, while this connection loads the other frames and the figures that do not need
    activities are computed.

    With ``accounts``, those accounts only (a shard), with S given as
    ``small_account_revenue`` and without the portfolio's data-quality warnings (the run
    says them once)."""
    windows = Windows.from_as_of(as_of)
    parts = (
        loaders.activity_block_ranges(settings.KAM_ANALYSIS_READ_PARTS)
        if accounts is None
        else [(None, None)]
    )
    with shared_snapshot() as submit:
        pending = [
            submit(partial(loaders.activities_frame, windows, blocks=blocks, accounts=accounts))
            for blocks in parts
        ]
        inputs = AnalysisInputs(
            **{
                **loaders.frames_besides_activities(windows, accounts=accounts),
                **signal_frames_wide(as_of, params, accounts=accounts),
            }
        )
        left_out = loaders.data_quality_warnings() if accounts is None else []
        before = analyse_before_costs(
            inputs, params, as_of, small_account_revenue=small_account_revenue
        )
        activities = loaders.activity_frames_joined([future.result() for future in pending])
    # In one order whatever the database's: each account's cost is then added up in the
    # same order by the run in one piece and by its shard, to the last bit (quantity ×
    # rate ends in half cents often enough for float noise to move a cent otherwise).
    activities = activities.sort_values(
        [analysis_columns.ACCOUNT, analysis_columns.ACTIVITY_TYPE, analysis_columns.DATE],
        kind="stable",
        ignore_index=True,
    )
    return PreparedRun(
        before=before,
        activities=activities,
        rates=inputs.rates,
        activity_types=inputs.activity_types,
        warnings=left_out,
    )


# The windows the loaders read complaints and events over (portfolio.loaders).
LOADED_COMPLAINT_DAYS = 90
LOADED_EVENT_DAYS = 365


def signal_frames_wide(
    as_of: date, params: Parameters, *, accounts: loaders.AccountRange | None = None
) -> dict[str, pd.DataFrame]:
    """The complaints and events again, over the longer windows the run's parameters ask
    for when ops widened a signal's days beyond what the loaders read (none by default)."""
    frames: dict[str, pd.DataFrame] = {}
    complaint_days = int(params.recurring_days)
    event_days = max(
        int(params.competitor_days), int(params.ultimatum_days), int(params.litigation_days)
    )
    if complaint_days > LOADED_COMPLAINT_DAYS:
        rows = list(
            Complaint.objects.filter(
                loaders.of_accounts(accounts),
                opened_on__gte=as_of - timedelta(days=complaint_days),
                opened_on__lte=as_of,
            ).values_list("account_id", "category", "opened_on")
        )
        frames["complaints"] = pd.DataFrame(rows, columns=list(analysis_columns.COMPLAINT_COLUMNS))
    if event_days > LOADED_EVENT_DAYS:
        rows = list(
            AccountEvent.objects.filter(
                loaders.of_accounts(accounts),
                date__gte=as_of - timedelta(days=event_days),
                date__lte=as_of,
            ).values_list("account_id", "kind", "date")
        )
        frames["events"] = pd.DataFrame(rows, columns=list(analysis_columns.EVENT_COLUMNS))
    return frames


def _storable_limit(field: models.Field[Any, Any]) -> float | None:
    """The largest absolute value the snapshot's column stores (None: not a number column)."""
    if isinstance(field, models.DecimalField):
        return float(10 ** (field.max_digits - field.decimal_places))
    if isinstance(field, models.PositiveSmallIntegerField):
        return 32_767.0
    if isinstance(field, models.IntegerField):
        return 2_147_483_647.0
    return None


def _figures_too_large(figures: pd.DataFrame) -> dict[int, list[str]]:
    """The accounts (of the result's figures) whose figures the snapshot's columns cannot
    hold (beyond a NUMERIC column's digits, or not finite), each with those figures."""
    too_large: dict[int, list[str]] = {}
    for name in SNAPSHOT_FIGURES:
        field = SNAPSHOT_COLUMNS[name]
        limit = _storable_limit(field)
        if limit is None:
            continue
        values = pd.to_numeric(figures[name], errors="coerce").astype("float64")
        places = field.decimal_places if isinstance(field, models.DecimalField) else 0
        rounded = values.round(places or 0)
        fits = rounded.abs().lt(limit) | (values.isna() & bool(field.null))
        for account in figures.index[~fits.to_numpy()]:
            value = values[account]
            shown = "not a number" if value != value else f"{value:.3g}"
            too_large.setdefault(int(account), []).append(f"{name} {shown}")
    return too_large


def _left_out_warnings(too_large: dict[int, list[str]]) -> list[str]:
    """A data-quality warning of the run per account left out for figures too large,
    naming the account and the figures."""
    if not too_large:
        return []
    names = {
        pk: f"{name} ({external_id})" if external_id else name
        for pk, name, external_id in Account.objects.filter(pk__in=too_large).values_list(
            "pk", "name", "external_id"
        )
    }
    return [
        f"{names.get(account, f'Account {account}')}: "
        f"{', '.join(parts)} {'does' if len(parts) == 1 else 'do'} not fit the stored figures; "
        "the account was left out of this run. Correct its data (a quantity, rate or amount "
        "far too large) and run again."
        for account, parts in sorted(too_large.items())
    ]


# A run that writes its snapshots costs its accounts in about this many parts, of at least
# so many accounts: PostgreSQL stores one part while the next is costed and formatted (a
# part's costing has a fixed cost of about 15 ms).
WRITTEN_PARTS = 8
WRITTEN_PART_ACCOUNTS = 2_500


@dataclasses.dataclass
class SnapshotsWritten:
    """What ``_snapshots_write`` wrote: how many snapshots, each part's cost per activity
    type and uncosted activities (for ``portfolio_costs``), and the warnings of the
    accounts left out."""

    accounts: int = 0
    costs: list[tuple[pd.Series, pd.DataFrame]] = dataclasses.field(default_factory=list)
    left_out: list[str] = dataclasses.field(default_factory=list)


def _snapshots_write(
    run_id: int, prepared: PreparedRun, existing: Collection[int]
) -> SnapshotsWritten:
    """Cost the prepared accounts part by part and insert their snapshots in the current
    transaction, through kam.bulk.copy_column_batches (COPY on PostgreSQL, bulk_create's
    SQL building costs seconds at 10,000 snapshots): each part is costed and formatted as
    COPY reads it, while PostgreSQL stores the part before.

    Left out: the accounts not in ``existing`` (deleted since the run read them; the caller
    holds them locked, kam.row_locks), and the accounts whose figures the snapshot cannot
    hold, each with a data-quality warning: absurd data of one account (a quantity or a
    rate typed a million times too large) cannot fail the analysis of the whole
    portfolio. Nothing in ``batches`` may query the database: the connection is busy with
    COPY until it ends (the names of the accounts left out are read after)."""
    written = SnapshotsWritten()
    too_large: dict[int, list[str]] = {}
    accounts = prepared.before.figures.index
    deleted = list(set(accounts.tolist()).difference(existing))

    def batches() -> Iterator[list[list[Any]]]:
        for part in analyse_costs_in_parts(
            prepared.before,
            activities=prepared.activities,
            rates=prepared.rates,
            activity_types=prepared.activity_types,
            size=max(WRITTEN_PART_ACCOUNTS, -(-len(accounts) // WRITTEN_PARTS)),
        ):
            written.costs.append((part.cost_by_type, part.unrated))
            unfit = _figures_too_large(part.accounts)
            too_large.update(unfit)
            figures = part.accounts
            kept = figures[~figures.index.isin([*deleted, *unfit])]
            columns = _snapshot_columns(run_id, dataclasses.replace(part, accounts=kept))
            written.accounts += len(kept)
            for start in range(0, len(kept), COPY_ROWS_PER_CHUNK):
                end = start + COPY_ROWS_PER_CHUNK
                yield [
                    _copy_values(SNAPSHOT_COLUMNS[name], columns[name][start:end])
                    for name in SNAPSHOT_WRITTEN
                ]

    copy_column_batches(
        table=AccountSnapshot._meta.db_table,
        columns=[SNAPSHOT_COLUMNS[name].column for name in SNAPSHOT_WRITTEN],
        batches=batches(),
    )
    written.left_out = _left_out_warnings(too_large)
    return written


def _copy_values(field: models.Field[Any, Any], values: list[Any]) -> list[Any]:
    """A decimal field's floats as text with the field's decimal places (None for NaN or
    None), written once per value with C-level formatting (str() of a float, which
    copy_rows would call, is slower and keeps float noise); other values as they are
    (kam.bulk writes lists and dicts, the signals, as JSON text)."""
    if not isinstance(field, models.DecimalField):
        return values
    spec = f".{field.decimal_places}f"
    if not pd.isna(values).any():
        return [format(value, spec) for value in values]
    return [None if value is None or value != value else format(value, spec) for value in values]


def _snapshot_columns(run_id: int, result: AnalysisResult) -> dict[str, list[Any]]:
    """The AccountSnapshot fields to write and one value per account of the result in each
    (figures as the analysis rounded them, counts as ints, the signals as lists, the cost per
    activity type as JSON text)."""
    figures = result.accounts
    accounts = figures.index.astype("int64")
    columns: dict[str, list[Any]] = {
        "run_id": [run_id] * len(accounts),
        "account_id": accounts.tolist(),
    }
    for name in SNAPSHOT_FIGURES:
        values = figures[name]
        if isinstance(AccountSnapshot._meta.get_field(name), models.IntegerField):
            values = values.round().astype("int64")
        columns[name] = values.tolist()
    columns["signals"] = figures["signals"].tolist()  # JSON text as kam.bulk writes it
    by_type = _cost_by_activity_type_json(result.cost_by_account_and_type)
    columns["cost_by_activity_type"] = [by_type.get(account, "{}") for account in accounts]
    return columns


def _cost_by_activity_type_json(summed: pd.DataFrame) -> dict[int, str]:
    """{account: JSON object {activity type code: Y3 cost rounded to cents}} from the
    analysis's cost per account and type, zero costs left out (about 100,000 pairs at
    10,000 accounts, joined in one pass over the rows sorted by account)."""
    if summed.empty:
        return {}
    cost = summed[analysis_columns.COST].round(2)
    kept = summed.assign(**{analysis_columns.COST: cost})[cost != 0]
    kept = kept.sort_values(analysis_columns.ACCOUNT, kind="stable")
    if kept.empty:  # every cost rounds to 0 (no rate in force, or under half a cent)
        return {}
    keys = {
        code: f"{json.dumps(str(code))}: " for code in kept[analysis_columns.ACTIVITY_TYPE].unique()
    }
    accounts = kept[analysis_columns.ACCOUNT].to_numpy("int64")
    pairs = list(
        map(
            str.__add__,
            map(keys.__getitem__, kept[analysis_columns.ACTIVITY_TYPE].tolist()),
            map(repr, kept[analysis_columns.COST].tolist()),
        )
    )
    # Where each account's pairs begin (they are sorted by account), and end.
    starts = np.flatnonzero(np.diff(accounts, prepend=accounts[0] - 1)).tolist()
    ends = [*starts[1:], len(pairs)]
    return {
        account: "{" + ", ".join(pairs[start:end]) + "}"
        for account, start, end in zip(accounts[starts].tolist(), starts, ends, strict=True)
    }


def _pareto_rows(pareto: Any) -> list[dict[str, Any]]:
    return [
        {
            "activity_type": str(row["activity_type"]),
            "cost": round(float(row["cost"]), 2),
            "share": round(float(row["share"]), 6),
            "cumulative_share": round(float(row["cumulative_share"]), 6),
            "vital_few": bool(row["vital_few"]),
        }
        for row in pareto.to_dict("records")
    ]


def analysis_runs_reap() -> dict[str, int]:
    """Fail runs whose worker stopped reporting, and re-send queued runs the broker lost.

    A Redis broker redelivers a task of a killed worker only after its visibility timeout
    (an hour), so the database row, not the broker, decides. A failed run's snapshots (the
    shards written before a worker died) are deleted with it; a run whose row a writer holds
    (a shard or the whole run committing) is left to the next sweep."""
    now = timezone.now()
    # A running run whose worker has not reported for this long is presumed dead.
    stale_after = timedelta(seconds=settings.KAM_ANALYSIS_STALE_SECONDS)
    with transaction.atomic():
        stale = list(
            AnalysisRun.objects.select_for_update(skip_locked=True)
            .filter(status=Status.RUNNING, heartbeat_at__lt=now - stale_after)
            .values_list("pk", flat=True)
        )
        failed = AnalysisRun.objects.filter(pk__in=stale).update(
            status=Status.FAILED,
            finished_at=now,
            error=gettext_noop(
                "The worker stopped responding (it was stopped or crashed); queue a new run."
            ),
        )
        AccountSnapshot.objects.filter(run_id__in=stale).delete()
    # Queued runs the broker never received (or lost) are sent again after this long.
    requeue_after = timedelta(seconds=settings.KAM_ANALYSIS_REQUEUE_SECONDS)
    requeued = 0
    for run in AnalysisRun.objects.filter(status=Status.QUEUED, queued_at__lt=now - requeue_after):
        requeued += int(analysis_run_enqueue(run=run))
    return {"failed": failed, "requeued": requeued}


# --- Runs in shards -------------------------------------------------------------------------

# How much of the progress bar the shards share (the rest: loading, then the finish).
SHARDS_PROGRESS = 90


def _shards_sent(run: AnalysisRun) -> bool:
    """Send the run's shards to the workers when the portfolio holds more accounts than one
    shard; False (nothing sent) to compute it in one piece. S, the portfolio-level figure
    every account's replacement cost divides by, and the data-quality warnings about the
    whole portfolio are computed here, once."""
    size = settings.KAM_ANALYSIS_SHARD_SIZE
    if size <= 0:
        return False
    shards = loaders.account_ranges(size)
    if len(shards) < 2:
        return False
    windows = Windows.from_as_of(run.as_of)
    params = Parameters(**run.parameters)
    small = small_account_revenue_of(
        AnalysisInputs(
            accounts=loaders.accounts_frame(),
            revenue=loaders.revenue_frame(windows, designation=analysis_columns.TRANSACTIONAL),
        ),
        params,
        run.as_of,
    )
    warnings = loaders.data_quality_warnings()
    _progress(run.pk, 5, f"Computing {len(shards)} shards of up to {size:,} accounts")
    step = max(1, SHARDS_PROGRESS // len(shards))
    chord(analysis_shard_task.s(run.pk, first, last, small, step) for first, last in shards)(
        analysis_shards_finish_task.s(run.pk, warnings)
    )
    return True


def analysis_shard_execute(
    *,
    run_id: int,
    accounts: loaders.AccountRange,
    small_account_revenue: float,
    progress_step: int = 0,
) -> dict[str, Any] | None:
    """Compute and write the snapshots of the run's accounts in ``accounts`` (ids, both
    included), in one transaction; a shard written before (a retry) is replaced. Returns
    what the run's finish adds up (JSON: accounts written, the cost per activity type, the
    uncosted activities, the warnings of accounts left out), or None, writing nothing, when
    the run is no longer running (another shard failed it, or the sweep)."""
    run = AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).first()
    if run is None:
        return None
    # The heartbeat: a shard began.
    AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(heartbeat_at=timezone.now())
    prepared = analysis_prepare(
        as_of=run.as_of,
        params=Parameters(**run.parameters),
        accounts=accounts,
        small_account_revenue=small_account_revenue,
    )
    with transaction.atomic():
        # First the run's row, FOR SHARE: the sweep cannot fail the run while this shard
        # writes, and the other shards write at the same time.
        if not share_locked(AnalysisRun, pk=run_id, status=Status.RUNNING):
            return None
        existing = key_share_locked(Account, ids=accounts)
        AccountSnapshot.objects.filter(loaders.of_accounts(accounts), run_id=run_id).delete()
        written = _snapshots_write(run_id, prepared, existing)
    AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        heartbeat_at=timezone.now(),
        progress=Least(F("progress") + progress_step, Value(5 + SHARDS_PROGRESS)),
    )
    by_type, unrated = costs_summed(written.costs)
    return {
        "accounts": written.accounts,
        "cost_by_type": {str(code): float(cost) for code, cost in by_type.items()},
        "unrated": [
            [str(kind), str(reason), int(count), float(quantity)]
            for kind, reason, count, quantity in unrated[list(UNRATED_COLUMNS)].itertuples(
                index=False
            )
        ],
        "left_out": written.left_out,
    }


UNRATED_COLUMNS = (
    analysis_columns.ACTIVITY_TYPE,
    analysis_columns.REASON,
    analysis_columns.ACTIVITY_COUNT,
    analysis_columns.QUANTITY,
)


def analysis_shards_finish(
    *, run_id: int, parts: list[dict[str, Any] | None], warnings: list[str]
) -> AnalysisRun | None:
    """The chord's last step: the run-level figures from every shard's part (the Pareto of
    the whole portfolio's cost per activity type, the warnings), then the run succeeded,
    in one transaction that checks every shard's snapshots are there. None when the run
    is no longer running; on an error the run fails with no snapshot left."""
    if any(part is None for part in parts):
        return None
    try:
        costs = portfolio_costs(
            [
                (
                    pd.Series(part["cost_by_type"], dtype="float64"),
                    pd.DataFrame(part["unrated"], columns=list(UNRATED_COLUMNS)),
                )
                for part in parts
                if part is not None
            ]
        )
        analysed = sum(part["accounts"] for part in parts if part is not None)
        left_out = [warning for part in parts if part is not None for warning in part["left_out"]]
        with transaction.atomic():
            finished = AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
                status=Status.SUCCEEDED,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                progress=100,
                progress_message="Done",
                accounts_analysed=analysed,
                warnings=[*warnings, *costs.warnings, *left_out],
                cost_by_activity_type=_pareto_rows(costs.cost_pareto),
            )
            if finished != 1:
                return None
            stored = AccountSnapshot.objects.filter(run_id=run_id).count()
            if stored != analysed:
                raise RuntimeError(
                    f"The shards wrote {stored:,} snapshots where they reported {analysed:,}."
                )
    except Exception as error:
        analysis_run_fail(run_id=run_id, error=f"{type(error).__name__}: {error}")
        raise
    return AnalysisRun.objects.get(pk=run_id)


@transaction.atomic
def analysis_run_fail(*, run_id: int, error: str) -> bool:
    """Fail a running run with ``error`` and delete every snapshot of it (the shards
    written so far). False when the run was not running (nothing changed)."""
    failed = AnalysisRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        status=Status.FAILED, finished_at=timezone.now(), error=error
    )
    if failed:
        AccountSnapshot.objects.filter(run_id=run_id).delete()
    return bool(failed)
