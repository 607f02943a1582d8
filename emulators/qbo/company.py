"""One emulated QBO company (realm): its entities as QBO JSON dicts, its deletions, its settings.

This is the seam with `emulators.qbo.reports`: `build_report(name, params, company)` reads a
`Company` through `realm_id`, `name`, `home_currency`, `today()`, `entities(name)` and
`preferences()` only.

How the generated transactions post (double entry; every amount is a JSON number with at most
2 decimals, in the transaction's currency; multiply by `ExchangeRate` (absent = 1) and round to
cents for the home currency; a debit raises Asset/Expense accounts, a credit raises
Liability/Equity/Revenue accounts). Every transaction has `TxnDate` (YYYY-MM-DD) and `TotalAmt`
(Transfer: `Amount`).

Well-known accounts (find them by `AccountSubType`, exactly one of each):
  AccountsReceivable ("Accounts Receivable (A/R)"), AccountsPayable ("Accounts Payable (A/P)"),
  UndepositedFunds, Checking (bank), CreditCard, SalesTaxPayable ("Sales Tax Payable", AccountType
  "Other Current Liability"), RetainedEarnings, OpeningBalanceEquity.

Invoice (posts at TxnDate):
  debit  AR                          TotalAmt
  credit item.IncomeAccountRef       Line[DetailType=SalesItemLineDetail].Amount, where item is
                                     `SalesItemLineDetail.ItemRef` looked up in entities("Item")
  credit (same rule)                 each inner line of Line[DetailType=GroupLineDetail]
                                     (`GroupLineDetail.Line[]` are SalesItemLineDetail lines; the
                                     group line's own Amount is their sum: do not post it twice)
  debit  DiscountLineDetail.DiscountAccountRef   Line[DetailType=DiscountLineDetail].Amount
                                     (Amount is positive and is subtracted from the total)
  credit Sales Tax Payable           TxnTaxDetail.TotalTax (when present)
  no posting: SubTotalLineDetail, DescriptionOnly lines.
  TotalAmt = sales lines + group lines - discount + TotalTax; Balance = TotalAmt - payments.
SalesReceipt: as Invoice, but debit `DepositToAccountRef` instead of AR.
CreditMemo:   the mirror of Invoice: credit AR TotalAmt, debit the item income accounts (and
              Sales Tax Payable for TotalTax); Balance = unapplied credit.
Estimate:     no posting.
RefundReceipt: the mirror of SalesReceipt: debit the item income accounts (and Sales Tax Payable for
              TotalTax), credit `DepositToAccountRef` (the account the refund is paid from) TotalAmt.
Payment:      debit `DepositToAccountRef` (Undeposited Funds or Checking) TotalAmt, credit AR
              TotalAmt. `Line[].LinkedTxn[{TxnId, TxnType:"Invoice"}]` say which invoices it pays.
Deposit:      debit `DepositToAccountRef` TotalAmt; credit `Line[].DepositLineDetail.AccountRef`
              Line.Amount for every line (lines that move received payments also carry
              `LinkedTxn` and credit Undeposited Funds).
Bill:         credit `APAccountRef` TotalAmt; debit `Line[].AccountBasedExpenseLineDetail.AccountRef`
              Line.Amount, or for `ItemBasedExpenseLineDetail` the item's `ExpenseAccountRef`.
VendorCredit: the mirror of Bill: debit `APAccountRef` TotalAmt, credit the line accounts (as Bill's);
              Balance = unapplied credit.
PurchaseOrder: no posting (lines as Bill's).
BillPayment:  debit AP (`APAccountRef`) TotalAmt; credit `CheckPayment.BankAccountRef` (PayType
              "Check") or `CreditCardPayment.CCAccountRef` (PayType "CreditCard") TotalAmt.
Purchase:     credit `AccountRef` (bank or credit card) TotalAmt; debit
              `Line[].AccountBasedExpenseLineDetail.AccountRef` Line.Amount. `EntityRef.type` is
              Vendor, or Employee for an employee's expenses.
Transfer:     debit `ToAccountRef` Amount, credit `FromAccountRef` Amount (no TotalAmt, as in QBO).
JournalEntry: `Line[].JournalEntryLineDetail{PostingType: "Debit"|"Credit", AccountRef}`, Line.Amount;
              debits = credits. Opening balances are journal entries against Opening Balance Equity.

TimeActivity, Budget, TaxAgency, TaxRate: no posting. Budget: `BudgetDetail[]{BudgetDate (first of a
month), Amount, AccountRef, ClassRef?, CustomerRef?, DepartmentRef?}` over StartDate..EndDate.

Accounts: `ParentRef` + `SubAccount: true` for sub-accounts; `FullyQualifiedName` is "Parent:Child";
`Classification` is Asset|Liability|Equity|Revenue|Expense; `AccountType` is the display name.
Name-list entities carry `Active`; inactive ones are included by `entities()`; deleted ones are not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import orjson

from emulators.qbo.clock import Clock, iso_seconds

NAME_LISTS = (
    "Customer",
    "Vendor",
    "Account",
    "Item",
    "Class",
    "Department",
    "Term",
    "Employee",
    "TaxCode",
    "PaymentMethod",
)
# Lists without the implicit `Active = true` of name lists [U for TaxRate and Budget, which carry Active].
OTHER_LISTS = ("TaxAgency", "TaxRate", "Budget")
TRANSACTIONS = (
    "Invoice",
    "SalesReceipt",
    "CreditMemo",
    "Estimate",
    "Payment",
    "Deposit",
    "Bill",
    "BillPayment",
    "Purchase",
    "JournalEntry",
    "PurchaseOrder",
    "VendorCredit",
    "RefundReceipt",
    "Transfer",
    "TimeActivity",
)
ENTITIES = NAME_LISTS + OTHER_LISTS + TRANSACTIONS


@dataclass(frozen=True)
class Change:
    """One entity created, updated or deleted: what persistence, CDC and webhooks hear about."""

    realm_id: str
    entity: str
    entity_id: str
    operation: str  # Create | Update | Delete
    body: dict  # the entity, or the deletion stub


class Company:
    """A realm's entities (`{entity: {id: json}}`), deletion stubs, CompanyInfo and Preferences.

    An entity's dict is never changed in place once it is held here: every write (`create`, `update`,
    `delete`, `load`) puts a new dict in its place, which is what lets `encoded` keep each entity's JSON.
    """

    def __init__(
        self,
        realm_id: str,
        name: str,
        home_currency: str,
        clock: Clock,
        info: dict | None = None,
        prefs: dict | None = None,
        multicurrency: bool = False,
    ) -> None:
        self.realm_id = realm_id
        self.name = name
        self.home_currency = home_currency
        self.multicurrency = multicurrency
        self.clock = clock
        self.info = info or {}
        self.prefs = prefs or {}
        self.listeners: list[Callable[[Change], None]] = []
        self._live: dict[str, dict[str, dict]] = {entity: {} for entity in ENTITIES}
        self._deleted: dict[str, dict[str, dict]] = {entity: {} for entity in ENTITIES}
        # {entity: {id: (the dict encoded, its JSON)}}: see `encoded`; dropped on every write
        self._encoded: dict[str, dict[str, tuple[dict, orjson.Fragment]]] = {e: {} for e in ENTITIES}
        self._next_id = 1
        self.version = 0  # bumped on every change, so readers can cache derived results
        self.cache: OrderedDict[tuple, object] = OrderedDict()  # for readers, keyed with `version`
        self._lock = threading.RLock()

    # --- the reports seam -------------------------------------------------------------------
    def today(self) -> date:
        """Today on the emulator clock, in company time."""
        return self.clock.today()

    def entities(self, entity_name: str) -> list[dict]:
        """All live entities of a type (active and inactive), in Id order."""
        with self._lock:
            return list(self._live.get(entity_name, {}).values())

    def preferences(self) -> dict:
        """The Preferences entity (ReportPrefs.ReportBasis, CurrencyPrefs, ...)."""
        return self.prefs

    # --- reads --------------------------------------------------------------------------------
    def get(self, entity_name: str, entity_id: str) -> dict | None:
        with self._lock:
            return self._live.get(entity_name, {}).get(entity_id)

    def encoded(self, entity_name: str, rows: list[dict]) -> list[dict | orjson.Fragment]:
        """`rows` as they are answered: each live entity's compact JSON made once (an `orjson.Fragment`,
        the same bytes `orjson.dumps` makes of it inside an answer; see `encode_all`, else on first read)
        and kept until a write replaces or removes it; other rows (CompanyInfo, deletion stubs, a dict
        already replaced) as they are. A 1,000-invoice page was 10-13 ms of encoding ~1.8 MB in every
        answer; a kept fragment is copied. A fragment is only used for the very dict it was made of, so a
        write through any path is answered at once even if its entry were not dropped."""
        live = self._live.get(entity_name)
        if live is None:
            return list(rows)
        kept = self._encoded[entity_name]
        answered: list[dict | orjson.Fragment] = []
        for row in rows:
            entity_id = row.get("Id")
            entry = kept.get(entity_id)  # type: ignore[arg-type]
            if entry is None or entry[0] is not row:
                if live.get(entity_id) is not row:  # type: ignore[arg-type]
                    answered.append(row)
                    continue
                entry = (row, orjson.Fragment(orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS)))
                kept[entity_id] = entry  # type: ignore[index]
            answered.append(entry[1])
        return answered

    def encode_all(self) -> None:
        """Make every live entity's JSON now, as a company is generated or loaded: encoding an entity on
        its own costs ~1.7x its share of a page's, which a company read once would pay in its answers."""
        with self._lock:
            for entity_name, rows in self._live.items():
                self.encoded(entity_name, list(rows.values()))

    def deleted(self, entity_name: str) -> list[dict]:
        """Deletion stubs `{"status":"Deleted","domain":"QBO","Id","MetaData":{LastUpdatedTime}}`."""
        with self._lock:
            return list(self._deleted.get(entity_name, {}).values())

    def company_info(self) -> dict:
        return self.info

    def summary(self) -> dict:
        """Realm, name, currency and entity counts, for the admin API."""
        with self._lock:
            counts = {entity: len(rows) for entity, rows in self._live.items() if rows}
        return {"realmId": self.realm_id, "name": self.name, "currency": self.home_currency, "counts": counts}

    # --- writes -------------------------------------------------------------------------------
    def new_id(self) -> str:
        with self._lock:
            value = self._next_id
            self._next_id += 1
            return str(value)

    def load(self, entity_name: str, rows: Iterable[dict], deleted: bool = False) -> None:
        """Bulk-insert rows without notifying listeners (generation and loading from disk)."""
        with self._lock:
            target = (self._deleted if deleted else self._live)[entity_name]
            kept = self._encoded[entity_name]
            self.version += 1
            for row in rows:
                target[row["Id"]] = row
                kept.pop(row["Id"], None)
                self._next_id = max(self._next_id, int(row["Id"]) + 1)

    def create(self, entity_name: str, body: dict) -> dict:
        """Add an entity with a fresh Id, SyncToken "0" and MetaData at the emulator clock."""
        stamp = iso_seconds(self.clock.datetime())
        with self._lock:
            row = {**body, "Id": self.new_id(), "SyncToken": "0", "domain": "QBO", "sparse": False}
            row["MetaData"] = {"CreateTime": stamp, "LastUpdatedTime": stamp}
            self._live[entity_name][row["Id"]] = row
        self._notify(Change(self.realm_id, entity_name, row["Id"], "Create", row))
        return row

    def update(self, entity_name: str, entity_id: str, patch: dict) -> dict | None:
        """Apply a shallow patch; bump SyncToken and MetaData.LastUpdatedTime."""
        with self._lock:
            current = self._live[entity_name].get(entity_id)
            if current is None:
                return None
            protected = {"Id", "SyncToken", "MetaData", "domain"}
            row = {**current, **{k: v for k, v in patch.items() if k not in protected}}
            row = {k: v for k, v in row.items() if v is not None}
            row["SyncToken"] = str(int(current.get("SyncToken", "0")) + 1)
            row["MetaData"] = {**current["MetaData"], "LastUpdatedTime": iso_seconds(self.clock.datetime())}
            self._live[entity_name][entity_id] = row
            self._encoded[entity_name].pop(entity_id, None)
        self._notify(Change(self.realm_id, entity_name, entity_id, "Update", row))
        return row

    def delete(self, entity_name: str, entity_id: str) -> dict | None:
        """Remove an entity and keep a deletion stub for CDC."""
        with self._lock:
            if self._live[entity_name].pop(entity_id, None) is None:
                return None
            self._encoded[entity_name].pop(entity_id, None)
            stub = deletion_stub(entity_id, iso_seconds(self.clock.datetime()))
            self._deleted[entity_name][entity_id] = stub
        self._notify(Change(self.realm_id, entity_name, entity_id, "Delete", stub))
        return stub

    def _notify(self, change: Change) -> None:
        self.version += 1
        for listener in list(self.listeners):
            listener(change)


def deletion_stub(entity_id: str, stamp: str) -> dict:
    """What CDC returns for a deleted object."""
    return {"status": "Deleted", "domain": "QBO", "Id": entity_id, "MetaData": {"LastUpdatedTime": stamp}}
