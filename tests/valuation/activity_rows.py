"""Service activities as stored, and as a file's rows should store them, for comparing the
two whichever way the file was imported."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

from valuation.models import ServiceActivity


def stored() -> Counter[tuple[str, str, datetime.date, Decimal]]:
    return Counter(
        ServiceActivity.objects.values_list(
            "account__external_id", "activity_type__code", "date", "quantity"
        )
    )


def expected(rows: list[tuple[str, ...]]) -> Counter[tuple[Any, ...]]:
    """(account, activity type, date, quantity) rows as the importer reads them: cells
    trimmed, quantities to the cent."""
    return Counter(
        (
            account.strip(),
            code.strip(),
            datetime.date.fromisoformat(day.strip()),
            Decimal(quantity).quantize(Decimal("0.01")),
        )
        for account, code, day, quantity in rows
    )
