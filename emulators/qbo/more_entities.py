"""The entities added after the first generator: tax agency and rate, budgets, purchase orders,
vendor credits, refund receipts, transfers, employee expenses and time activities.

They are generated after everything else with their own seeded `random.Random`, so the companies
generated before they existed keep every Id, amount and date (the builder's sequence is untouched);
only account and vendor balances change, by the postings of the new transactions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING

from emulators.qbo.chart import ref
from emulators.qbo.generate import money

if TYPE_CHECKING:
    from emulators.qbo.generate import _Builder

TAX_AGENCY_ID = "1"  # Ids are unique per entity type in QBO, so these need no number of the sequence
BUDGET_KEYS = ("services", "landscaping", "design", "cogs", "advertising", "automobile", "rent", "utilities")


def build_more(builder: _Builder) -> None:
    """Generate the later entities into `builder.rows` with a Random of their own."""
    saved = builder.rng
    builder.rng = random.Random(f"more-entities-{builder.seed}")
    try:
        _tax(builder)
        _budgets(builder)
        _purchase_orders(builder)
        _vendor_credits(builder)
        _refund_receipts(builder)
        _transfers(builder)
        _employee_expenses(builder)
        _time_activities(builder)
    finally:
        builder.rng = saved


@contextmanager
def _no_posting(builder: _Builder) -> Iterator[None]:
    """Build a non-posting document with the posting helpers: the ledger is restored afterwards."""
    saved = dict(builder.ledger)
    try:
        yield
    finally:
        builder.ledger.clear()
        builder.ledger.update(saved)


def _tax(builder: _Builder) -> None:
    """The agency and rate that the tax code's `TaxRateRef` (Id "3", "California") names."""
    start = builder.start
    agency = {
        "Id": TAX_AGENCY_ID,
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "DisplayName": "California Department of Tax and Fee Administration",
        "TaxTrackedOnPurchases": False,
        "TaxTrackedOnSales": True,
        "MetaData": builder.meta(start),
    }
    rate = {
        "Id": builder.lists.tax_rate_id,
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "Name": "California",
        "Description": "Sales Tax",
        "Active": True,
        "RateValue": 8,
        "AgencyRef": {"value": TAX_AGENCY_ID},
        "SpecialTaxType": "NONE",
        "DisplayType": "ReadOnly",
        "EffectiveTaxRate": [{"RateValue": 8, "EffectiveDate": f"{start.isoformat()}T00:00:00-08:00"}],
        "MetaData": builder.meta(start),
    }
    builder.rows["TaxAgency"].append(agency)
    builder.rows["TaxRate"].append(rate)


