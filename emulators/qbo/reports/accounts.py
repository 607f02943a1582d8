"""The chart of accounts: types, classification, normal sign, parent/child tree, special accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .company_access import Company, entities

# Account type (spaces removed, lower case) -> classification, in QBO's report order.
TYPE_CLASSIFICATION = {
    "bank": "Asset",
    "accountsreceivable": "Asset",
    "othercurrentasset": "Asset",
    "fixedasset": "Asset",
    "otherasset": "Asset",
    "accountspayable": "Liability",
    "creditcard": "Liability",
    "othercurrentliability": "Liability",
    "longtermliability": "Liability",
    "equity": "Equity",
    "income": "Revenue",
    "costofgoodssold": "Expense",
    "expense": "Expense",
    "otherincome": "Revenue",
    "otherexpense": "Expense",
}
TYPE_ORDER = list(TYPE_CLASSIFICATION)
DEBIT_NORMAL = {"Asset", "Expense"}
PROFIT_AND_LOSS = {"Revenue", "Expense"}


def type_key(account_type: str) -> str:
    """Normalise "Other Current Asset" / "OtherCurrentAsset" to "othercurrentasset"."""
    return "".join(account_type.split()).lower()


@dataclass(frozen=True)
class Account:
    """One account as the reports see it."""

    id: str
    name: str
    fully_qualified_name: str
    type: str  # normalised account type (see TYPE_CLASSIFICATION)
    sub_type: str
    classification: str
    parent_id: str | None = None

    @property
    def sign(self) -> int:
        """+1 where a debit increases the reported amount (assets, expenses), else -1."""
        return 1 if self.classification in DEBIT_NORMAL else -1

    @property
    def is_profit_and_loss(self) -> bool:
        return self.classification in PROFIT_AND_LOSS

    @property
    def sort_key(self) -> tuple[int, str]:
        return (
            TYPE_ORDER.index(self.type) if self.type in TYPE_ORDER else len(TYPE_ORDER),
            self.name.lower(),
        )


# Special accounts the ledger needs, found by sub-type or name, else created: key -> (name, type, sub-types).
SPECIAL = {
    "ar": ("Accounts Receivable (A/R)", "accountsreceivable", ()),
    "ap": ("Accounts Payable (A/P)", "accountspayable", ()),
    "undeposited": ("Undeposited Funds", "othercurrentasset", ("UndepositedFunds",)),
    "sales_tax": ("Sales Tax Payable", "othercurrentliability", ("GlobalTaxPayable", "SalesTaxPayable")),
    "retained_earnings": ("Retained Earnings", "equity", ("RetainedEarnings",)),
    "unapplied_income": ("Unapplied Cash Payment Income", "income", ("UnappliedCashPaymentIncome",)),
    "unapplied_expense": (
        "Unapplied Cash Bill Payment Expense",
        "expense",
        ("UnappliedCashBillPaymentExpense",),
    ),
    "exchange": ("Exchange Gain or Loss", "otherexpense", ("ExchangeGainOrLoss",)),
    "income": ("Sales", "income", ("SalesOfProductIncome", "ServiceFeeIncome")),
    "expense": ("Uncategorized Expense", "expense", ()),
    "asset": ("Uncategorized Asset", "othercurrentasset", ()),
}


def _from_entity(raw: dict) -> Account:
    account_type = type_key(str(raw.get("AccountType", "")))
    classification = raw.get("Classification") or TYPE_CLASSIFICATION.get(account_type, "Asset")
    parent = (raw.get("ParentRef") or {}).get("value") if raw.get("SubAccount", True) else None
    name = str(raw.get("Name") or raw.get("FullyQualifiedName") or raw.get("Id"))
    return Account(
        id=str(raw["Id"]),
        name=name,
        fully_qualified_name=str(raw.get("FullyQualifiedName") or name),
        type=account_type if account_type in TYPE_CLASSIFICATION else "othercurrentasset",
        sub_type=str(raw.get("AccountSubType", "")),
        classification=classification,
        parent_id=str(parent) if parent else None,
    )


@dataclass
class Chart:
    """All accounts by id, with lookups for children and the special accounts."""

    accounts: dict[str, Account]
    special: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_company(cls, company: Company) -> Chart:
        chart = cls({a.id: a for a in map(_from_entity, entities(company, "Account"))})
        for key in SPECIAL:
            chart.special[key] = chart._find_or_create(key)
        return chart

    def _find_or_create(self, key: str) -> str:
        name, account_type, sub_types = SPECIAL[key]
        candidates = sorted(self.accounts.values(), key=lambda a: int(a.id) if a.id.isdigit() else 0)
        for match in (
            lambda a: a.sub_type in sub_types,
            lambda a: a.name.lower() == name.lower(),
            lambda a: key in ("ar", "ap", "income", "expense") and a.type == account_type,
        ):
            found = next((a for a in candidates if match(a)), None)
            if found:
                return found.id
        account_id = f"emulator-{key}"
        self.accounts[account_id] = Account(
            account_id, name, name, account_type, "", TYPE_CLASSIFICATION[account_type]
        )
        return account_id

    def get(self, account_id: str) -> Account:
        """The account, or a placeholder asset for a reference to a missing account."""
        if account_id not in self.accounts:
            label = f"Unknown account {account_id}"
            self.accounts[account_id] = Account(account_id, label, label, "othercurrentasset", "", "Asset")
        return self.accounts[account_id]

    def children(self, account_id: str | None) -> list[Account]:
        """Direct sub-accounts sorted by name (top-level accounts for None)."""
        kids = [a for a in self.accounts.values() if self._parent(a) == account_id]
        return sorted(kids, key=lambda a: a.name.lower())

    def _parent(self, account: Account) -> str | None:
        parent = account.parent_id
        if parent is None or parent not in self.accounts:
            return None
        return parent if self.accounts[parent].type == account.type else None

    def roots(self, account_types: set[str]) -> list[Account]:
        """Top-level accounts (within their type) of the given types, sorted by name."""
        return [a for a in self.children(None) if a.type in account_types]

    def of_types(self, account_types: set[str]) -> list[Account]:
        """Every account of the given types."""
        return [a for a in self.accounts.values() if a.type in account_types]
