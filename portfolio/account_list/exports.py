"""The account list as a file: the rows the page shows (same filters and order, every page),
with the figures as numbers, formula-safe (kam/spreadsheets.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.models import Account
from kam.spreadsheets import csv_download, xlsx_download

HEADER = [
    "external_id",
    "name",
    "designation",
    "owner",
    "industry",
    "region",
    "revenue_ttm",
    "net_profit_ttm",
    "segment",
    "churn_score",
    "churn_stage",
    "at_risk",
    "last_interaction_on",
    "plan_status",
]


def _rows(accounts: QuerySet[Account]) -> Iterator[list[Any]]:
    for account in accounts.iterator(chunk_size=2000):
        figures: Any = account
        yield [
            account.external_id or "",
            account.name,
            account.designation,
            account.owner.username if account.owner else "",
            account.industry,
            account.region,
            figures.revenue_ttm,
            figures.net_profit_ttm,
            figures.segment or "",
            figures.churn_score,
            figures.churn_stage,
            {None: "", True: "true", False: "false"}[figures.at_risk],
            figures.last_interaction_on.isoformat() if figures.last_interaction_on else "",
            figures.plan_status or "",
        ]


def account_list_download(
    accounts: QuerySet[Account], *, file_format: str
) -> StreamingHttpResponse | FileResponse:
    """`accounts.csv` (streamed) or `accounts.xlsx`: every row of the filtered list, in its
    order, under the plain column names, so the file loads as a table."""
    if file_format == "csv":
        return csv_download("accounts.csv", HEADER, _rows(accounts))
    return xlsx_download("accounts.xlsx", _("Accounts"), HEADER, _rows(accounts))
