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
from exporters.sources.base import CompanyContext, RowContext
from exporters.sources.entities import CUSTOMER, VENDOR, EntitySource, entity
from qbo.client import JsonObject, QboClient
from qbo.paging import ById

SKIPPED = ("SubTotalLineDetail",)
NEGATIVE = ("DiscountLineDetail",)


def wrap(txn: JsonObject, line: JsonObject, group: JsonObject | None = None) -> JsonObject:
    """A line as a record: the line, its detail object, its group line and its transaction."""
    detail = line.get(line.get("DetailType", "")) or {}
    return {
        "Id": f"{txn.get('Id')}-{line.get('Id', line.get('LineNum', ''))}",
        "Txn": txn,
        "Line": line,
        "Detail": detail,
        "Group": (group or {}).get("GroupLineDetail", {}),
    }


def lines_of(txn: JsonObject) -> Iterator[JsonObject]:
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


def signed_amount(record: JsonObject, _ctx: RowContext) -> Decimal | None:
    """The line's amount; discounts count negative so lines add up to the subtotal."""
    amount = to_decimal(record["Line"].get("Amount"))
    if amount is not None and record["Line"].get("DetailType") in NEGATIVE:
        return -amount
    return amount


def posting(side: str) -> Getter:
    """The journal line's amount when it is posted on `side` (Debit/Credit), else None."""

    def get(record: JsonObject, _ctx: RowContext) -> Decimal | None:
        if record["Detail"].get("PostingType") != side:
            return None
        return to_decimal(record["Line"].get("Amount"))

    return get


ACCOUNT_KEYS = ("account", "account_id")


def item_account(record: JsonObject, ctx: RowContext) -> JsonObject | None:
    """The line's account: its own (ItemAccountRef on sales lines, AccountRef on expense lines), else its
    item's (income account on sales, asset account for inventory purchases, else expense account)."""
    detail: JsonObject = record["Detail"]
    own: JsonObject | None = detail.get("ItemAccountRef") or detail.get("AccountRef")
    if own or not detail.get("ItemRef"):
        return own
    item = (ctx.company.items or {}).get(str(detail["ItemRef"].get("value")))
    if item is None:
        return None
    if record["Line"].get("DetailType") == "SalesItemLineDetail":
        account_ref: JsonObject | None = item.get("IncomeAccountRef")
    elif item.get("Type") == "Inventory":
        account_ref = item.get("AssetAccountRef")
    else:
        account_ref = item.get("ExpenseAccountRef")
    return account_ref


def account(default: bool) -> list[Field]:
    """The line's account as name and id, from the line or else from its item (one Item query per run)."""
    description = "The line's account, or its item's (income/expense/inventory asset) account"
    return [
        computed(
            "account",
            "Account",
            "text",
            lambda r, c: (item_account(r, c) or {}).get("name"),
            default,
            description,
        ),
        computed(
            "account_id",
            "Account ID",
            "text",
            lambda r, c: (item_account(r, c) or {}).get("value"),
            False,
            description,
        ),
    ]


@dataclass(frozen=True)
class LineSource(EntitySource):
    """One row per line of the entity's transactions; keyed by transaction id and line id."""

    incremental: bool = False

    def explode(self, record: JsonObject) -> Iterator[JsonObject]:
        yield from lines_of(record)

    def prepare(self, company: CompanyContext, client: QboClient, keys: Sequence[str] | None) -> None:
        """Also read the items (one query) when the account column is chosen: item lines name no account."""
        super().prepare(company, client, keys)
        if (
            company.items is None
            and any(k in ACCOUNT_KEYS for k in keys or ())
            and self.entity != "JournalEntry"
        ):
            found = client.query("Item", "Active IN (true,false)", paging=ById())
            company.items = {str(item.get("Id")): item for item in found}


@dataclass(frozen=True)
class BudgetSource(EntitySource):
    """One row per budget line (account x month, with its class, customer and location when set).

    Read whole on every run, like the line sources: a row is no QBO object with changes of its own."""

    incremental: bool = False

    def explode(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for number, detail in enumerate(record.get("BudgetDetail") or (), 1):
            yield {"Id": f"{record.get('Id')}-{number}", "Txn": record, "Detail": detail}


def header(party_key: str, party_label: str, party_path: str) -> list[Field]:
    return [
        at("id", "Line ID", "Id", description="Transaction id and line id"),
        at("txn_id", "Transaction ID", "Txn.Id", default=False),
        at("number", "Number", "Txn.DocNumber"),
        at("date", "Date", "Txn.TxnDate", "date"),
        *ref(party_key, party_label, f"Txn.{party_path}"),
    ]


def body(item: bool = True, expense: bool = False) -> list[Field]:
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
    fields += account(default=expense)
    if item:
        fields += [at("qty", "Qty", "Detail.Qty", "number"), at("rate", "Rate", "Detail.UnitPrice", "money")]
    fields += [
        computed("amount", "Amount", "money", signed_amount, description="Line amount; discounts negative"),
        *ref("class", "Class", "Detail.ClassRef", default=False),
    ]
    return fields


def txn_currency(
    amounts: Sequence[tuple[str, str, Getter | None]] = (("amount", "Amount", None),),
) -> list[Field]:
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
    def home(record: JsonObject, ctx: RowContext) -> Decimal | None:
        amount = get(record, ctx)
        return (
            None if amount is None else (amount * exchange_rate(record["Txn"], ctx)).quantize(Decimal("0.01"))
        )

    return home


def line_source(
    key: str, label: str, qbo: str, group: str, fields: Sequence[Field], filters: FilterSpec, **settings: Any
) -> LineSource:
    source = entity(key, label, qbo, group, fields, filters, LineSource, **settings)
    assert isinstance(source, LineSource)
    return source


LINE_SOURCES: tuple[EntitySource, ...] = (
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
        [*header("vendor", "Vendor", "VendorRef"), *body(item=True, expense=True), *txn_currency()],
        FilterSpec(party=VENDOR),
    ),
    line_source(
        "purchase_order_lines",
        "Purchase order lines",
        "PurchaseOrder",
        "Expenses",
        [*header("vendor", "Vendor", "VendorRef"), *body(item=True, expense=True), *txn_currency()],
        FilterSpec(party=VENDOR),
        description="One row per line of a purchase order; read whole on every run",
    ),
    BudgetSource(
        "budgets",
        "Budgets",
        "Budget",
        "Accounting",
        (
            at("id", "Budget line ID", "Id", default=False, description="Budget id and line number"),
            at("budget_id", "Budget ID", "Txn.Id", default=False),
            at("budget", "Budget", "Txn.Name"),
            at("budget_type", "Budget type", "Txn.BudgetType", default=False),
            at("budget_start", "Budget start", "Txn.StartDate", "date", default=False),
            at("budget_end", "Budget end", "Txn.EndDate", "date", default=False),
            at("active", "Active", "Txn.Active", "bool", default=False),
            *ref("account", "Account", "Detail.AccountRef", id_default=True),
            at("month", "Month", "Detail.BudgetDate", "date", description="First day of the budgeted period"),
            at("amount", "Amount", "Detail.Amount", "money", description="The budgeted amount"),
            *ref("class", "Class", "Detail.ClassRef"),
            *ref("customer", "Customer", "Detail.CustomerRef"),
            *ref("department", "Location", "Detail.DepartmentRef"),
        ),
        FilterSpec(date_field=None),
        description="One row per budget line: a budgeted amount for an account and month, with its class, "
        "customer and location where the budget is split by them; read whole on every run",
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
