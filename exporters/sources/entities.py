"""Entity sources: one row per QBO object, declared as data (fields + filters) in SOURCES below."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from exporters.columns import (
    CUSTOM_PREFIX,
    Column,
    Field,
    Row,
    address,
    at,
    computed,
    currency,
    custom_field,
    ref,
    to_date,
    to_decimal,
)
from exporters.filters import ALWAYS_QUERYABLE, FilterSpec, where_clause
from exporters.prefetch import Turns, read_ahead
from exporters.sources.base import (
    COMPANY_FIELDS,
    CompanyContext,
    RowContext,
    RunContext,
    learn_home_currency,
)
from exporters.sources.query import query_params
from qbo.ahead import Handshake, decoded, raw_pages
from qbo.client import MAX_PAGE, JsonObject, QboClient
from store.documents import ExporterOptions, Party


@dataclass(frozen=True)
class EntitySource:
    """A source that lists one QBO entity, one row per object."""

    key: str
    label: str
    entity: str
    group: str
    fields: tuple[Field, ...]
    filters: FilterSpec = field(default_factory=FilterSpec)
    kind: str = "entity"
    incremental: bool = True
    key_columns: tuple[str, ...] = ("id",)
    description: str = ""  # what a row is, for the catalog (list_sources); empty: the label says it

    def as_statement(self, options: ExporterOptions) -> None:
        """Entity sources write rows, never a statement table."""
        return None

    def as_incremental(self) -> EntitySource | None:
        """Itself when its rows can be upserted from the changes since a watermark (not line sources)."""
        return self if self.incremental else None

    def all_fields(self) -> tuple[Field, ...]:
        return (*COMPANY_FIELDS, *self.fields)

    def columns(self, options: ExporterOptions | None = None) -> list[Column]:
        return [f.column for f in self.all_fields()]

    def default_columns(self, options: ExporterOptions | None = None) -> list[Column]:
        return [c for c in self.columns(options) if c.default]

    def field_for(self, key: str) -> Field | None:
        if key.startswith(CUSTOM_PREFIX):
            return custom_field(key)
        return next((f for f in self.all_fields() if f.column.key == key), None)

    def query_fields(self) -> dict[str, str]:
        """QBO fields the WHERE box may name (the top-level properties this source reads), with the column
        type a value compared with each must fit (a reference, `CustomerRef`, takes an id: text)."""
        names: dict[str, str] = dict(ALWAYS_QUERYABLE)
        for f in self.fields:
            if f.path and not f.path.startswith(("Line.", "Detail.")):
                path = f.path.removeprefix("Txn.")
                if ".name" in path or ".value" in path:
                    names.setdefault(path.split(".")[0], "text")
                else:
                    names.setdefault(path, f.column.type)
        return names

    def date_dependent(self, options: ExporterOptions, keys: Sequence[str]) -> bool:
        """Whether rows change with the run's date alone (relative range, status): a full pull once a day."""
        return options.relative_dates or options.status is not None or "status" in keys

    def where(self, options: ExporterOptions, run: RunContext) -> str:
        return where_clause(self.filters, options, run.today, self.query_fields())

    def records(
        self,
        client: QboClient,
        options: ExporterOptions,
        run: RunContext,
        where: str | None = None,
        keys: Sequence[str] | None = None,
    ) -> Iterator[JsonObject]:
        """The QBO objects, page by page (1000 at a time), reporting progress as they arrive.

        Intuit meters every read, so the total behind "x of y" progress is asked for (COUNT) only
        when a first full page says the pull will take several and the last run left no row count to
        estimate it by: a small source, or one run before, costs no COUNT. The COUNT never ends the pull:
        it is taken after the first page, so a row of that page deleted in between makes it one short,
        and stopping at it would leave the last row unread. Only a short (or empty) page ends a pull.

        The pages are fetched by a thread of their own, one page ahead: the next page is on its way while
        this one is decoded (`qbo.ahead`), becomes rows and its progress is written (the client sends one
        request at a time). A page handed over is started on once the next page's request is sent
        (`Turns`).
        """
        where = self.where(options, run) if where is None else where
        total = None
        done = 0
        turns, handshake = Turns(), Handshake()
        pages = raw_pages(
            client, self.entity, where, handshake, params=query_params(keys), on_send=turns.waiting
        )
        ahead = read_ahead(pages, batch_rows=1, queued_batches=1, name="qbo-pages", turns=turns)
        for record in decoded(ahead, self.entity, handshake):
            yield record
            done += 1
            if done % MAX_PAGE == 0:
                if total is None and options.count and run.last_rows is None:
                    total = client.count(self.entity, where)
                run.fetched(done, total)
        run.fetched(done, total)

    def explode(self, record: JsonObject) -> Iterator[JsonObject]:
        """The records that become rows (the object itself; line sources yield one per line)."""
        yield record

    def rows(
        self,
        client: QboClient,
        company: CompanyContext,
        options: ExporterOptions,
        run: RunContext,
        keys: Sequence[str] | None = None,
    ) -> Iterator[Row]:
        """Typed rows keyed by column key, streamed page by page."""
        self.prepare(company, client, keys)
        return self.rows_from(self.records(client, options, run, keys=keys), company, run, keys)

    def prepare(self, company: CompanyContext, client: QboClient, keys: Sequence[str] | None) -> None:
        """Read what these columns need besides the objects (the home currency)."""
        learn_home_currency(company, client, keys)

    def rows_from(
        self,
        records: Iterable[JsonObject],
        company: CompanyContext,
        run: RunContext,
        keys: Sequence[str] | None,
    ) -> Iterator[Row]:
        """Rows of QBO objects (fetched here, or by an incremental pull)."""
        readers = [(f.column.key, f.read) for f in self.fields_for(keys)]  # looked up once, not per cell
        ctx = RowContext(company, run)
        for record in records:
            for item in self.explode(record):
                yield {key: read(item, ctx) for key, read in readers}

    def fields_for(self, keys: Sequence[str] | None) -> list[Field]:
        if keys is None:
            return [f for f in self.all_fields() if f.column.default]
        found = [self.field_for(k) for k in keys]
        return [f for f in found if f is not None]


