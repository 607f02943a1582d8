"""The tidy layout: one row per account x period, ready for pivot tables; sections add up to their totals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from exporters.columns import Column
from exporters.reports.tree import Line, ReportColumn, basis, columns_of, lines, report_currency

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

ROW_TYPE = {"account": "account", "computed": "computed", "subtotal": "subtotal", "total": "total"}


def tidy_lines(report_lines: list[Line]) -> Iterator[tuple[Line, str]]:
    """(line, row type) of the lines that carry amounts; a parent's own postings become an account row."""
    for line in report_lines:
        if line.kind == "header":
            if line.own:
                yield (
                    Line("account", line.label, line.depth, line.path, line.account_id, line.values),
                    "account",
                )
            continue
        yield line, ROW_TYPE[line.kind]


def tidy_rows(report: dict, company: str, realm_id: str) -> Iterator[dict[str, Any]]:
    """The report as tidy rows; next to period columns QBO's Total column is left out (no double count)."""
    _lead, money = columns_of(report)
    wanted = [(i, c) for i, c in enumerate(money) if not (c.is_total and len(money) > 1)]
    common = {
        "company": company,
        "realm_id": realm_id,
        "accounting_method": basis(report),
        "currency": report_currency(report),
    }
    for line, row_type in tidy_lines(lines(report)):
        for index, column in wanted:
            yield _row(common, line, row_type, column, line.values[index])


def _row(common: dict, line: Line, row_type: str, column: ReportColumn, amount: Any) -> dict[str, Any]:
    return {
        **common,
        "section_path": line.section_path,
        "account": line.label,
        "account_id": line.account_id,
        "row_type": row_type,
        "column": column.title,
        "period_start": column.start,
        "period_end": column.end,
        "amount": amount,
    }
