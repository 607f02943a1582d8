"""CashFlow (statement of cash flows, indirect method): net income, then balance-sheet changes by activity."""

from __future__ import annotations

from .account_rows import AccountRows
from .aggregate import column_ranges, cumulative, day_before, nonzero, sums
from .company_access import Company
from .context import ReportContext
from .layout import (
    Vector,
    account_columns,
    add,
    amounts,
    cell,
    computed_section,
    data_row,
    labelled_section,
    zeros,
)

OPERATING_TYPES = {
    "accountsreceivable",
    "othercurrentasset",
    "accountspayable",
    "creditcard",
    "othercurrentliability",
}
INVESTING_TYPES = {"fixedasset", "otherasset"}
FINANCING_TYPES = {"longtermliability", "equity"}
ADJUSTMENTS = "Adjustments to reconcile Net Income to Net Cash provided by operations:"


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    p = ctx.params
    chart = ctx.ledger.chart
    ranges = column_ranges(p)
    width = len(ranges)
    moves = sums(ctx.postings, ranges, ctx.keep)
    no_data = not nonzero(moves)
    cash_effect = {a: [-v for v in vec] for a, vec in moves.items() if not chart.get(a).is_profit_and_loss}
    net_income = zeros(width)
    for account_id, vector in moves.items():
        if chart.get(account_id).is_profit_and_loss:
            net_income = add(net_income, vector, -1)
    render = AccountRows(chart, cash_effect, width)

    def activity(types: set[str]) -> tuple[list[dict], Vector]:
        return render.rows(chart.roots(types))

    adjustments, adjusted = activity(OPERATING_TYPES)
    operating_rows = [data_row([cell("Net Income"), *amounts(net_income, blank_zero=False)], "NetIncome")]
    if adjustments:
        operating_rows.append(
            labelled_section(
                ADJUSTMENTS, adjustments, adjusted, "OperatingAdjustments", f"Total {ADJUSTMENTS}"
            )
        )
    operating = add(net_income, adjusted)
    investing_rows, investing = activity(INVESTING_TYPES)
    financing_rows, financing = activity(FINANCING_TYPES)
    increase = add(add(operating, investing), financing)
    banks = {a.id for a in chart.of_types({"bank"})}
    starts = [day_before(start) for start, _ in ranges]
    opening = cumulative(ctx.postings, starts, lambda x: ctx.keep(x) and x.account_id in banks)
    beginning = zeros(width)
    for vector in opening.values():
        beginning = add(beginning, vector)

    rows = [
        labelled_section(
            "OPERATING ACTIVITIES",
            operating_rows,
            operating,
            "OperatingActivities",
            "Net cash provided by operating activities",
            total_column=bool(ctx.params.columns),
        ),
        labelled_section(
            "INVESTING ACTIVITIES",
            investing_rows,
            investing,
            "InvestingActivities",
            "Net cash provided by investing activities",
            total_column=bool(ctx.params.columns),
        ),
        labelled_section(
            "FINANCING ACTIVITIES",
            financing_rows,
            financing,
            "FinancingActivities",
            "Net cash provided by financing activities",
            total_column=bool(ctx.params.columns),
        ),
        computed_section("NET CASH INCREASE FOR PERIOD", increase, "CashIncrease"),
        data_row(
            [cell("Cash at beginning of period"), *amounts(beginning, blank_zero=False)], "BeginningCash"
        ),
        computed_section("CASH AT END OF PERIOD", add(beginning, increase), "EndingCash"),
    ]
    return {
        "Header": ctx.report_header("CashFlow", no_data),
        "Columns": account_columns(p.columns),
        "Rows": {"Row": rows},
    }
