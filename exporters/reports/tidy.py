"""The tidy layout: one row per account x period, ready for pivot tables; sections add up to their totals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from exporters.columns import Column, Row
from exporters.reports.tree import Line, basis, columns_of, lines, report_currency
from qbo.client import JsonObject
from store.documents import DIMENSIONS  # columns that are no periods: customers, vendors, employees, ...

TIDY_COLUMNS: tuple[Column, ...] = (
    Column("company", "Company", description="The QuickBooks company"),
    Column("realm_id", "Realm ID", description="The company's QuickBooks realm id"),
    Column("section_path", "Section path", description="Sections and account, e.g. Expenses > Utilities"),
    Column("account", "Account", description="QBO's row label: account, customer/vendor, or total"),
    Column("account_id", "Account ID", description="QBO's id of the row (empty on totals)"),
    Column("row_type", "Row type", description="account, subtotal, total or computed"),
    Column("column", "Column", default=False, description="QBO's column title (period or aging bucket)"),
    Column("period_start", "Period start", "date", description="First day of the column's period"),
    Column("period_end", "Period end", "date", description="Last day of the column's period"),
    Column("amount", "Amount", "money", description="The amount in the report's currency"),
    Column("accounting_method", "Accounting method", description="Accrual or Cash, as QBO answered"),
    Column("currency", "Currency", description="The report's currency (the home currency)"),
)

RUNNING_BALANCE = "rbal_"  # General Ledger's running balance (rbal_nat_amount): not an amount to add up
ROW_TYPE = {"account": "account", "computed": "computed", "subtotal": "subtotal", "total": "total"}


def tidy_lines(report_lines: list[Line], detail: bool = False) -> Iterator[tuple[Line, str, date | None]]:
    """(line, row type, posting date) of lines with amounts; a parent's own postings become an account row.

    In a detail report (General Ledger) a row inside an account's section is a posting of that account:
    it becomes an account row of the section's account (label, id and path, its other cells as `texts`),
    dated by its first cell."""
    section_ids: dict[tuple[str, ...], str | None] = {}
    for line in report_lines:
        if line.kind == "header":
            section_ids[(*line.path, line.label)] = line.account_id
            if line.own:
                own = Line("account", line.label, line.depth, line.path, line.account_id, line.values)
                yield own, "account", None
            continue
        posted = _day(line.label) if detail and line.kind in ("account", "computed") else None
        if posted is not None:  # in a flat list (Transaction List) a posting has no account section
            account = section_ids.get(line.path)
            label = line.path[-1] if line.path else ""
            yield (
                Line("posting", label, line.depth, line.path[:-1], account, line.values, texts=line.texts),
                "account",
                posted,
            )
            continue
        yield line, ROW_TYPE[line.kind], None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def tidy_rows(report: JsonObject, company: str, realm_id: str) -> Iterator[Row]:
    """The report as tidy rows; next to period columns QBO's Total column is left out (no double count), and
    so is a running balance. Columns without a period (aging buckets) are dated as of the report's end."""
    lead, money = columns_of(report)
    wanted = [
        (i, c)
        for i, c in enumerate(money)
        if not (c.is_total and len(money) > 1) and not c.key.startswith(RUNNING_BALANCE)
    ]
    header = report.get("Header") or {}
    as_of = _day(str(header.get("EndPeriod") or ""))
    # Customer/vendor/class/department columns each cover the whole range; aging buckets are as of its end.
    since = (
        _day(str(header.get("StartPeriod") or "")) if header.get("SummarizeColumnsBy") in DIMENSIONS else None
    )
    common = {
        "company": company,
        "realm_id": realm_id,
        "accounting_method": basis(report),
        "currency": report_currency(report),
    }
    for line, row_type, posted in tidy_lines(lines(report), detail=len(lead) > 1):
        for index, column in wanted:
            start, end = (posted, posted) if posted else (column.start or since, column.end or as_of)
            yield _row(common, line, row_type, column.title, start, end, line.values[index])


def _row(
    common: Row,
    line: Line,
    row_type: str,
    title: str,
    start: date | None,
    end: date | None,
    amount: Decimal | None,
) -> Row:
    return {
        **common,
        "section_path": line.section_path,
        "account": line.label,
        "account_id": line.account_id,
        "row_type": row_type,
        "column": title,
        "period_start": start,
        "period_end": end,
        "amount": amount,
    }
