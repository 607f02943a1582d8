"""TransactionList: one Data row per transaction with postings in the range, in date order.

Layout [U: no Intuit sample]: flat Data rows, no sections or totals. A transaction's Account is the account
of its largest posting (the control side: A/R of an invoice, A/P of a bill, the bank of a check), Split the
other account ("-Split-" when several), Amount that posting in the account's natural sign. On the cash basis
a payment is one transaction (its settled income/expense postings are dated on the payment)."""

from __future__ import annotations

from .company_access import Company
from .context import ReportContext
from .general_ledger import COLUMNS as GL_COLUMNS
from .general_ledger import columns as column_list
from .general_ledger import parse_columns, posting_cells, row_cells, splitter
from .layout import data_row
from .postings import Posting

# ColKey -> (ColTitle, ColType): the General Ledger's, the account and its split under this report's keys.
COLUMNS = {
    **{k: GL_COLUMNS[k] for k in ("tx_date", "txn_type", "doc_num", "name", "memo")},
    "account_name": ("Account", "String"),
    "other_account": GL_COLUMNS["split_acc"],
    "subt_nat_amount": GL_COLUMNS["subt_nat_amount"],
}


def transactions(ctx: ReportContext) -> list[list[Posting]]:
    """The postings of each transaction in the range (after the filters), by date, then first seen."""
    p = ctx.params
    by_txn: dict[tuple[str, str], list[Posting]] = {}
    for posting in ctx.postings:
        if ctx.keep(posting) and p.start <= posting.date <= p.end:
            by_txn.setdefault((posting.txn_type, posting.txn_id), []).append(posting)
    return sorted(by_txn.values(), key=lambda postings: postings[0].date)


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    keys = parse_columns(raw, COLUMNS)
    chart = ctx.ledger.chart
    split = splitter(ctx)
    rows = []
    for postings in transactions(ctx):
        main = max(postings, key=lambda x: abs(x.amount))
        account = chart.get(main.account_id)
        values = posting_cells(main, main.amount * account.sign, split(main), account.fully_qualified_name)
        rows.append(data_row(row_cells(keys, values)))
    return {
        "Header": ctx.report_header("TransactionList", not rows, "Total"),
        "Columns": column_list(keys, COLUMNS),
        "Rows": {"Row": rows},
    }
