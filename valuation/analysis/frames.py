"""Small frame helpers shared by the analysis modules (private)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the missing columns of an input frame."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"The {name} frame is missing column(s): {', '.join(missing)}")


def to_float(values: pd.Series) -> pd.Series:
    """Decimal / int / float / None → float64, with missing values as 0."""
    return values.astype("float64").fillna(0.0)


def empty_frame(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def to_cents(values: pd.Series | np.ndarray) -> np.ndarray:
    """Money → whole cents (int64), for exact comparisons of money amounts."""
    return np.rint(np.asarray(values, dtype="float64") * 100).astype("int64")


def round_money(values: pd.Series) -> pd.Series:
    """Round to cents; ``+ 0.0`` turns -0.0 into 0.0 so nothing prints as "-0.00"."""
    return values.astype("float64").round(2) + 0.0


def round_ratio(values: pd.Series) -> pd.Series:
    """Round ratios and rates to 6 decimal places (NaN stays NaN)."""
    return values.astype("float64").round(6) + 0.0