# -- shared field groups ---------------------------------------------------------------------------


def meta() -> list[Field]:
    return [
        at("id", "ID", "Id", default=False),
        at("created", "Created", "MetaData.CreateTime", "datetime", default=False),
        at("updated", "Last updated", "MetaData.LastUpdatedTime", "datetime", default=False),
    ]


def txn(party_key: str, party_label: str, party_path: str) -> list[Field]:
    """Header fields of a transaction: number, date, party, total, memo."""
    return [
        at("number", "Number", "DocNumber"),
        at("date", "Date", "TxnDate", "date"),
        *ref(party_key, party_label, party_path, id_default=True),
        at("total", "Total", "TotalAmt", "money"),
        at("memo", "Memo", "PrivateNote", default=False),
    ]


def status(record: JsonObject, ctx: RowContext) -> str:
    """Paid / Open / Overdue from Balance and DueDate on the run's date (exporter's time zone)."""
    balance = to_decimal(record.get("Balance")) or 0
    if balance <= 0:
        return "Paid"
    due = to_date(record.get("DueDate"))
    return "Overdue" if due is not None and due < ctx.today else "Open"


def open_document(party_key: str, party_label: str, party_path: str) -> list[Field]:
    """Invoices and bills: a balance, a due date and a status."""
    return [
        *txn(party_key, party_label, party_path),
        at("balance", "Balance", "Balance", "money"),
        at("due_date", "Due date", "DueDate", "date"),
        computed("status", "Status", "text", status, description="Paid, Open or Overdue on the run's date"),
        *currency([("total", "Total", "TotalAmt"), ("balance", "Balance", "Balance")]),
    ]


def name_list(extra: Sequence[Field] = ()) -> list[Field]:
    return [*meta(), *extra, at("active", "Active", "Active", "bool")]


