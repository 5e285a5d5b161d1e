from datetime import date

import numpy as np
import pandas as pd

from valuation.analysis import columns as c
from valuation.analysis.value_ledger import value_ledger_summary
from valuation.analysis.windows import Windows

WINDOWS = Windows.from_as_of(date(2026, 6, 15))  # Y3 = 1 Jul 2025 .. 15 Jun 2026

LEDGER = pd.DataFrame(
    [
        (1, "delivered", date(2025, 7, 1), 1_000.0),  # first day of Y3
        (1, "delivered", date(2026, 6, 15), 500.0),  # T
        (1, "delivered", date(2026, 6, 16), 9_999.0),  # after T: ignored
        (1, "delivered", date(2025, 6, 30), 9_999.0),  # before Y3: ignored
        (1, "received", date(2026, 1, 10), 600.0),
        (2, "delivered", date(2026, 1, 10), 300.0),
    ],
    columns=[c.ACCOUNT, c.DIRECTION, c.DATE, c.AMOUNT],
)


def test_value_delivered_received_and_ratio():
    result = value_ledger_summary(LEDGER, WINDOWS, accounts=pd.Index([1, 2, 3]))

    # account 1: delivered 1 000 + 500 = 1 500, received 600, ratio 2.5
    assert result.loc[1].tolist() == [1_500.0, 600.0, 2.5]
    # account 2: nothing received → ratio empty
    assert result.loc[2, c.VALUE_DELIVERED_TTM] == 300.0
    assert result.loc[2, c.VALUE_RECEIVED_TTM] == 0.0
    assert np.isnan(result.loc[2, c.VALUE_RATIO])
    # account 3: no ledger at all
    assert result.loc[3, [c.VALUE_DELIVERED_TTM, c.VALUE_RECEIVED_TTM]].tolist() == [0.0, 0.0]
    assert np.isnan(result.loc[3, c.VALUE_RATIO])


def test_empty_ledger():
    result = value_ledger_summary(LEDGER.iloc[0:0], WINDOWS, accounts=pd.Index([1]))

    assert result.loc[1, c.VALUE_DELIVERED_TTM] == 0.0
    assert np.isnan(result.loc[1, c.VALUE_RATIO])


def test_rows_are_indexed_by_account_in_the_order_asked():
    result = value_ledger_summary(LEDGER, WINDOWS, accounts=pd.Index([3, 1]))
    by_ledger = value_ledger_summary(LEDGER, WINDOWS)

    assert result.index.name == c.ACCOUNT
    assert result.index.tolist() == [3, 1]
    assert by_ledger.index.name == c.ACCOUNT
    assert by_ledger.index.tolist() == [1, 2]