def _budgets(builder: _Builder) -> None:
    """This fiscal year's budget per account and month, and last year's split by class, by
    customer and department on a few lines (fiscal years start in January)."""
    classes, departments = builder.rows["Class"], builder.rows["Department"]
    customers = builder.lists.home_customers
    for year, split in ((builder.today.year, False), (builder.today.year - 1, True)):
        details = []
        for key in BUDGET_KEYS:
            account = builder.acc[key]
            monthly = builder.pick_money(200, 4000)
            for month in range(1, 13):
                detail: dict = {
                    "BudgetDate": date(year, month, 1).isoformat(),
                    "Amount": money(monthly + builder.rng.randrange(-monthly // 10, monthly // 10 + 1)),
                    "AccountRef": ref(account),
                }
                if split:
                    detail["ClassRef"] = ref(classes[month % len(classes)])
                    if month % 4 == 0:
                        detail["CustomerRef"] = ref(customers[month % len(customers)], "DisplayName")
                        detail["DepartmentRef"] = ref(departments[month % len(departments)])
                details.append(detail)
        body = {
            "Name": f"FY{year} {'by class' if split else 'Budget'}",
            "StartDate": date(year, 1, 1).isoformat(),
            "EndDate": date(year, 12, 31).isoformat(),
            "BudgetType": "ProfitAndLoss",
            "BudgetEntryType": "Monthly",
            "Active": True,
            "BudgetDetail": details,
        }
        builder.entity("Budget", min(date(year, 1, 1), builder.today), body)


def _vendor_document(builder: _Builder, kind: str, sign: int) -> tuple[dict, int, date, dict]:
    """The body shared by PurchaseOrder (no posting) and VendorCredit (sign -1: credit the lines)."""
    day = builder.day()
    vendor = builder.rng.choice(builder.lists.vendors)
    lines, total = builder.expense_lines(builder.acc["ap"], allow_items=True, sign=sign)
    builder.doc_number += 1
    body = {
        "DocNumber": f"{kind[:2].upper()}{builder.doc_number}",
        "VendorRef": ref(vendor, "DisplayName"),
        "APAccountRef": ref(builder.acc["ap"]),
        "TxnDate": day.isoformat(),
        "CurrencyRef": builder.home,
        "Line": lines,
        "TotalAmt": money(total),
    }
    return body, total, day, vendor


def _purchase_orders(builder: _Builder) -> None:
    for _ in range(max(2, builder.invoice_count // 20)):
        with _no_posting(builder):
            body, _, day, _ = _vendor_document(builder, "PurchaseOrder", 1)
        body["POStatus"] = "Closed" if (builder.today - day).days > 60 else "Open"
        body["DueDate"] = (day + timedelta(days=30)).isoformat()
        builder.entity("PurchaseOrder", day, body)


def _vendor_credits(builder: _Builder) -> None:
    """Debit A/P, credit the expense lines; the credit stays unapplied (Balance = TotalAmt)."""
    for _ in range(max(2, builder.invoice_count // 50)):
        body, total, day, vendor = _vendor_document(builder, "VendorCredit", -1)
        body["Balance"] = body["TotalAmt"]
        builder.entity("VendorCredit", day, body)
        vendor["_open"] = vendor.get("_open", 0) - total


def _refund_receipts(builder: _Builder) -> None:
    """Debit the items' income (and sales tax), credit Checking: money paid back to a customer."""
    for _ in range(max(2, builder.invoice_count // 50)):
        day = builder.day()
        customer = builder.rng.choice(builder.lists.home_customers)
        body, total, rate = builder.sale("RefundReceipt", day, customer, rich=False)
        builder.post(builder.acc["checking"], -total, rate)
        body["DepositToAccountRef"] = ref(builder.acc["checking"])
        body["PaymentMethodRef"] = ref(builder.rng.choice(builder.lists.payment_methods))
        body["Balance"] = 0
        builder.entity("RefundReceipt", day, body)


def _transfers(builder: _Builder) -> None:
    """Checking → Savings every quarter, and back once a year."""
    checking, savings = builder.acc["checking"], builder.acc["savings"]
    day = date(builder.start.year, builder.start.month, 15)
    number = 0
    while day <= builder.today:
        if day >= builder.start:
            number += 1
            source, target = (savings, checking) if number % 4 == 0 else (checking, savings)
            cents = builder.pick_money(500, 3000)
            builder.post(target, cents)
            builder.post(source, -cents)
            body = {
                "TxnDate": day.isoformat(),
                "FromAccountRef": ref(source),
                "ToAccountRef": ref(target),
                "Amount": money(cents),
                "CurrencyRef": builder.home,
                "PrivateNote": f"Transfer to {target['Name']}",
            }
            builder.entity("Transfer", day, body)
        day = date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 15)


def _employee_expenses(builder: _Builder) -> None:
    """Purchases paid by check to an employee (mileage, supplies): what P&L by Employees shows."""
    employees = builder.rows["Employee"]
    for number in range(max(3, builder.invoice_count // 30)):
        day = builder.day()
        employee = employees[number % len(employees)]
        lines, total = builder.expense_lines(builder.acc["checking"], allow_items=False)
        body = {
            "PaymentType": "Check",
            "AccountRef": ref(builder.acc["checking"]),
            "TxnDate": day.isoformat(),
            "EntityRef": {**ref(employee, "DisplayName"), "type": "Employee"},
            "CurrencyRef": builder.home,
            "Line": lines,
            "TotalAmt": money(total),
            "Credit": False,
            "PrivateNote": "Employee reimbursement",
        }
        builder.entity("Purchase", day, body)


def _time_activities(builder: _Builder) -> None:
    """Hours worked by employees for customers on the "Hours" service item; no posting."""
    employees = builder.rows["Employee"]
    hours_item = next(item for item in builder.rows["Item"] if item["Name"] == "Hours")
    for number in range(max(3, builder.invoice_count // 10)):
        day = builder.day()
        employee = employees[number % len(employees)]
        customer = builder.rng.choice(builder.lists.home_customers)
        billable = builder.rng.random() < 0.6
        body = {
            "TxnDate": day.isoformat(),
            "NameOf": "Employee",
            "EmployeeRef": ref(employee, "DisplayName"),
            "CustomerRef": ref(customer, "DisplayName"),
            "ItemRef": ref(hours_item),
            "BillableStatus": "Billable" if billable else "NotBillable",
            "Taxable": False,
            "HourlyRate": 45 if billable else 0,
            "Hours": builder.rng.randrange(1, 9),
            "Minutes": builder.rng.choice((0, 15, 30, 45)),
            "Description": builder.rng.choice(("Site visit", "Planting", "Pruning", "Irrigation check")),
        }
        if not billable:
            del body["HourlyRate"]
        builder.entity("TimeActivity", day, body)