def party() -> list[Field]:
    """Customers and vendors."""
    return [
        at("name", "Name", "DisplayName"),
        at("company_name", "Company name", "CompanyName", default=False),
        at("given_name", "First name", "GivenName", default=False),
        at("family_name", "Last name", "FamilyName", default=False),
        at("email", "Email", "PrimaryEmailAddr.Address"),
        at("phone", "Phone", "PrimaryPhone.FreeFormNumber"),
        at("balance", "Balance", "Balance", "money"),
        at("currency", "Currency", "CurrencyRef.value", default=False),
        *address("bill_addr", "Billing address", "BillAddr"),
    ]


def nested_name() -> list[Field]:
    """Name lists that nest (classes, locations): the name, its full path and its parent."""
    return [
        at("name", "Name", "Name"),
        at("full_name", "Full name", "FullyQualifiedName"),
        *ref("parent", "Parent", "ParentRef", default=False),
    ]


CUSTOMER: tuple[tuple[Party, str], ...] = (("customer", "CustomerRef"),)
VENDOR: tuple[tuple[Party, str], ...] = (("vendor", "VendorRef"),)
DOCUMENT = FilterSpec(party=CUSTOMER, has_status=True)
SALE = FilterSpec(party=CUSTOMER)
PURCHASE = FilterSpec(party=VENDOR)
NAME_LIST = FilterSpec(date_field=None, name_list=True)


def entity(
    key: str,
    label: str,
    qbo: str,
    group: str,
    fields: Sequence[Field],
    filters: FilterSpec,
    kind: type[EntitySource] | None = None,
    **settings: Any,
) -> Any:
    """A source of `kind` (EntitySource; LineSource, BudgetSource...); `settings` such as
    `incremental=False` (an entity QBO's change data capture does not cover) and `description`."""
    return (kind or EntitySource)(key, label, qbo, group, tuple(fields), filters, **settings)


def duration(record: dict[str, Any], _ctx: RowContext) -> Decimal | None:
    """A time activity's Hours and Minutes as hours (2 h 15 min: 2.25)."""
    hours, minutes = to_decimal(record.get("Hours")), to_decimal(record.get("Minutes"))
    if hours is None and minutes is None:
        return None
    return ((hours or Decimal(0)) + (minutes or Decimal(0)) / 60).quantize(Decimal("0.01"))


