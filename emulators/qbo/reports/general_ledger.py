"""GeneralLedger: per account, a beginning balance, each posting in the period, and a running balance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from .accounts import Account
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


def parse_columns(raw: dict[str, str], known: dict[str, tuple[str, str]]) -> list[str]:
    """The `columns=` parameter: a subset of the report's ColKeys, in the order asked; all by default."""
    value = raw.get("columns")
    if not value:
        return list(known)
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ReportParamError(f"columns: unsupported {', '.join(unknown)} (use {', '.join(known)})")
    return keys


def build(company: Company, raw: dict[str, str]) -> dict:
    ctx = ReportContext.build(company, raw)
    keys = parse_columns(raw, COLUMNS)
    rows = [row for _account, row, _total in account_sections(ctx, keys)]
    return {
        "Header": ctx.report_header("GeneralLedger", not rows, "Total"),
        "Columns": columns(keys, COLUMNS),
        "Rows": {"Row": rows},
    }


def columns(keys: list[str], known: dict[str, tuple[str, str]]) -> dict:
    return {"Column": [column(known[k][0], known[k][1], k) for k in keys]}


def splitter(ctx: ReportContext) -> Callable[[Posting], str]:
    """The Split of a posting: the transaction's other account, "-Split-" when several, "" when none."""
    chart = ctx.ledger.chart
    by_txn: dict[tuple[str, str], set[str]] = defaultdict(set)
    for posting in ctx.postings:
        by_txn[(posting.txn_type, posting.txn_id)].add(posting.account_id)

    def split(posting: Posting) -> str:
        others = by_txn[(posting.txn_type, posting.txn_id)] - {posting.account_id}
        if len(others) == 1:
            return chart.get(next(iter(others))).fully_qualified_name
        return "-Split-" if others else ""

    return split


def posting_cells(posting: Posting, amount: Decimal, split: str, account: str = "") -> dict[str, dict]:
    """The detail cells of one posting, by ColKey (General Ledger, P&L Detail and Transaction List keys)."""
    return {
        "tx_date": cell(posting.date.isoformat()),
        "txn_type": cell(txn_label(posting.txn_type), posting.txn_id),
        "doc_num": cell(posting.doc_num),
        "name": cell(posting.name, posting.customer_id or posting.vendor_id),
        "memo": cell(posting.memo),
        "account_name": cell(account),
        "split_acc": cell(split),
        "other_account": cell(split),
        "subt_nat_amount": cell(money(amount)),
    }


def account_sections(
    ctx: ReportContext, keys: list[str], only: Callable[[Account], bool] | None = None, opening: bool = True
) -> list[tuple[Account, dict, Decimal]]:
    """(account, Section, total amount) per account with postings in the range (or, with `opening`, a
    beginning balance), in chart order; `only` picks the accounts (P&L Detail: one P&L block's)."""
    p = ctx.params
    chart = ctx.ledger.chart
    split = splitter(ctx)
    openings: dict[str, Decimal] = defaultdict(lambda: ZERO)
    activity: dict[str, list[Posting]] = defaultdict(list)
    year = fiscal_year_start(p.start, p.first_month)
    for posting in ctx.postings:
        if not ctx.keep(posting) or posting.date > p.end:
            continue
        account = chart.get(posting.account_id)
        if only is not None and not only(account):
            continue
        if posting.date >= p.start:
            activity[account.id].append(posting)
        elif opening and (not account.is_profit_and_loss or posting.date >= year):
            openings[account.id] += posting.amount * account.sign

    out = []
    for account in sorted((chart.get(a) for a in set(openings) | set(activity)), key=lambda a: a.sort_key):
        balance = openings[account.id]
        if balance == 0 and not activity[account.id]:
            continue
        lines = []
        if balance:
            lines.append(
                data_row(
                    row_cells(
                        keys, {"tx_date": cell("Beginning Balance"), "rbal_nat_amount": cell(money(balance))}
                    )
                )
            )
        total = ZERO
        for posting in activity[account.id]:
            amount = posting.amount * account.sign
            total += amount
            balance += amount
            values = posting_cells(posting, amount, split(posting))
            lines.append(data_row(row_cells(keys, {**values, "rbal_nat_amount": cell(money(balance))})))
        label = account.fully_qualified_name
        summary = row_cells(keys, total_cells(f"Total for {label}", total))
        head = [cell(label, account.id), *blanks(len(keys) - 1)]
        out.append((account, section(head, lines, summary), total))
    return out


def total_cells(label: str, total: Decimal) -> dict[str, dict]:
    """A section's Summary: its label in the first column, the amount total."""
    return {"tx_date": cell(label), "subt_nat_amount": cell(money(total))}


def row_cells(keys: list[str], values: dict[str, dict]) -> list[dict]:
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


def txn_label(txn_type: str) -> str:
    return TXN_LABELS.get(txn_type, txn_type)
