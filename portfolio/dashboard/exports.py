"""The dashboard's tables: what each chart shows, as rows for its table view and its
CSV/XLSX download (one definition, so the page and the file never disagree)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kam import formatting
from kam.spreadsheets import csv_row, xlsx_row
from portfolio.charts import SEGMENT_NAMES
from portfolio.dashboard.selectors import AccountRow, Dashboard
from portfolio.signal_words import signals_joined

TEXT, MONEY, RATIO, PERCENT, NUMBER, ACCOUNT, SEGMENT = (
    "text",
    "money",
    "ratio",
    "percent",
    "number",
    "account",
    "segment",  # a segment's code in files, its name in the reader's language on the page
)
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Cell:
    kind: str
    value: Any
    account_id: int | None = None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


def _account(row: AccountRow) -> Cell:
    return Cell(ACCOUNT, row.name, row.account_id)


def _account_table(
    key: str, title: str, rows: list[AccountRow], figures: list[tuple[str, str, str]]
) -> Table:
    columns = [
        Column(_("Account"), ACCOUNT),
        Column(_("External id")),
        Column(_("Owner")),
        *(Column(label, kind) for _name, label, kind in figures),
    ]
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=[
            [
                _account(row),
                Cell(TEXT, row.external_id),
                Cell(TEXT, row.owner),
                *(Cell(kind, getattr(row, name)) for name, _label, kind in figures),
            ]
            for row in rows
        ],
    )


def _matrix(dashboard: Dashboard) -> Table:
    return _account_table(
        "matrix",
        _("Portfolio matrix"),
        dashboard.matrix,
        [
            ("attractiveness", _("Attractiveness"), NUMBER),
            ("margin", _("Net margin"), PERCENT),
            ("revenue_ttm", _("Revenue TTM"), MONEY),
            ("segment", _("Segment"), SEGMENT),
            ("churn_stage", _("Churn stage"), NUMBER),
        ],
    )


def _concentration(dashboard: Dashboard) -> Table:
    concentration = dashboard.concentration
    return Table(
        key="concentration",
        title=_("Revenue concentration (Lorenz curve)"),
        columns=[Column(_("Share of accounts"), PERCENT), Column(_("Share of revenue"), PERCENT)],
        rows=[
            [Cell(PERCENT, point.account_share), Cell(PERCENT, point.revenue_share)]
            for point in concentration.points
        ],
    )


def _pareto(dashboard: Dashboard) -> Table:
    return Table(
        key="pareto",
        title=_("Cost-to-serve Pareto"),
        columns=[
            Column(_("Activity type")),
            Column(_("Code")),
            Column(_("Cost to serve TTM"), MONEY),
            Column(_("Share"), PERCENT),
            Column(_("Cumulative share"), PERCENT),
            Column(_("Vital few")),
        ],
        rows=[
            [
                Cell(TEXT, row.name),
                Cell(TEXT, row.code),
                Cell(MONEY, row.cost),
                Cell(PERCENT, row.share),
                Cell(PERCENT, row.cumulative_share),
                Cell(TEXT, _("yes") if row.is_vital_few else _("no")),
            ]
            for row in dashboard.pareto
        ],
    )


def _creators(dashboard: Dashboard) -> Table:
    return _account_table(
        "creators",
        _("Value creators and value drainers"),
        [*dashboard.creators, *dashboard.drainers],
        [("net_profit_ttm", _("Net profit TTM"), MONEY), ("revenue_ttm", _("Revenue TTM"), MONEY)],
    )


def _ltv(dashboard: Dashboard) -> Table:
    return _account_table(
        "ltv",
        _("Lifetime value against replacement cost (largest accounts)"),
        dashboard.top_accounts,
        [
            ("ltv", _("Lifetime value"), MONEY),
            ("replacement_cost", _("Replacement cost"), MONEY),
            ("revenue_ttm", _("Revenue TTM"), MONEY),
        ],
    )


def _value_exchange(dashboard: Dashboard) -> Table:
    return _account_table(
        "value",
        _("Value delivered against value received"),
        dashboard.value_exchange,
        [
            ("value_delivered_ttm", _("Value delivered TTM"), MONEY),
            ("value_received_ttm", _("Value received TTM"), MONEY),
        ],
    )


def churn_table(rows: list[AccountRow], *, key: str = "churn") -> Table:
    return Table(
        key=key,
        title=_("Churn risk"),
        columns=[
            Column(_("Account"), ACCOUNT),
            Column(_("External id")),
            Column(_("Owner")),
            Column(_("Revenue at risk (TTM)"), MONEY),
            Column(_("Score"), NUMBER),
            Column(_("Stage"), NUMBER),
            Column(_("Signals")),
            Column(_("What to do")),
        ],
        rows=[
            [
                _account(row),
                Cell(TEXT, row.external_id),
                Cell(TEXT, row.owner),
                Cell(MONEY, row.revenue_ttm),
                Cell(NUMBER, row.churn_score),
                Cell(NUMBER, row.churn_stage),
                Cell(TEXT, signals_joined(row.signal_words)),
                Cell(TEXT, " ".join(row.signal_actions)),
            ]
            for row in rows
        ],
    )


def _churn(dashboard: Dashboard) -> Table:
    return churn_table(dashboard.churn)


def _trend(dashboard: Dashboard) -> Table:
    return Table(
        key="trend",
        title=_("Portfolio totals across runs"),
        columns=[
            Column(_("As of")),
            Column(_("Accounts"), NUMBER),
            Column(_("Revenue TTM"), MONEY),
            Column(_("Gross margin TTM"), MONEY),
            Column(_("Cost to serve TTM"), MONEY),
            Column(_("Net profit TTM"), MONEY),
        ],
        rows=[
            [
                Cell(TEXT, row.as_of.isoformat()),
                Cell(NUMBER, row.accounts),
                *(
                    Cell(MONEY, row.totals[name])
                    for name in (
                        "revenue_ttm",
                        "gross_margin_ttm",
                        "cost_to_serve_ttm",
                        "net_profit_ttm",
                    )
                ),
            ]
            for row in dashboard.trend
        ],
    )


def _totals(dashboard: Dashboard) -> Table:
    totals = dashboard.totals
    figures = [
        (_("Accounts"), NUMBER, totals.accounts),
        (_("Revenue TTM"), MONEY, totals.revenue_ttm),
        (_("Gross margin TTM"), MONEY, totals.gross_margin_ttm),
        (_("Cost to serve TTM"), MONEY, totals.cost_to_serve_ttm),
        (_("Net profit TTM"), MONEY, totals.net_profit_ttm),
        (_("Lifetime value"), MONEY, totals.ltv),
        (_("Replacement cost"), MONEY, totals.replacement_cost),
        (_("Value delivered TTM"), MONEY, totals.value_delivered_ttm),
        (_("Value received TTM"), MONEY, totals.value_received_ttm),
        (_("Value creators"), NUMBER, totals.creators),
        (_("Value drainers"), NUMBER, totals.drainers),
        (_("Accounts at churn risk"), NUMBER, totals.at_risk),
    ]
    return Table(
        key="totals",
        title=_("Portfolio totals"),
        columns=[
            Column(_("Figure")),
            Column(pgettext("a table's column of figures", "Value"), MONEY),
        ],
        rows=[[Cell(TEXT, label), Cell(kind, value)] for label, kind, value in figures],
    )


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "totals": _totals,
    "matrix": _matrix,
    "concentration": _concentration,
    "pareto": _pareto,
    "creators": _creators,
    "ltv": _ltv,
    "churn": _churn,
    "value": _value_exchange,
    "trend": _trend,
}


def dashboard_table(*, dashboard: Dashboard, key: str) -> Table:
    """The table of one chart (KeyError for an unknown key)."""
    return TABLES[key](dashboard)


def _plain(cell: Cell) -> Any:
    if cell.kind == MONEY and isinstance(cell.value, Decimal | int | float):
        # Money shows cents: SQLite returns sums unscaled (121000), the filtered Pareto sums
        # floats (1600.0).
        return Decimal(str(cell.value)).quantize(CENTS)
    if isinstance(cell.value, Decimal):
        return float(cell.value)
    return cell.value


def table_response(*, table: Table, file_format: str, stamp: str) -> HttpResponse | FileResponse:
    """The table as a CSV or XLSX download named `dashboard-<key>-<stamp>`."""
    header = [column.title for column in table.columns]
    name = f"dashboard-{table.key}-{stamp}"
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(table.key)
        sheet.append(header)
        for row in table.rows:
            sheet.append(xlsx_row(sheet, [_plain(c) for c in row]))
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in table.rows:
        writer.writerow(csv_row(None if c.value is None else _plain(c) for c in row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _display(cell: Cell, currency: str) -> str:
    value = cell.value
    if value is None:
        return "—"
    if cell.kind == MONEY:
        return formatting.money(value, currency)
    if cell.kind == PERCENT:
        return formatting.percent(value)
    if cell.kind == NUMBER:
        return f"{Decimal(str(value)):,.0f}"
    if cell.kind == SEGMENT and value in SEGMENT_NAMES:
        return _(SEGMENT_NAMES[value])
    if cell.kind == RATIO:
        return formatting.number(value)
    return str(value)


def _money_td(cell: Cell, currency: str) -> str:
    """A money cell: whole units shown, the exact amount to the cent on hover."""
    exact = formatting.money_hidden_cents(cell.value, currency)
    title = f' title="{escape(exact)}"' if exact else ""
    return f'<td class="num"{title}>{escape(_display(cell, currency))}</td>'


def table_html(*, table: Table, table_id: str) -> SafeString:
    """The table as HTML. Built here rather than in a template: the dashboard shows about
    a thousand cells, and Django's template engine (then format_html and reverse per row)
    spent most of the page's time on them. Every text is escaped."""
    numeric = {MONEY, PERCENT, NUMBER, RATIO}
    currency = str(settings.KAM_CURRENCY)
    # One reverse for every account link: the detail URL with a marker for the id.
    marker = "999999999"
    account_url = escape(reverse("accounts:detail", args=[int(marker)]))
    numeric_class = ' class="num"'
    head = "".join(
        f'<th scope="col"{numeric_class if column.kind in numeric else ""}>'
        f"{escape(column.title)}</th>"
        for column in table.columns
    )
    body = []
    for row in table.rows:
        cells = []
        for cell in row:
            if cell.kind == ACCOUNT:
                href = account_url.replace(marker, str(int(cell.account_id or 0)))
                cells.append(f'<th scope="row"><a href="{href}">{escape(cell.value)}</a></th>')
            elif cell.kind == MONEY:
                cells.append(_money_td(cell, currency))
            elif cell.kind in numeric:
                cells.append(f'<td class="num">{escape(_display(cell, currency))}</td>')
            else:
                cells.append(f"<td>{escape(_display(cell, currency))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(
            f'<tr><td colspan="{len(table.columns)}">'
            f"{escape(_('Nothing to show for these filters.'))}</td></tr>"
        )
    return mark_safe(  # noqa: S308 - every text above went through escape()
        f'<table class="dashboard-table" id="{escape(table_id)}">'
        f'<caption class="visually-hidden">{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