ENTITY_SOURCES: tuple[EntitySource, ...] = (
    entity(
        "invoices",
        "Invoices",
        "Invoice",
        "Sales",
        [
            *meta(),
            *open_document("customer", "Customer", "CustomerRef"),
            *ref("terms", "Terms", "SalesTermRef", default=False),
            at("email", "Billing email", "BillEmail.Address", default=False),
            at("tax", "Tax", "TxnTaxDetail.TotalTax", "money", default=False),
            *address("bill_addr", "Billing address", "BillAddr"),
            *address("ship_addr", "Shipping address", "ShipAddr"),
        ],
        DOCUMENT,
    ),
    entity(
        "sales_receipts",
        "Sales receipts",
        "SalesReceipt",
        "Sales",
        [
            *meta(),
            *txn("customer", "Customer", "CustomerRef"),
            *currency([("total", "Total", "TotalAmt")]),
            *ref("deposit_to", "Deposit to", "DepositToAccountRef", default=False),
        ],
        SALE,
    ),
    entity(
        "credit_memos",
        "Credit memos",
        "CreditMemo",
        "Sales",
        [
            *meta(),
            *txn("customer", "Customer", "CustomerRef"),
            at("balance", "Unapplied", "Balance", "money"),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        SALE,
    ),
    entity(
        "estimates",
        "Estimates",
        "Estimate",
        "Sales",
        [
            *meta(),
            *txn("customer", "Customer", "CustomerRef"),
            at("txn_status", "Estimate status", "TxnStatus"),
            at("expiration_date", "Expires", "ExpirationDate", "date", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        SALE,
    ),
    entity(
        "payments",
        "Payments",
        "Payment",
        "Sales",
        [
            *meta(),
            *txn("customer", "Customer", "CustomerRef"),
            at("unapplied", "Unapplied", "UnappliedAmt", "money"),
            at("reference", "Reference no.", "PaymentRefNum", default=False),
            *ref("method", "Payment method", "PaymentMethodRef", default=False),
            *ref("deposit_to", "Deposit to", "DepositToAccountRef", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        SALE,
    ),
    entity(
        "refund_receipts",
        "Refund receipts",
        "RefundReceipt",
        "Sales",
        [
            *meta(),
            *txn("customer", "Customer", "CustomerRef"),
            *ref("refund_from", "Refund from", "DepositToAccountRef", default=False),
            *ref("method", "Payment method", "PaymentMethodRef", default=False),
            at("tax", "Tax", "TxnTaxDetail.TotalTax", "money", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        SALE,
        description="One row per refund receipt: money paid back to a customer (it posts, like a negative "
        "sale)",
    ),
    entity(
        "bills",
        "Bills",
        "Bill",
        "Expenses",
        [
            *meta(),
            *open_document("vendor", "Vendor", "VendorRef"),
            *ref("ap_account", "A/P account", "APAccountRef", default=False),
        ],
        FilterSpec(party=VENDOR, has_status=True),
    ),
    entity(
        "bill_payments",
        "Bill payments",
        "BillPayment",
        "Expenses",
        [
            *meta(),
            *txn("vendor", "Vendor", "VendorRef"),
            at("pay_type", "Paid by", "PayType"),
            *ref("bank_account", "Bank account", "CheckPayment.BankAccountRef", default=False),
            *ref("card_account", "Card account", "CreditCardPayment.CCAccountRef", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        PURCHASE,
    ),
    entity(
        "expenses",
        "Expenses",
        "Purchase",
        "Expenses",
        [
            *meta(),
            *txn("payee", "Payee", "EntityRef"),
            at("payment_type", "Payment type", "PaymentType"),
            *ref("account", "Paid from", "AccountRef"),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        FilterSpec(),
    ),
    entity(
        "purchase_orders",
        "Purchase orders",
        "PurchaseOrder",
        "Expenses",
        [
            *meta(),
            *txn("vendor", "Vendor", "VendorRef"),
            at(
                "po_status",
                "PO status",
                "POStatus",
                description="Open or Closed (a purchase order posts nothing)",
            ),
            at("due_date", "Due date", "DueDate", "date", default=False),
            *ref("ap_account", "A/P account", "APAccountRef", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        PURCHASE,
        description="One row per purchase order: an order to a vendor, which posts nothing to the books",
    ),
    entity(
        "vendor_credits",
        "Vendor credits",
        "VendorCredit",
        "Expenses",
        [
            *meta(),
            *txn("vendor", "Vendor", "VendorRef"),
            at("balance", "Unapplied", "Balance", "money", description="The credit not yet applied to bills"),
            *ref("ap_account", "A/P account", "APAccountRef", default=False),
            *currency([("total", "Total", "TotalAmt"), ("balance", "Unapplied", "Balance")]),
        ],
        PURCHASE,
        description="One row per vendor credit: a vendor's credit note, lowering what is owed to it",
    ),
    entity(
        "time_activities",
        "Time activities",
        "TimeActivity",
        "Expenses",
        [
            *meta(),
            at("date", "Date", "TxnDate", "date"),
            at("name_of", "Worker type", "NameOf", default=False, description="Employee or Vendor"),
            *ref("employee", "Employee", "EmployeeRef"),
            *ref("vendor", "Vendor", "VendorRef", default=False),
            *ref("customer", "Customer", "CustomerRef"),
            *ref("item", "Service", "ItemRef"),
            *ref("class", "Class", "ClassRef", default=False),
            at("hours", "Hours", "Hours", "number", default=False),
            at("minutes", "Minutes", "Minutes", "number", default=False),
            computed(
                "duration", "Duration (hours)", "number", duration, description="Hours plus minutes, in hours"
            ),
            at("billable_status", "Billable status", "BillableStatus"),
            at("hourly_rate", "Hourly rate", "HourlyRate", "money"),
            at("taxable", "Taxable", "Taxable", "bool", default=False),
            at("description", "Description", "Description"),
        ],
        SALE,
        incremental=False,  # QBO's change data capture does not cover TimeActivity (reference 2.5)
        description="One row per time activity: hours an employee or vendor worked, for a customer or not; "
        "read whole on every run (QuickBooks' change data capture does not cover it)",
    ),
    entity(
        "deposits",
        "Deposits",
        "Deposit",
        "Banking",
        [
            *meta(),
            at("date", "Date", "TxnDate", "date"),
            *ref("deposit_to", "Deposit to", "DepositToAccountRef"),
            at("total", "Total", "TotalAmt", "money"),
            at("memo", "Memo", "PrivateNote", default=False),
            *currency([("total", "Total", "TotalAmt")]),
        ],
        FilterSpec(),
    ),
    entity(
        "transfers",
        "Transfers",
        "Transfer",
        "Banking",
        [
            *meta(),
            at("date", "Date", "TxnDate", "date"),
            *ref("from_account", "From account", "FromAccountRef"),
            *ref("to_account", "To account", "ToAccountRef"),
            at("amount", "Amount", "Amount", "money"),
            at("memo", "Memo", "PrivateNote"),
            *currency([("amount", "Amount", "Amount")]),
        ],
        FilterSpec(),
        description="One row per transfer of money between two bank or credit card accounts",
    ),
    entity(
        "customers",
        "Customers",
        "Customer",
        "Lists",
        name_list([*party(), *ref("parent", "Parent", "ParentRef", default=False)]),
        NAME_LIST,
    ),
    entity(
        "vendors",
        "Vendors",
        "Vendor",
        "Lists",
        name_list([*party(), at("vendor_1099", "1099 vendor", "Vendor1099", "bool", default=False)]),
        NAME_LIST,
    ),
    entity(
        "accounts",
        "Chart of accounts",
        "Account",
        "Lists",
        name_list(
            [
                at("name", "Name", "Name"),
                at("full_name", "Full name", "FullyQualifiedName", description="Parent:Child path"),
                at("number", "Number", "AcctNum", default=False),
                at("type", "Type", "AccountType"),
                at("detail_type", "Detail type", "AccountSubType", default=False),
                at("classification", "Classification", "Classification"),
                *ref("parent", "Parent", "ParentRef"),
                at("sub_account", "Sub-account", "SubAccount", "bool", default=False),
                at("balance", "Balance", "CurrentBalance", "money"),
                at(
                    "balance_with_subs", "Balance with sub-accounts", "CurrentBalanceWithSubAccounts", "money"
                ),
                at("currency", "Currency", "CurrencyRef.value", default=False),
            ]
        ),
        NAME_LIST,
    ),
    entity(
        "items",
        "Products and services",
        "Item",
        "Lists",
        name_list(
            [
                at("name", "Name", "Name"),
                at("full_name", "Full name", "FullyQualifiedName", default=False),
                at("sku", "SKU", "Sku", default=False),
                at("type", "Type", "Type"),
                at("description", "Description", "Description", default=False),
                at("price", "Price", "UnitPrice", "money"),
                at("cost", "Cost", "PurchaseCost", "money", default=False),
                at("qty_on_hand", "Quantity on hand", "QtyOnHand", "number", default=False),
                *ref("income_account", "Income account", "IncomeAccountRef", default=False),
                *ref("expense_account", "Expense account", "ExpenseAccountRef", default=False),
            ]
        ),
        NAME_LIST,
    ),
    entity(
        "classes",
        "Classes",
        "Class",
        "Lists",
        name_list(nested_name()),
        NAME_LIST,
    ),
    entity(
        "departments",
        "Locations (departments)",
        "Department",
        "Lists",
        name_list(nested_name()),
        NAME_LIST,
    ),
    entity(
        "employees",
        "Employees",
        "Employee",
        "Lists",
        name_list(
            [
                at("name", "Name", "DisplayName"),
                at("given_name", "First name", "GivenName", default=False),
                at("family_name", "Last name", "FamilyName", default=False),
                at("email", "Email", "PrimaryEmailAddr.Address"),
                at("phone", "Phone", "PrimaryPhone.FreeFormNumber", default=False),
                at("hired", "Hired", "HiredDate", "date", default=False),
                at("released", "Released", "ReleasedDate", "date", default=False),
            ]
        ),
        NAME_LIST,
    ),
)
