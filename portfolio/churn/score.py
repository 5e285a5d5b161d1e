"""churn_score and churn_stage from fired signals (DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

from valuation.analysis.columns import (
    ACCOUNT,
    CHURN_SCORE,
    CHURN_STAGE,
    DETAIL,
    SIGNAL_CODE,
    SIGNAL_WEIGHT,
    SIGNALS,
    STAGE,
)

MAX_SCORE = 100.0


def churn_score(fired: pd.DataFrame, accounts: pd.Index) -> pd.DataFrame:
    """Score every account from its fired signals.

    fired: ACCOUNT, SIGNAL_CODE, STAGE, SIGNAL_WEIGHT, DETAIL (``churn_signals``).
    Output: DataFrame indexed by ``accounts`` with CHURN_SCORE = min(100, Σ weights)
    (float), CHURN_STAGE = the highest stage fired (int, 0 when none) and SIGNALS: a
    list of {"code", "stage", "weight", "detail"} dicts in ``fired`` order (empty list
    when none fired).
    """
    accounts = pd.Index(accounts, name=ACCOUNT)
    grouped = fired.groupby(ACCOUNT)
    totals = grouped[SIGNAL_WEIGHT].sum().reindex(accounts, fill_value=0.0)
    stages = grouped[STAGE].max().reindex(accounts, fill_value=0)
    # One pass over the fired rows (a groupby-apply per account costs seconds at 10,000).
    records: dict[object, list[dict[Hashable, object]]] = {}
    if not fired.empty:
        # records give plain Python numbers (the signals are stored as JSON)
        columns = [ACCOUNT, SIGNAL_CODE, STAGE, SIGNAL_WEIGHT, DETAIL]
        for record in fired[columns].to_dict("records"):
            records.setdefault(record.pop(ACCOUNT), []).append(record)
    signal_lists = pd.Series([records.get(account, []) for account in accounts], index=accounts)
    return pd.DataFrame(
        {
            CHURN_SCORE: totals.astype("float64").clip(upper=MAX_SCORE),
            CHURN_STAGE: stages.astype("int64"),
            SIGNALS: signal_lists,
        }
    )
