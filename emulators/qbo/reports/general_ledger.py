"""GeneralLedger: per account, a beginning balance, each posting in the period, and a running balance."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .company_access import Company
from .context import ReportContext
from .errors import ReportParamError
from .layout import blanks, cell, column, data_row, section
from .money import ZERO, money
from .periods import fiscal_year_start
from .postings import Posting

# ColKey -> (ColTitle, ColType), in QBO's default order.
COLUMNS = {
    "tx_date": ("Date", "Date"),
    "txn_type": ("Transaction Type", "String"),
    "doc_num": ("Num", "String"),
    "name": ("Name", "String"),
    "memo": ("Memo/Description", "String"),
    "split_acc": ("Split", "String"),
    "subt_nat_amount": ("Amount", "Money"),
    "rbal_nat_amount": ("Balance", "Money"),
}


def parse_columns(raw: dict[str, str]) -> list[str]:
    value = raw.get("columns")
    if not value:
        return list(COLUMNS)
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ReportParamError(f"columns: unsupported {', '.join(unknown)} (use {', '.join(COLUMNS)})")
    return keys


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    p = ctx.params
    chart = ctx.ledger.chart
    keys = parse_columns(raw)
    by_txn: dict[tuple[str, str], set[str]] = defaultdict(set)
    for posting in ctx.postings:
        by_txn[(posting.txn_type, posting.txn_id)].add(posting.account_id)
    opening: dict[str, Decimal] = defaultdict(lambda: ZERO)
    activity: dict[str, list[Posting]] = defaultdict(list)
    year = fiscal_year_start(p.start, p.first_month)
    for posting in ctx.postings:
        if not ctx.keep(posting) or posting.date > p.end:
            continue
        account = chart.get(posting.account_id)
        if posting.date >= p.start:
            activity[account.id].append(posting)
        elif not account.is_profit_and_loss or posting.date >= year:
            opening[account.id] += posting.amount * account.sign

    def split(posting: Posting) -> str:
        others = by_txn[(posting.txn_type, posting.txn_id)] - {posting.account_id}
        if len(others) == 1:
            return chart.get(next(iter(others))).fully_qualified_name
        return "-Split-" if others else ""

    rows = []
    for account in sorted((chart.get(a) for a in set(opening) | set(activity)), key=lambda a: a.sort_key):
        balance = opening[account.id]
        if balance == 0 and not activity[account.id]:
            continue
        lines = []
        if balance:
            lines.append(
                data_row(
                    _cells(
                        keys, {"tx_date": cell("Beginning Balance"), "rbal_nat_amount": cell(money(balance))}
                    )
                )
            )
        total = ZERO
        for posting in activity[account.id]:
            amount = posting.amount * account.sign
            total += amount
            balance += amount
            lines.append(
                data_row(
                    _cells(
                        keys,
                        {
                            "tx_date": cell(posting.date.isoformat()),
                            "txn_type": cell(_txn_label(posting.txn_type), posting.txn_id),
                            "doc_num": cell(posting.doc_num),
                            "name": cell(posting.name, posting.customer_id or posting.vendor_id),
                            "memo": cell(posting.memo),
                            "split_acc": cell(split(posting)),
                            "subt_nat_amount": cell(money(amount)),
                            "rbal_nat_amount": cell(money(balance)),
                        },
                    )
                )
            )
        label = account.fully_qualified_name
        summary = _cells(keys, {"tx_date": cell(f"Total for {label}"), "subt_nat_amount": cell(money(total))})
        rows.append(section([cell(label, account.id), *blanks(len(keys) - 1)], lines, summary))
    return {
        "Header": ctx.report_header("GeneralLedger", not rows, "Total"),
        "Columns": {"Column": [column(COLUMNS[k][0], COLUMNS[k][1], k) for k in keys]},
        "Rows": {"Row": rows},
    }


def _cells(keys: list[str], values: dict[str, dict]) -> list[dict]:
    """One cell per requested column; the first column always carries the row's label."""
    out = [values.get(k, cell("")) for k in keys]
    if "tx_date" not in keys and "tx_date" in values and not values["tx_date"]["value"][:1].isdigit():
        out[0] = values["tx_date"]
    return out


TXN_LABELS = {
    "JournalEntry": "Journal Entry",
    "SalesReceipt": "Sales Receipt",
    "CreditMemo": "Credit Memo",
    "BillPayment": "Bill Payment",
    "VendorCredit": "Vendor Credit",
    "RefundReceipt": "Refund Receipt",
}


def _txn_label(txn_type: str) -> str:
    return TXN_LABELS.get(txn_type, txn_type)
