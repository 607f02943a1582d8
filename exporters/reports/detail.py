"""Detail reports (P&L Detail, Transaction List) as typed rows: one row per posting or transaction.

The report is read as the General Ledger is (`tree.lines`, `tidy.tidy_lines`): a dated row inside an
account section is a posting of that account; a dated row of a flat list is a transaction, its account in
its Account cell. Cells are picked by QBO's ColKey, so `columns=` or a reordering cannot shift them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from exporters.columns import Column, Row
from exporters.reports.tidy import RUNNING_BALANCE, TIDY_COLUMNS, tidy_lines
from exporters.reports.tree import basis, column_keys, columns_of, lines, report_currency
from qbo.client import JsonObject

TIDY = {c.key: c for c in TIDY_COLUMNS}  # the columns every report's rows share
SECTION_PATH = Column(
    "section_path", "Section path", description="P&L sections above the account, e.g. Expenses"
)


def detail_columns(sections: bool) -> list[Column]:
    """The typed columns; `sections`: the report groups postings in P&L sections (P&L Detail)."""
    return [
        TIDY["company"],
        replace(TIDY["realm_id"], default=False),
        *([SECTION_PATH] if sections else []),
        Column("date", "Date", "date", description="The transaction date"),
        Column("transaction_type", "Transaction type", description="Invoice, Bill, Journal Entry, ..."),
        Column("number", "Num", description="The transaction's number (DocNumber)"),
        Column("name", "Name", description="Customer, vendor or employee"),
        Column("memo", "Memo/Description", description="The memo or the line's description"),
        Column("account", "Account", description="The account posted to (Full name)"),
        Column("account_id", "Account ID", default=False, description="QBO's id of the account"),
        Column("split", "Split", description='The other account of the transaction, or "-Split-"'),
        Column("amount", "Amount", "money", description="In the account's natural sign, home currency"),
        *(replace(TIDY[k], default=False) for k in ("accounting_method", "currency")),
    ]


# Our column <- QBO's ColKeys that hold it (General Ledger / P&L Detail keys, then Transaction List keys).
TEXT_KEYS = {
    "transaction_type": ("txn_type",),
    "number": ("doc_num",),
    "name": ("name",),
    "memo": ("memo",),
    "split": ("split_acc", "other_account"),
    "account_text": ("account_name",),
}


def detail_rows(report: JsonObject, company: str, realm_id: str) -> Iterator[Row]:
    """One typed row per dated row of the report (postings, or a list's transactions)."""
    keys = column_keys(report)
    lead, money = columns_of(report)
    amount = next((i for i, c in enumerate(money) if not c.key.startswith(RUNNING_BALANCE)), None)
    text_keys = keys[1 : len(lead)]
    common = {
        "company": company,
        "realm_id": realm_id,
        "accounting_method": basis(report),
        "currency": report_currency(report),
    }
    for line, _row_type, posted in tidy_lines(lines(report), detail=True):
        if posted is None:
            continue
        texts = dict(zip(text_keys, line.texts, strict=False))
        values = {ours: next((texts[k] for k in qbo if k in texts), "") for ours, qbo in TEXT_KEYS.items()}
        account = values.pop("account_text") or line.label
        yield {
            **common,
            **values,
            "section_path": " > ".join((*line.path, line.label)) if line.path else "",
            "date": posted,
            "account": account,
            "account_id": line.account_id,
            "amount": line.values[amount] if amount is not None else None,
        }
