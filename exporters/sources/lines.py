"""Line sources: one row per line of a transaction (invoice, bill, journal entry lines), declared as data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exporters.columns import (
    Field,
    Getter,
    at,
    computed,
    exchange_rate,
    rate_and_home_currency,
    ref,
    to_decimal,
)
from exporters.filters import FilterSpec
from exporters.sources.base import RowContext
from exporters.sources.entities import CUSTOMER, VENDOR, EntitySource

SKIPPED = ("SubTotalLineDetail",)
NEGATIVE = ("DiscountLineDetail",)


def wrap(txn: dict, line: dict, group: dict | None = None) -> dict:
    """A line as a record: the line, its detail object, its group line and its transaction."""
    detail = line.get(line.get("DetailType", "")) or {}
    return {
        "Id": f"{txn.get('Id')}-{line.get('Id', line.get('LineNum', ''))}",
        "Txn": txn,
        "Line": line,
        "Detail": detail,
        "Group": (group or {}).get("GroupLineDetail", {}),
    }


def lines_of(txn: dict) -> Iterator[dict]:
    """Every line that carries an amount of its own: groups are opened, subtotals skipped."""
    for line in txn.get("Line") or ():
        kind = line.get("DetailType")
        if kind in SKIPPED:
            continue
        if kind == "GroupLineDetail":
            for inner in line.get("GroupLineDetail", {}).get("Line") or ():
                yield wrap(txn, inner, line)
            continue
        yield wrap(txn, line)


def signed_amount(record: dict, _ctx: RowContext) -> Decimal | None:
    """The line's amount; discounts count negative so lines add up to the subtotal."""
    amount = to_decimal(record["Line"].get("Amount"))
    if amount is not None and record["Line"].get("DetailType") in NEGATIVE:
        return -amount
    return amount


def posting(side: str) -> Getter:
    """The journal line's amount when it is posted on `side` (Debit/Credit), else None."""

    def get(record: dict, _ctx: RowContext) -> Decimal | None:
        if record["Detail"].get("PostingType") != side:
            return None
        return to_decimal(record["Line"].get("Amount"))

    return get


@dataclass(frozen=True)
class LineSource(EntitySource):
    """One row per line of the entity's transactions; keyed by transaction id and line id."""

    incremental: bool = False

    def explode(self, record: dict) -> Iterator[dict]:
        yield from lines_of(record)


def header(party_key: str, party_label: str, party_path: str) -> list[Field]:
    return [
        at("id", "Line ID", "Id", description="Transaction id and line id"),
        at("txn_id", "Transaction ID", "Txn.Id", default=False),
        at("number", "Number", "Txn.DocNumber"),
        at("date", "Date", "Txn.TxnDate", "date"),
        *ref(party_key, party_label, f"Txn.{party_path}"),
    ]


def body(item: bool = True, account: bool = False) -> list[Field]:
    fields = [
        at("line_num", "Line", "Line.LineNum", "number", default=False),
        at("line_type", "Line type", "Line.DetailType", default=False),
        at("description", "Description", "Line.Description"),
    ]
    if item:
        fields += [
            *ref("item", "Item", "Detail.ItemRef"),
            *ref("group", "Bundle", "Group.GroupItemRef", default=False),
        ]
    if account:
        fields += ref("account", "Account", "Detail.AccountRef")
    if item:
        fields += [at("qty", "Qty", "Detail.Qty", "number"), at("rate", "Rate", "Detail.UnitPrice", "money")]
    fields += [
        computed("amount", "Amount", "money", signed_amount, description="Line amount; discounts negative"),
        *ref("class", "Class", "Detail.ClassRef", default=False),
    ]
    return fields


def txn_currency(amounts: Sequence[tuple[str, str, Getter]] = (("amount", "Amount", None),)) -> list[Field]:
    """The transaction's currency and exchange rate, the company's home currency, and home-currency versions
    of the line's amounts ((key, label, getter); None: the signed line amount)."""
    return [
        at("currency", "Currency", "Txn.CurrencyRef.value", default=False),
        *rate_and_home_currency(lambda r, ctx: exchange_rate(r["Txn"], ctx)),
        *(
            computed(
                f"home_{key}",
                f"{label} (home currency)",
                "money",
                in_home_currency(get or signed_amount),
                default=False,
                description=f"{label} x the transaction's exchange rate",
            )
            for key, label, get in amounts
        ),
    ]


def in_home_currency(get: Getter) -> Getter:
    def home(record: dict, ctx: RowContext) -> Decimal | None:
        amount = get(record, ctx)
        return (
            None if amount is None else (amount * exchange_rate(record["Txn"], ctx)).quantize(Decimal("0.01"))
        )

    return home


def line_source(
    key: str, label: str, qbo: str, group: str, fields: Sequence[Field], filters: FilterSpec
) -> Any:
    return LineSource(key, label, qbo, group, tuple(fields), filters)


LINE_SOURCES: tuple[LineSource, ...] = (
    line_source(
        "invoice_lines",
        "Invoice lines",
        "Invoice",
        "Sales",
        [*header("customer", "Customer", "CustomerRef"), *body(item=True), *txn_currency()],
        FilterSpec(party=CUSTOMER),
    ),
    line_source(
        "bill_lines",
        "Bill lines",
        "Bill",
        "Expenses",
        [*header("vendor", "Vendor", "VendorRef"), *body(item=True, account=True), *txn_currency()],
        FilterSpec(party=VENDOR),
    ),
    line_source(
        "journal_entry_lines",
        "Journal entry lines",
        "JournalEntry",
        "Accounting",
        [
            at("id", "Line ID", "Id"),
            at("txn_id", "Journal entry ID", "Txn.Id", default=False),
            at("number", "Number", "Txn.DocNumber"),
            at("date", "Date", "Txn.TxnDate", "date"),
            at("description", "Description", "Line.Description"),
            *ref("account", "Account", "Detail.AccountRef", id_default=True),
            computed("debit", "Debit", "money", posting("Debit"), description="Amount posted as a debit"),
            computed("credit", "Credit", "money", posting("Credit"), description="Amount posted as a credit"),
            *ref("name", "Name", "Detail.Entity.EntityRef", default=False),
            *ref("class", "Class", "Detail.ClassRef", default=False),
            *txn_currency((("debit", "Debit", posting("Debit")), ("credit", "Credit", posting("Credit")))),
        ],
        FilterSpec(),
    ),
)
