"""ProfitAndLoss: income and expense accounts over the period, with computed profit lines."""

from __future__ import annotations

from dataclasses import dataclass

from . import dimensions
from .account_rows import AccountRows
from .aggregate import column_ranges, in_display_sign, nonzero, sums
from .company_access import Company
from .context import ReportContext
from .layout import Vector, account_columns, add, computed_section, labelled_section, zeros
from .postings import Posting


@dataclass(frozen=True)
class Block:
    """A P&L section of account types; `always` sections appear even when empty."""

    group: str
    label: str
    types: frozenset[str]
    always: bool


INCOME = Block("Income", "Income", frozenset({"income"}), True)
COGS = Block("COGS", "Cost of Goods Sold", frozenset({"costofgoodssold"}), False)
EXPENSES = Block("Expenses", "Expenses", frozenset({"expense"}), True)
OTHER_INCOME = Block("OtherIncome", "Other Income", frozenset({"otherincome"}), False)
OTHER_EXPENSES = Block("OtherExpenses", "Other Expenses", frozenset({"otherexpense"}), False)


def build(company: Company, raw: dict[str, str]) -> dict:
    dimension = dimensions.requested(raw)
    ctx = ReportContext.build(company, {**raw, "summarize_column_by": "Total"} if dimension else raw)
    return report(ctx, dimension)


def report(ctx: ReportContext, dimension: dimensions.Dimension | None = None) -> dict:
    """The P&L for an already resolved context, by period or by `dimension` (customer, class, ...)."""
    p = ctx.params
    chart = ctx.ledger.chart

    def keep(x: Posting) -> bool:
        return ctx.keep(x) and chart.get(x.account_id).is_profit_and_loss

    if dimension is None:
        ranges = column_ranges(p)
        debits = sums(ctx.postings, ranges, keep)
        width, columns, total_column = len(ranges), account_columns(p.columns), bool(p.columns)
    else:
        titles = dimensions.names(ctx.company, dimension)
        keys, debits = dimensions.split(
            ctx.postings, lambda x: keep(x) and p.start <= x.date <= p.end, dimension, titles
        )
        width, columns, total_column = len(keys) + 1, dimensions.columns(keys, titles), bool(keys)
    no_data = not nonzero(debits)
    render = AccountRows(chart, in_display_sign(chart, debits), width)

    rows: list[dict] = []
    totals: dict[str, Vector] = {}

    def block(b: Block) -> bool:
        accounts, total = render.rows(chart.roots(set(b.types)))
        totals[b.group] = total
        if accounts or b.always:
            rows.append(labelled_section(b.label, accounts, total, b.group, total_column=total_column))
        return bool(accounts)

    def computed(label: str, total: Vector, group: str) -> Vector:
        rows.append(computed_section(label, total, group))
        return total

    block(INCOME)
    block(COGS)
    gross = computed("Gross Profit", add(totals["Income"], totals["COGS"], -1), "GrossProfit")
    block(EXPENSES)
    operating = computed("Net Operating Income", add(gross, totals["Expenses"], -1), "NetOperatingIncome")
    other = block(OTHER_INCOME) | block(OTHER_EXPENSES)
    net_other = add(totals["OtherIncome"], totals["OtherExpenses"], -1)
    if other:
        computed("Net Other Income", net_other, "NetOtherIncome")
    computed("Net Income", add(operating, net_other) if other else add(operating, zeros(width)), "NetIncome")

    return {
        "Header": ctx.report_header("ProfitAndLoss", no_data, dimension.summarize if dimension else None),
        "Columns": columns,
        "Rows": {"Row": rows},
    }
