"""Value delivered to and received from each account over Y3 (DOMAIN.md, key 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.analysis.columns import (
    ACCOUNT,
    AMOUNT,
    DATE,
    DELIVERED,
    DIRECTION,
    LEDGER_COLUMNS,
    RECEIVED,
    VALUE_DELIVERED_TTM,
    VALUE_RATIO,
    VALUE_RECEIVED_TTM,
)
from valuation.analysis.frames import require_columns, to_float
from valuation.analysis.windows import Windows


def value_ledger_summary(
    ledger: pd.DataFrame, windows: Windows, accounts: pd.Index | None = None
) -> pd.DataFrame:
    """Σ ledger amounts in Y3 by direction, and their ratio, per account.

    ledger: ACCOUNT, DIRECTION ('delivered' | 'received'; other values ignored), DATE
      (the entry's date, or its period's first day), AMOUNT (currency units).
    accounts: accounts to report (default: those in the ledger); missing ones get 0.
    Output: DataFrame indexed by ACCOUNT with VALUE_DELIVERED_TTM, VALUE_RECEIVED_TTM
    and VALUE_RATIO = delivered / received (NaN when received is 0), unrounded.
    """
    require_columns(ledger, LEDGER_COLUMNS, "value ledger")
    in_y3 = ledger[windows.in_y3(ledger[DATE])]
    frame = pd.DataFrame(
        {ACCOUNT: in_y3[ACCOUNT], DIRECTION: in_y3[DIRECTION], AMOUNT: to_float(in_y3[AMOUNT])}
    )
    sums = (
        frame.groupby([ACCOUNT, DIRECTION])[AMOUNT]
        .sum()
        .unstack(DIRECTION)
        .reindex(columns=[DELIVERED, RECEIVED])
        .fillna(0.0)
    )
    if accounts is not None:
        sums = sums.reindex(accounts, fill_value=0.0)
    delivered = sums[DELIVERED].to_numpy("float64")
    received = sums[RECEIVED].to_numpy("float64")
    ratio = np.divide(delivered, received, out=np.full_like(delivered, np.nan), where=received != 0)
    result = pd.DataFrame(
        {VALUE_DELIVERED_TTM: delivered, VALUE_RECEIVED_TTM: received, VALUE_RATIO: ratio},
        index=sums.index,
    )
    result.index.name = ACCOUNT
    return result
