"""TrialBalance: each account's debit or credit balance as of the end date; debits equal credits."""

from __future__ import annotations

from .aggregate import sums
from .company_access import Company
from .context import ReportContext
from .layout import blank_if_zero, cell, column, data_row, money, section
from .money import ZERO
from .periods import fiscal_year_start


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    p = ctx.params
    chart = ctx.ledger.chart
    year = fiscal_year_start(p.end, p.first_month)
    balance_sheet = sums(
        ctx.postings,
        [(None, p.end)],
        lambda x: ctx.keep(x) and not chart.get(x.account_id).is_profit_and_loss,
    )
    this_year = sums(
        ctx.postings, [(year, p.end)], lambda x: ctx.keep(x) and chart.get(x.account_id).is_profit_and_loss
    )
    earlier = sums(
        ctx.postings,
        [(None, year)],
        lambda x: ctx.keep(x) and chart.get(x.account_id).is_profit_and_loss and x.date < year,
    )
    balances = {a: v[0] for a, v in {**balance_sheet, **this_year}.items()}
    retained = chart.special["retained_earnings"]
    balances[retained] = balances.get(retained, ZERO) + sum((v[0] for v in earlier.values()), ZERO)

    rows, debits, credits = [], ZERO, ZERO
    for account in sorted(
        (chart.get(a) for a in balances), key=lambda a: (a.sort_key[0], a.fully_qualified_name.lower())
    ):
        amount = balances[account.id]
        if amount == 0:
            continue
        debit, credit = (amount, ZERO) if amount > 0 else (ZERO, -amount)
        debits, credits = debits + debit, credits + credit
        rows.append(
            data_row(
                [
                    cell(account.fully_qualified_name, account.id),
                    cell(blank_if_zero(debit)),
                    cell(blank_if_zero(credit)),
                ]
            )
        )
    rows.append(section(None, None, [cell("TOTAL"), cell(money(debits)), cell(money(credits))], "GrandTotal"))
    return {
        "Header": ctx.report_header("TrialBalance", len(rows) == 1, "Total"),
        "Columns": {
            "Column": [
                column("", "Account", "account"),
                column("Debit", "Money", "debit"),
                column("Credit", "Money", "credit"),
            ]
        },
        "Rows": {"Row": rows},
    }
