"""A small hand-built QBO company (entity JSON shaped like the Intuit samples) for report tests."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date

from tests.reference import QBO_SAMPLES

SAMPLES = QBO_SAMPLES


def sample(name: str) -> dict:
    """A real report sample from the shared reference folder."""
    return json.loads((SAMPLES / name).read_text())


def ref(value: str, name: str | None = None) -> dict:
    return {"value": value, "name": name} if name else {"value": value}


def account(
    id_: str, name: str, account_type: str, classification: str, parent: str | None = None, sub_type: str = ""
) -> dict:
    raw = {
        "Id": id_,
        "Name": name,
        "FullyQualifiedName": name,
        "AccountType": account_type,
        "AccountSubType": sub_type,
        "Classification": classification,
        "Active": True,
        "SubAccount": parent is not None,
    }
    if parent:
        raw["ParentRef"] = ref(parent)
    return raw


ACCOUNTS = [
    account("35", "Checking", "Bank", "Asset", sub_type="Checking"),
    account("36", "Savings", "Bank", "Asset", sub_type="Savings"),
    account("84", "Accounts Receivable (A/R)", "Accounts Receivable", "Asset", sub_type="AccountsReceivable"),
    account("4", "Undeposited Funds", "Other Current Asset", "Asset", sub_type="UndepositedFunds"),
    account("81", "Inventory Asset", "Other Current Asset", "Asset", sub_type="Inventory"),
    account("37", "Truck", "Fixed Asset", "Asset"),
    account("38", "Original Cost", "Fixed Asset", "Asset", parent="37"),
    account("33", "Accounts Payable (A/P)", "Accounts Payable", "Liability", sub_type="AccountsPayable"),
    account("41", "Mastercard", "Credit Card", "Liability"),
    account(
        "90",
        "Board of Equalization Payable",
        "Other Current Liability",
        "Liability",
        sub_type="GlobalTaxPayable",
    ),
    account("44", "Notes Payable", "Long Term Liability", "Liability"),
    account("34", "Opening Balance Equity", "Equity", "Equity", sub_type="OpeningBalanceEquity"),
    account("2", "Retained Earnings", "Equity", "Equity", sub_type="RetainedEarnings"),
    account("82", "Design income", "Income", "Revenue"),
    account("86", "Discounts given", "Income", "Revenue", sub_type="DiscountsRefundsGiven"),
    account("45", "Landscaping Services", "Income", "Revenue"),
    account("46", "Job Materials", "Income", "Revenue", parent="45"),
    account("48", "Fountains and Garden Lighting", "Income", "Revenue", parent="46"),
    account("80", "Cost of Goods Sold", "Cost of Goods Sold", "Expense"),
    account("7", "Advertising", "Expense", "Expense"),
    account("55", "Automobile", "Expense", "Expense"),
    account("56", "Fuel", "Expense", "Expense", parent="55"),
    account("12", "Legal & Professional Fees", "Expense", "Expense"),
    account("91", "Interest Earned", "Other Income", "Revenue"),
    account("92", "Penalties", "Other Expense", "Expense"),
]

ITEMS = [
    {"Id": "1", "Name": "Design", "Type": "Service", "IncomeAccountRef": ref("82")},
    {
        "Id": "5",
        "Name": "Rock Fountain",
        "Type": "NonInventory",
        "IncomeAccountRef": ref("48"),
        "ExpenseAccountRef": ref("80"),
    },
    {"Id": "6", "Name": "Landscaping", "Type": "Service", "IncomeAccountRef": ref("45")},
]
CUSTOMERS = [
    {"Id": "1", "DisplayName": "Amy's Bird Sanctuary"},
    {"Id": "2", "DisplayName": "Bill's Windsurf Shop"},
]
VENDORS = [{"Id": "30", "DisplayName": "Books by Bessie"}, {"Id": "46", "DisplayName": "Norton Lumber"}]
CLASSES = [{"Id": "100", "Name": "East"}, {"Id": "200", "Name": "West"}]


def sales_line(item: str, amount: float, class_id: str | None = None) -> dict:
    detail = {"ItemRef": ref(item), "Qty": 1, "UnitPrice": amount}
    if class_id:
        detail["ClassRef"] = ref(class_id)
    return {"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": detail}


def expense_line(account_id: str, amount: float) -> dict:
    return {
        "DetailType": "AccountBasedExpenseLineDetail",
        "Amount": amount,
        "AccountBasedExpenseLineDetail": {"AccountRef": ref(account_id)},
    }


def invoice(id_, day, customer, lines, due=None, tax=0.0, discount=None) -> dict:
    all_lines = list(lines) + [
        {
            "DetailType": "SubTotalLineDetail",
            "Amount": sum(x["Amount"] for x in lines),
            "SubTotalLineDetail": {},
        }
    ]
    if discount:
        all_lines.append(
            {
                "DetailType": "DiscountLineDetail",
                "Amount": discount,
                "DiscountLineDetail": {"DiscountAccountRef": ref("86")},
            }
        )
    total = sum(x["Amount"] for x in lines) - (discount or 0) + tax
    return {
        "Id": id_,
        "DocNumber": f"10{id_}",
        "TxnDate": day,
        "DueDate": due or day,
        "CustomerRef": ref(customer),
        "Line": all_lines,
        "TxnTaxDetail": {"TotalTax": tax},
        "TotalAmt": round(total, 2),
    }


def payment(id_, day, customer, total, links, deposit=None) -> dict:
    raw = {
        "Id": id_,
        "TxnDate": day,
        "CustomerRef": ref(customer),
        "TotalAmt": total,
        "Line": [{"Amount": amt, "LinkedTxn": [{"TxnId": tid, "TxnType": kind}]} for tid, kind, amt in links],
    }
    if deposit:
        raw["DepositToAccountRef"] = ref(deposit)
    return raw


def bill(id_, day, vendor, lines, due=None) -> dict:
    return {
        "Id": id_,
        "TxnDate": day,
        "DueDate": due or day,
        "VendorRef": ref(vendor),
        "APAccountRef": ref("33"),
        "Line": lines,
        "TotalAmt": sum(x["Amount"] for x in lines),
    }


def bill_payment(id_, day, vendor, total, links, card: bool = False) -> dict:
    raw = {
        "Id": id_,
        "TxnDate": day,
        "VendorRef": ref(vendor),
        "TotalAmt": total,
        "PayType": "CreditCard" if card else "Check",
        "Line": [{"Amount": amt, "LinkedTxn": [{"TxnId": tid, "TxnType": "Bill"}]} for tid, amt in links],
    }
    raw["CreditCardPayment" if card else "CheckPayment"] = (
        {"CCAccountRef": ref("41")} if card else {"BankAccountRef": ref("35")}
    )
    return raw


def journal(id_, day, *lines: tuple[str, str, float]) -> dict:
    return {
        "Id": id_,
        "TxnDate": day,
        "Line": [
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": amt,
                "JournalEntryLineDetail": {"PostingType": kind, "AccountRef": ref(acct)},
            }
            for acct, kind, amt in lines
        ],
    }


ENTITIES: dict[str, list[dict]] = {
    "Account": ACCOUNTS,
    "Item": ITEMS,
    "Customer": CUSTOMERS,
    "Vendor": VENDORS,
    "Class": CLASSES,
    "CompanyInfo": [{"Id": "1", "CompanyName": "Sample Landscaping", "FiscalYearStartMonth": "January"}],
    "JournalEntry": [
        journal("900", "2023-01-02", ("35", "Debit", 10000.0), ("34", "Credit", 10000.0)),
        journal("901", "2023-02-01", ("38", "Debit", 13495.0), ("44", "Credit", 13495.0)),
        journal("902", "2024-03-31", ("92", "Debit", 25.0), ("35", "Credit", 25.0)),
    ],
    "Invoice": [
        invoice("1", "2023-11-10", "1", [sales_line("1", 500.0)], due="2023-12-10"),  # paid 2024-01-05
        invoice(
            "2",
            "2024-02-01",
            "1",
            [sales_line("6", 400.0, "100"), sales_line("5", 275.0, "200")],
            due="2024-03-02",
            tax=20.0,
            discount=25.0,
        ),  # 670.00, partly paid
        invoice("3", "2024-04-20", "2", [sales_line("1", 937.5)], due="2024-05-20"),  # open, overdue
        invoice("4", "2024-06-01", "2", [sales_line("5", 150.0)], due="2024-07-01"),  # open, current
        invoice(
            "5", "2023-06-15", "2", [sales_line("1", 120.0)], due="2023-07-15"
        ),  # paid by credit memo + cash
    ],
    "CreditMemo": [
        {
            "Id": "20",
            "TxnDate": "2023-07-01",
            "CustomerRef": ref("2"),
            "TotalAmt": 20.0,
            "Line": [sales_line("1", 20.0)],
        },
    ],
    "Payment": [
        payment("50", "2024-01-05", "1", 500.0, [("1", "Invoice", 500.0)], deposit="35"),
        payment("51", "2024-03-10", "1", 335.0, [("2", "Invoice", 335.0)]),  # to Undeposited Funds
        payment(
            "52",
            "2023-07-10",
            "2",
            100.0,
            [("5", "Invoice", 120.0), ("20", "CreditMemo", 20.0)],
            deposit="35",
        ),
    ],
    "Deposit": [
        {
            "Id": "60",
            "TxnDate": "2024-03-12",
            "DepositToAccountRef": ref("35"),
            "TotalAmt": 335.0,
            "Line": [{"Amount": 335.0, "LinkedTxn": [{"TxnId": "51", "TxnType": "Payment"}]}],
        },
        {
            "Id": "61",
            "TxnDate": "2024-05-31",
            "DepositToAccountRef": ref("36"),
            "TotalAmt": 12.5,
            "Line": [
                {
                    "Amount": 12.5,
                    "DetailType": "DepositLineDetail",
                    "DepositLineDetail": {"AccountRef": ref("91")},
                }
            ],
        },
    ],
    "SalesReceipt": [
        {
            "Id": "70",
            "TxnDate": "2024-05-05",
            "CustomerRef": ref("1"),
            "DepositToAccountRef": ref("35"),
            "TotalAmt": 80.0,
            "Line": [sales_line("6", 80.0)],
        },
    ],
    "Bill": [
        bill("30", "2024-01-15", "30", [expense_line("7", 200.0)], due="2024-02-14"),  # paid
        bill(
            "31", "2024-02-20", "46", [expense_line("80", 300.0), expense_line("56", 60.0)], due="2024-03-21"
        ),  # partly paid (160)
        bill("32", "2024-05-10", "30", [expense_line("12", 75.0)], due="2024-06-09"),  # open, 6 days late
        bill("33", "2023-12-01", "46", [expense_line("55", 40.0)], due="2023-12-31"),  # paid in 2024
    ],
    "BillPayment": [
        bill_payment("40", "2024-02-01", "30", 200.0, [("30", 200.0)]),
        bill_payment("41", "2024-03-15", "46", 160.0, [("31", 160.0)], card=True),
        bill_payment("42", "2024-01-10", "46", 40.0, [("33", 40.0)]),
    ],
    "Purchase": [
        {
            "Id": "80",
            "TxnDate": "2024-04-02",
            "AccountRef": ref("41"),
            "PaymentType": "CreditCard",
            "EntityRef": {"value": "30", "type": "Vendor"},
            "TotalAmt": 45.0,
            "Line": [expense_line("56", 45.0)],
        },
        {
            "Id": "81",
            "TxnDate": "2023-09-09",
            "AccountRef": ref("35"),
            "PaymentType": "Check",
            "TotalAmt": 310.0,
            "Line": [expense_line("55", 10.0), expense_line("7", 300.0)],
        },
    ],
    "Transfer": [
        {
            "Id": "85",
            "TxnDate": "2024-05-01",
            "FromAccountRef": ref("35"),
            "ToAccountRef": ref("36"),
            "Amount": 1000.0,
        },
    ],
}


@dataclass
class FakeCompany:
    """The attributes `emulators.qbo.company` offers, over in-memory entity lists."""

    entity_lists: dict[str, list[dict]] = field(default_factory=lambda: copy.deepcopy(ENTITIES))
    prefs: dict = field(default_factory=dict)
    current_date: date = date(2024, 6, 15)
    realm_id: str = "9130350000000001"
    name: str = "Sample Landscaping"
    home_currency: str = "USD"

    def today(self) -> date:
        return self.current_date

    def entities(self, entity_name: str) -> list[dict]:
        return self.entity_lists.get(entity_name, [])

    def preferences(self) -> dict:
        return self.prefs
