"""Revenue windows, growth, forecast and gross margin per account (DOMAIN.md).

Revenue input (``revenue``): ACCOUNT, PERIOD_START (first day of the period), REVENUE
and COST_OF_GOODS (currency units), optionally LOCATION. Rows may be raw records or
already summed per account and month (and location): every result here is a sum, so
both give the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.analysis.columns import (
    ACCOUNT,
    AMOUNT,
    COST_OF_GOODS,
    FORECAST_2Y,
    FORECAST_COLUMNS,
    GROSS_MARGIN_TTM,
    GROWTH_RATE,
    LOCATION,
    PERIOD_START,
    REVENUE,
    REVENUE_3Y,
    REVENUE_COLUMNS,
    REVENUE_TTM,
    REVENUE_Y1,
    REVENUE_Y2,
    WINDOW,
    Y1,
    Y2,
    Y3,
)
from valuation.analysis.frames import require_columns, to_float
from valuation.analysis.windows import Windows

GROWTH_LIMIT = 0.5
_GROSS_MARGIN = "_gross_margin"


def _labelled(revenue: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    require_columns(revenue, REVENUE_COLUMNS, "revenue")
    frame = pd.DataFrame(
        {
            ACCOUNT: revenue[ACCOUNT],
            WINDOW: windows.label(revenue[PERIOD_START]),
            REVENUE: to_float(revenue[REVENUE]),
            _GROSS_MARGIN: to_float(revenue[REVENUE]) - to_float(revenue[COST_OF_GOODS]),
        }
    )
    if LOCATION in revenue.columns:
        frame[LOCATION] = revenue[LOCATION]
    return frame[frame[WINDOW].notna()]


def revenue_windows(revenue: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Revenue per account and window, and the TTM gross margin.

    Input: the revenue frame (see module docstring); rows dated after T or before Y1
    are ignored; missing amounts count as 0.
    Output: DataFrame indexed by ACCOUNT (only accounts with a row in Y1..Y3) with
    REVENUE_Y1, REVENUE_Y2, REVENUE_TTM (= Y3), REVENUE_3Y (= Y1+Y2+Y3) and
    GROSS_MARGIN_TTM (= Σ revenue − cost of goods in Y3), all float currency units.
    """
    frame = _labelled(revenue, windows)
    sums = frame.groupby([ACCOUNT, WINDOW])[[REVENUE, _GROSS_MARGIN]].sum()
    by_window = sums[REVENUE].unstack(WINDOW).reindex(columns=[Y1, Y2, Y3]).fillna(0.0)
    margin = sums[_GROSS_MARGIN].unstack(WINDOW).reindex(columns=[Y3]).fillna(0.0)
    # indexed by ACCOUNT, as grouped
    return pd.DataFrame(
        {
            REVENUE_Y1: by_window[Y1],
            REVENUE_Y2: by_window[Y2],
            REVENUE_TTM: by_window[Y3],
            REVENUE_3Y: by_window[Y1] + by_window[Y2] + by_window[Y3],
            GROSS_MARGIN_TTM: margin[Y3],
        }
    ).astype("float64")


def growth_rate(revenue_y1: pd.Series, revenue_ttm: pd.Series) -> pd.Series:
    """g = (Y3 / Y1)^(1/2) − 1 when Y1 > 0 and Y3 > 0, else 0; clipped to [−0.5, 0.5].

    Inputs: two aligned float Series (same index). Output: float Series, same index,
    named GROWTH_RATE (a fraction per year: 0.1 = 10 %).
    """
    y1 = revenue_y1.to_numpy(dtype="float64")
    y3 = revenue_ttm.to_numpy(dtype="float64")
    computable = (y1 > 0) & (y3 > 0)
    ratio = np.divide(y3, y1, out=np.ones_like(y3), where=computable)
    growth = np.where(computable, np.sqrt(ratio) - 1.0, 0.0)
    return pd.Series(
        np.clip(growth, -GROWTH_LIMIT, GROWTH_LIMIT), index=revenue_ttm.index, name=GROWTH_RATE
    )


def forecast_2y(
    forecasts: pd.DataFrame, revenue_ttm: pd.Series, growth: pd.Series, windows: Windows
) -> pd.Series:
    """Revenue expected over the 24 months after T's month, per account.

    forecasts: ACCOUNT, PERIOD_START, AMOUNT (currency units). Records with
    ``windows.forecast_start ≤ period_start < windows.forecast_end`` are summed.
    An account with no forecast record in that range (not even a zero one) falls back
    to revenue_ttm·(1+g) + revenue_ttm·(1+g)².
    Output: float Series indexed like ``revenue_ttm`` (accounts not in that index are
    ignored), named FORECAST_2Y.
    """
    require_columns(forecasts, FORECAST_COLUMNS, "forecasts")
    in_range = forecasts[windows.in_forecast(forecasts[PERIOD_START])]
    amounts = pd.DataFrame({ACCOUNT: in_range[ACCOUNT], AMOUNT: to_float(in_range[AMOUNT])})
    sums = amounts.groupby(ACCOUNT)[AMOUNT].sum().reindex(revenue_ttm.index)
    has_forecast = revenue_ttm.index.isin(amounts[ACCOUNT])
    ttm = revenue_ttm.astype("float64")
    factor = 1.0 + growth.astype("float64")
    fallback = ttm * factor + ttm * factor**2
    return sums.where(has_forecast, fallback).astype("float64").rename(FORECAST_2Y)


def revenue_summary(
    revenue: pd.DataFrame,
    forecasts: pd.DataFrame,
    windows: Windows,
    accounts: pd.Index | None = None,
) -> pd.DataFrame:
    """All revenue figures per account in one frame.

    Inputs: the revenue frame and the forecasts frame (see ``revenue_windows`` and
    ``forecast_2y``); ``accounts``: the accounts to report (default: every account that
    appears in ``revenue``). Accounts without data get zeros (and a fallback forecast
    of 0).
    Output: DataFrame indexed by ACCOUNT with REVENUE_Y1, REVENUE_Y2, REVENUE_TTM,
    REVENUE_3Y, GROSS_MARGIN_TTM, GROWTH_RATE, FORECAST_2Y (unrounded floats).
    """
    summary = revenue_windows(revenue, windows)
    index = summary.index if accounts is None else pd.Index(accounts, name=ACCOUNT)
    summary = summary.reindex(index, fill_value=0.0)
    summary[GROWTH_RATE] = growth_rate(summary[REVENUE_Y1], summary[REVENUE_TTM])
    summary[FORECAST_2Y] = forecast_2y(
        forecasts, summary[REVENUE_TTM], summary[GROWTH_RATE], windows
    )
    return summary


def revenue_by_location(revenue: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Revenue per account, location and window (for the account page).

    Input: the revenue frame; without a LOCATION column every row has location None.
    Output: DataFrame with columns ACCOUNT, LOCATION, WINDOW ("Y1"/"Y2"/"Y3"), REVENUE
    (unrounded float), sorted by account, location, window; only combinations with at
    least one record appear. Rows with no location are kept (location NaN/None).
    """
    frame = _labelled(revenue, windows)
    if LOCATION not in frame.columns:
        frame[LOCATION] = None
    # grouping sorts by account, location (no location last) and window
    return frame.groupby([ACCOUNT, LOCATION, WINDOW], dropna=False)[REVENUE].sum().reset_index()
