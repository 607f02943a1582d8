"""ProfitAndLossDetail: the General Ledger's postings of income and expense accounts, in P&L sections.

Layout [U: no Intuit sample]: one Section per P&L block with activity (Income, Cost of Goods Sold, Expenses,
Other Income, Other Expenses; `group` as in ProfitAndLoss), inside it one account Section per account as
in the General Ledger (postings, "Total for <account>"), and the block's Summary "Total for <block>".
No Beginning Balance (a P&L account starts every period at zero); the running balance starts at zero."""

from __future__ import annotations

from .company_access import Company
from .context import ReportContext
from .general_ledger import COLUMNS, account_sections, columns, parse_columns, row_cells, total_cells
from .layout import blanks, cell, section
from .money import ZERO
from .profit_and_loss import COGS, EXPENSES, INCOME, OTHER_EXPENSES, OTHER_INCOME

BLOCKS = (INCOME, COGS, EXPENSES, OTHER_INCOME, OTHER_EXPENSES)


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    keys = parse_columns(raw, COLUMNS)
    rows = []
    for block in BLOCKS:
        accounts = account_sections(ctx, keys, lambda a, b=block: a.type in b.types, opening=False)
        if not accounts:
            continue
        total = sum((t for _a, _s, t in accounts), ZERO)
        summary = row_cells(keys, total_cells(f"Total for {block.label}", total))
        head = [cell(block.label), *blanks(len(keys) - 1)]
        rows.append(section(head, [s for _a, s, _t in accounts], summary, block.group))
    return {
        "Header": ctx.report_header("ProfitAndLossDetail", not rows, "Total"),
        "Columns": columns(keys, COLUMNS),
        "Rows": {"Row": rows},
    }
