"""Deterministic company generator: name lists, a nested chart and consistent transactions.

Same spec and seed give the same company (Ids, amounts, dates relative to the emulator's today).
Transactions post as described in `emulators.qbo.company`; the generator keeps its own ledger to
fill Account.CurrentBalance, and Customer/Vendor Balance from the open documents.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from emulators.qbo import names
from emulators.qbo.chart import build_chart, ref
from emulators.qbo.clock import COMPANY_TZ, Clock, iso_seconds
from emulators.qbo.company import Company, deletion_stub
from emulators.qbo.lists import build_lists
from emulators.qbo.settings import company_info, preferences

CURRENCY_NAMES = {
    "USD": "United States Dollar",
    "CAD": "Canadian Dollar",
    "EUR": "Euro",
    "GBP": "British Pound Sterling",
}
TAX_RATE = 8  # percent, on taxable sales lines of home-currency invoices


def money(cents: int) -> float:
    return cents / 100


def currency_ref(code: str) -> dict:
    return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


def generate(realm_id: str, spec: dict, clock: Clock) -> Company:
    """Build a company from a spec: name, invoices (300), seed (1), currency ("USD"),
    multicurrency (False; foreign customers use EUR, or USD when home is EUR), years (3),
    basis ("Accrual")."""
    home = spec.get("currency", "USD")
    company = Company(
        realm_id,
        spec.get("name", "Sandbox Company"),
        home,
        clock,
        multicurrency=bool(spec.get("multicurrency", False)),
    )
    _Builder(company, spec).build()
    return company


class _Builder:
    """One generation run; `post` keeps the ledger in home-currency cents (debit positive)."""

    def __init__(self, company: Company, spec: dict) -> None:
        self.company = company
        self.seed = spec.get("seed", 1)
        self.rng = random.Random(self.seed)
        self.invoice_count = int(spec.get("invoices", 300))
        self.today = company.today()
        self.now = company.clock.datetime()
        self.start = self.today - timedelta(days=365 * int(spec.get("years", 3)))
        self.basis = spec.get("basis", "Accrual")
        self.home = currency_ref(company.home_currency)
        foreign = "USD" if company.home_currency == "EUR" else "EUR"
        self.foreign = currency_ref(foreign) if company.multicurrency else None
        self.ledger: dict[str, int] = defaultdict(int)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.doc_number = 1000

    # --- helpers ------------------------------------------------------------------------------
    def meta(self, day: date, touched: bool = False) -> dict:
        """MetaData at a working hour of `day` (never after now); some rows updated later."""
        moment = datetime.combine(day, time(8 + self.rng.randrange(10), self.rng.randrange(60)), COMPANY_TZ)
        moment = min(moment, self.now)
        created = iso_seconds(moment)
        if touched or self.rng.random() < 0.05:
            later = moment + timedelta(days=self.rng.randrange(0, 40), minutes=self.rng.randrange(600))
            return {"CreateTime": created, "LastUpdatedTime": iso_seconds(min(later, self.now))}
        return {"CreateTime": created, "LastUpdatedTime": created}

    def entity(self, kind: str, day: date, body: dict) -> dict:
        row = {"Id": self.company.new_id(), "SyncToken": "0", "domain": "QBO", "sparse": False}
        row.update(body)
        row["MetaData"] = self.meta(day)
        self.rows[kind].append(row)
        return row

    def post(self, account: dict, debit_cents: int, rate: float = 1.0) -> None:
        self.ledger[account["Id"]] += round(debit_cents * rate)

    def day(self) -> date:
        return self.start + timedelta(days=self.rng.randrange((self.today - self.start).days + 1))

    def pick_money(self, low: int, high: int) -> int:
        return self.rng.randrange(low, high) * 100 + self.rng.choice((0, 0, 25, 50, 75, 99))

    # --- build --------------------------------------------------------------------------------
    def build(self) -> None:
        meta = {"CreateTime": iso_seconds(datetime.combine(self.start, time(9), COMPANY_TZ))}
        meta["LastUpdatedTime"] = meta["CreateTime"]
        self.acc = build_chart(self.company.new_id, self.home, meta)
        self.lists = build_lists(self)
        self.opening_balances()
        self.depreciation()
        self.invoices()
        self.sales_receipts()
        self.credit_memos()
        self.estimates()
        self.bills()
        self.purchases()
        self.deposits()
        self.deleted()
        from emulators.qbo.more_entities import build_more  # it imports this module

        build_more(self)  # last, with a Random of its own: the data above stays the same
        self.balances()
        self.company.load("Account", self.acc.values())
        for kind, rows in self.rows.items():
            self.company.load(kind, rows)
        self.company.info = company_info(self.company, self.start, meta)
        self.company.prefs = preferences(self.company, self.basis, meta)

    def journal(self, day: date, memo: str, lines: list[tuple[dict, int]]) -> dict:
        """A journal entry from (account, debit cents; negative = credit) pairs."""
        body_lines = []
        for number, (account, cents) in enumerate(lines, 1):
            self.post(account, cents)
            detail = {"PostingType": "Debit" if cents > 0 else "Credit", "AccountRef": ref(account)}
            body_lines.append(
                {
                    "Id": str(number - 1),
                    "Description": memo,
                    "Amount": money(abs(cents)),
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": detail,
                }
            )
        total = sum(cents for _, cents in lines if cents > 0)
        body = {"TxnDate": day.isoformat(), "DocNumber": f"JE{len(self.rows['JournalEntry']) + 1}"}
        body.update({"PrivateNote": memo, "Line": body_lines, "TotalAmt": money(total), "Adjustment": False})
        body["CurrencyRef"] = self.home
        return self.entity("JournalEntry", day, body)

    def opening_balances(self) -> None:
        acc = self.acc
        self.journal(
            self.start,
            "Opening balance",
            [
                (acc["checking"], 5_000_000),
                (acc["equipment_cost"], 3_000_000),
                (acc["opening_equity"], -8_000_000),
            ],
        )

    def depreciation(self) -> None:
        month = date(self.start.year, self.start.month, 1)
        while month <= self.today:
            if month >= self.start:
                self.journal(
                    month,
                    "Monthly depreciation",
                    [(self.acc["depreciation"], 25_000), (self.acc["depreciation_acc"], -25_000)],
                )
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    # --- sales --------------------------------------------------------------------------------
    def sales_line(self, number: int, item: dict, taxable: bool, whole: bool) -> tuple[dict, int]:
        """A SalesItemLineDetail line; `whole` units keep foreign amounts exact in home currency."""
        qty = self.rng.choice((1, 1, 1, 2, 3, 5, 10))
        unit = item["UnitPrice"] if item.get("UnitPrice") else self.pick_money(20, 400) / 100
        unit = float(round(unit)) if whole else unit
        cents = round(unit * 100) * qty
        detail = {
            "ItemRef": ref(item),
            "UnitPrice": unit,
            "Qty": qty,
            "TaxCodeRef": {"value": "TAX" if taxable else "NON"},
        }
        line = {"Id": str(number), "LineNum": number, "Description": item.get("Description", item["Name"])}
        line.update(
            {"Amount": money(cents), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}
        )
        return line, cents

    def sales_lines(
        self, rich: bool, taxable: bool, rate: float, credit: bool = False
    ) -> tuple[list, int, int, int]:
        """Lines, line total, discount and taxable base; posts income (debit when `credit`)."""
        lines, total, base, number = [], 0, 0, 0
        sign = 1 if credit else -1
        for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4))):
            number += 1
            item = self.rng.choice(self.lists.sale_items)
            line, cents = self.sales_line(number, item, taxable and item.get("Taxable", False), rate != 1.0)
            self.post(self.income_account(item), sign * cents, rate)
            lines.append(line)
            total += cents
            base += cents if line["SalesItemLineDetail"]["TaxCodeRef"]["value"] == "TAX" else 0
        if rich and self.rng.random() < 0.1:
            number += 1
            group_lines, group_total = [], 0
            for item in self.rng.sample(self.lists.sale_items, 2):
                number += 1
                line, cents = self.sales_line(number, item, False, rate != 1.0)
                self.post(self.income_account(item), sign * cents, rate)
                group_lines.append(line)
                group_total += cents
            group = self.lists.group_item
            detail = {"GroupItemRef": ref(group), "Quantity": 1, "Line": group_lines}
            lines.append(
                {
                    "Id": str(number),
                    "LineNum": number,
                    "Description": group["Description"],
                    "Amount": money(group_total),
                    "DetailType": "GroupLineDetail",
                    "GroupLineDetail": detail,
                }
            )
            total += group_total
        if rich and self.rng.random() < 0.1:
            number += 1
            lines.append(
                {
                    "Id": str(number),
                    "LineNum": number,
                    "Description": "Work performed on site; see notes",
                    "DetailType": "DescriptionOnly",
                    "DescriptionLineDetail": {},
                }
            )
        discount = 0
        if rich and self.rng.random() < 0.15:
            lines.append(
                {"Amount": money(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
            )
            discount = total // 10 if rate == 1.0 else total // 1000 * 100
            self.post(self.acc["discounts"], -sign * discount, rate)
            detail = {
                "PercentBased": True,
                "DiscountPercent": 10,
                "DiscountAccountRef": ref(self.acc["discounts"]),
            }
            lines.append(
                {"Amount": money(discount), "DetailType": "DiscountLineDetail", "DiscountLineDetail": detail}
            )
        return lines, total, discount, base

    def income_account(self, item: dict) -> dict:
        return self.lists.accounts_by_id[item["IncomeAccountRef"]["value"]]

    def tax_detail(self, base: int, credit: bool) -> tuple[dict | None, int]:
        if base == 0:
            return None, 0
        tax = round(base * TAX_RATE / 100)
        self.post(self.acc["sales_tax"], tax if credit else -tax)
        line = {
            "DetailType": "TaxLineDetail",
            "Amount": money(tax),
            "TaxLineDetail": {
                "TaxRateRef": {"value": self.lists.tax_rate_id},
                "PercentBased": True,
                "TaxPercent": TAX_RATE,
                "NetAmountTaxable": money(base),
            },
        }
        return {
            "TxnTaxCodeRef": {"value": self.lists.tax_code["Id"]},
            "TotalTax": money(tax),
            "TaxLine": [line],
        }, tax

    def currency_of(self, customer: dict) -> tuple[dict, float]:
        if customer["CurrencyRef"]["value"] == self.company.home_currency:
            return self.home, 1.0
        return customer["CurrencyRef"], round(self.rng.uniform(1.05, 1.15), 2)

    def sale(self, kind: str, day: date, customer: dict, rich: bool) -> tuple[dict, int, float]:
        """The common body of Invoice, SalesReceipt, CreditMemo and Estimate; returns total cents."""
        currency, rate = self.currency_of(customer)
        foreign = rate != 1.0
        credit = kind in ("CreditMemo", "RefundReceipt")
        posting = kind != "Estimate"
        taxable = not foreign and customer.get("Taxable", False) and self.rng.random() < 0.6
        saved = dict(self.ledger) if not posting else None
        lines, total, discount, base = self.sales_lines(rich, taxable, rate, credit)
        tax_detail, tax = self.tax_detail(base, credit) if taxable else (None, 0)
        if saved is not None:
            self.ledger = defaultdict(int, saved)
        self.doc_number += 1
        total_cents = total - discount + tax
        body: dict = {"DocNumber": str(self.doc_number), "TxnDate": day.isoformat(), "CurrencyRef": currency}
        if foreign:
            body["ExchangeRate"] = rate
            body["HomeTotalAmt"] = money(round(total_cents * rate))
        body.update(
            {"CustomerRef": ref(customer, "DisplayName"), "Line": lines, "TotalAmt": money(total_cents)}
        )
        if tax_detail:
            body["TxnTaxDetail"] = tax_detail
        body["ApplyTaxAfterDiscount"] = False
        address = customer.get("BillAddr")
        if address:
            body["BillAddr"] = address
            body["ShipAddr"] = customer.get("ShipAddr", address)
        if "PrimaryEmailAddr" in customer:
            body["BillEmail"] = customer["PrimaryEmailAddr"]
        body["CustomerMemo"] = {"value": self.rng.choice(names.MEMOS)}
        body["PrintStatus"] = "NotSet"
        body["EmailStatus"] = "NotSet"
        return body, total_cents, rate

    def invoices(self) -> None:
        days = sorted(self.day() for _ in range(self.invoice_count))
        customers = self.lists.customers
        self.undeposited: list[tuple[dict, int]] = []
        for index, day in enumerate(days):
            customer = customers[self.rng.randrange(len(customers))]
            body, total, rate = self.sale("Invoice", day, customer, rich=True)
            self.post(self.acc["ar"], total, rate)
            term = self.rng.choice(self.lists.terms)
            body["SalesTermRef"] = {"value": term["Id"], "name": term["Name"]}
            body["DueDate"] = (day + timedelta(days=term.get("DueDays", 0))).isoformat()
            body["Deposit"] = 0
            body["CustomField"] = [
                {
                    "DefinitionId": "1",
                    "Name": "Crew #",
                    "Type": "StringType",
                    "StringValue": str(100 + index % 7),
                }
            ]
            body.update(self.tracking(index))
            if index == 0:
                body["DocNumber"] = "00123"
            if index == 1:
                body["CustomerMemo"] = {"value": names.FORMULA_MEMO}
                body["PrivateNote"] = '=HYPERLINK("http://example.com","click")'
            invoice = self.entity("Invoice", day, body)
            paid = self.payment_amount(day, total)
            paid = total if paid and rate != 1.0 else paid
            invoice["Balance"] = money(total - paid)
            if paid:
                payment = self.payment(invoice, customer, paid, rate)
                invoice["LinkedTxn"] = [{"TxnId": payment["Id"], "TxnType": "Payment"}]
            customer["_open"] = customer.get("_open", 0) + total - paid

    def tracking(self, index: int) -> dict:
        """ClassRef and DepartmentRef on two invoices in three, chosen by position: no random draw,
        so the rest of the generated data stays the same."""
        if index % 3 == 2:
            return {}
        refs = {}
        for key, kind in (("ClassRef", "Class"), ("DepartmentRef", "Department")):
            rows = self.rows[kind]
            if rows:
                refs[key] = ref(rows[index % len(rows)], "Name")
        return refs

    def payment_amount(self, day: date, total: int) -> int:
        age = (self.today - day).days
        chance = 0.95 if age > 60 else 0.5 if age > 15 else 0.1
        roll = self.rng.random()
        if roll > chance:
            return 0
        return total // 2 if roll > chance - 0.05 and total > 1 else total

    def payment(self, invoice: dict, customer: dict, cents: int, rate: float) -> dict:
        day = date.fromisoformat(invoice["TxnDate"]) + timedelta(days=self.rng.randrange(1, 46))
        day = min(day, self.today)
        to_undeposited = rate == 1.0 and self.rng.random() < 0.6
        account = self.acc["undeposited" if to_undeposited else "checking"]
        self.post(account, cents, rate)
        self.post(self.acc["ar"], -cents, rate)
        method = self.rng.choice(self.lists.payment_methods)
        any_ = [
            _name_value("txnId", invoice["Id"]),
            _name_value("txnOpenBalance", f"{invoice['TotalAmt']:.2f}"),
            _name_value("txnReferenceNumber", invoice["DocNumber"]),
        ]
        line = {
            "Amount": money(cents),
            "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}],
            "LineEx": {"any": any_},
        }
        body = {
            "TxnDate": day.isoformat(),
            "CustomerRef": invoice["CustomerRef"],
            "CurrencyRef": invoice["CurrencyRef"],
        }
        if rate != 1.0:
            body["ExchangeRate"] = rate
        body.update(
            {
                "DepositToAccountRef": {"value": account["Id"]},
                "PaymentMethodRef": ref(method),
                "PaymentRefNum": str(self.rng.randrange(1000, 9999)),
                "TotalAmt": money(cents),
                "UnappliedAmt": 0,
                "ProcessPayment": False,
                "Line": [line],
            }
        )
        payment = self.entity("Payment", day, body)
        if to_undeposited:
            self.undeposited.append((payment, cents))
        return payment

    def sales_receipts(self) -> None:
        for _ in range(self.invoice_count // 10):
            day = self.day()
            customer = self.rng.choice(self.lists.home_customers)
            body, total, rate = self.sale("SalesReceipt", day, customer, rich=False)
            self.post(self.acc["checking"], total, rate)
            body["DepositToAccountRef"] = ref(self.acc["checking"])
            body["PaymentMethodRef"] = ref(self.rng.choice(self.lists.payment_methods))
            body["Balance"] = 0
            self.entity("SalesReceipt", day, body)

    def credit_memos(self) -> None:
        for _ in range(max(1, self.invoice_count // 50)):
            day = self.day()
            customer = self.rng.choice(self.lists.home_customers)
            body, total, rate = self.sale("CreditMemo", day, customer, rich=False)
            self.post(self.acc["ar"], -total, rate)
            body["Balance"] = body["TotalAmt"]
            body["RemainingCredit"] = body["TotalAmt"]
            self.entity("CreditMemo", day, body)
            customer["_open"] = customer.get("_open", 0) - total

    def estimates(self) -> None:
        for _ in range(self.invoice_count // 10):
            day = self.day()
            customer = self.rng.choice(self.lists.customers)
            body, _, _ = self.sale("Estimate", day, customer, rich=True)
            body["TxnStatus"] = self.rng.choice(("Pending", "Accepted", "Closed", "Rejected"))
            body["ExpirationDate"] = (day + timedelta(days=30)).isoformat()
            self.entity("Estimate", day, body)

    # --- purchases ----------------------------------------------------------------------------
    def expense_lines(self, credit_account: dict, allow_items: bool, sign: int = 1) -> tuple[list[dict], int]:
        """Expense lines debiting their accounts and crediting `credit_account` (sign -1: the reverse)."""
        lines, total = [], 0
        for number in range(1, self.rng.choice((1, 1, 2, 3)) + 1):
            cents = self.pick_money(10, 900)
            customer = self.rng.choice(self.lists.home_customers)
            if allow_items and self.rng.random() < 0.3:
                item = self.rng.choice(self.lists.purchase_items)
                account = self.lists.accounts_by_id[item["ExpenseAccountRef"]["value"]]
                detail = {
                    "ItemRef": ref(item),
                    "Qty": 1,
                    "UnitPrice": money(cents),
                    "TaxCodeRef": {"value": "NON"},
                    "BillableStatus": "NotBillable",
                }
                kind = "ItemBasedExpenseLineDetail"
            else:
                account = self.rng.choice(self.lists.expense_accounts)
                detail = {
                    "AccountRef": ref(account),
                    "TaxCodeRef": {"value": "NON"},
                    "BillableStatus": "Billable",
                    "CustomerRef": ref(customer, "DisplayName"),
                }
                kind = "AccountBasedExpenseLineDetail"
            self.post(account, sign * cents)
            lines.append(
                {
                    "Id": str(number),
                    "Description": account["Name"],
                    "Amount": money(cents),
                    "DetailType": kind,
                    kind: detail,
                }
            )
            total += cents
        self.post(credit_account, -sign * total)
        return lines, total

    def bills(self) -> None:
        for _ in range(self.invoice_count // 3):
            day = self.day()
            vendor = self.rng.choice(self.lists.vendors)
            lines, total = self.expense_lines(self.acc["ap"], allow_items=True)
            term = self.rng.choice(self.lists.terms)
            body = {
                "VendorRef": ref(vendor, "DisplayName"),
                "APAccountRef": ref(self.acc["ap"]),
                "TxnDate": day.isoformat(),
                "DueDate": (day + timedelta(days=term.get("DueDays", 0))).isoformat(),
                "SalesTermRef": {"value": term["Id"]},
                "CurrencyRef": self.home,
                "Line": lines,
                "TotalAmt": money(total),
            }
            bill = self.entity("Bill", day, body)
            paid = self.payment_amount(day, total) and total
            bill["Balance"] = money(total - paid)
            if paid:
                payment = self.bill_payment(bill, vendor, total)
                txn_type = "BillPaymentCheck" if payment["PayType"] == "Check" else "BillPaymentCreditCard"
                bill["LinkedTxn"] = [{"TxnId": payment["Id"], "TxnType": txn_type}]
            vendor["_open"] = vendor.get("_open", 0) + total - paid

    def bill_payment(self, bill: dict, vendor: dict, cents: int) -> dict:
        day = min(date.fromisoformat(bill["TxnDate"]) + timedelta(days=self.rng.randrange(1, 40)), self.today)
        self.post(self.acc["ap"], cents)
        body = {
            "VendorRef": bill["VendorRef"],
            "APAccountRef": ref(self.acc["ap"]),
            "TxnDate": day.isoformat(),
            "CurrencyRef": self.home,
            "TotalAmt": money(cents),
            "DocNumber": str(self.rng.randrange(100, 9999)),
            "Line": [{"Amount": money(cents), "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
        }
        if self.rng.random() < 0.8:
            self.post(self.acc["checking"], -cents)
            body["PayType"] = "Check"
            body["CheckPayment"] = {"BankAccountRef": ref(self.acc["checking"]), "PrintStatus": "NotSet"}
        else:
            self.post(self.acc["card"], -cents)
            body["PayType"] = "CreditCard"
            body["CreditCardPayment"] = {"CCAccountRef": ref(self.acc["card"])}
        return self.entity("BillPayment", day, body)

    def purchases(self) -> None:
        for _ in range(self.invoice_count // 4):
            day = self.day()
            pay_type = self.rng.choice(("Cash", "Check", "CreditCard"))
            account = self.acc["card" if pay_type == "CreditCard" else "checking"]
            lines, total = self.expense_lines(account, allow_items=False)
            vendor = self.rng.choice(self.lists.vendors)
            body = {
                "PaymentType": pay_type,
                "AccountRef": ref(account),
                "TxnDate": day.isoformat(),
                "EntityRef": {**ref(vendor, "DisplayName"), "type": "Vendor"},
                "CurrencyRef": self.home,
                "Line": lines,
                "TotalAmt": money(total),
                "Credit": False,
            }
            self.entity("Purchase", day, body)

    # --- deposits, deletions, balances --------------------------------------------------------
    def deposits(self) -> None:
        """Sweep received payments from Undeposited Funds to Checking, ten at a time, plus interest."""
        pending = sorted(self.undeposited, key=lambda pair: pair[0]["TxnDate"])
        for start in range(0, len(pending) - 9, 10):
            batch = pending[start : start + 10]
            day = date.fromisoformat(batch[-1][0]["TxnDate"])
            lines = [
                {
                    "Amount": money(cents),
                    "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment", "TxnLineId": "0"}],
                    "DetailType": "DepositLineDetail",
                    "DepositLineDetail": {"AccountRef": ref(self.acc["undeposited"])},
                }
                for payment, cents in batch
            ]
            self.deposit(day, lines, sum(cents for _, cents in batch), self.acc["undeposited"])
        month = date(self.start.year, self.start.month, 28)
        while month <= self.today:
            cents = self.rng.randrange(500, 5000)
            line = {
                "Amount": money(cents),
                "Description": "Interest",
                "DetailType": "DepositLineDetail",
                "DepositLineDetail": {"AccountRef": ref(self.acc["interest_income"])},
            }
            self.deposit(month, [line], cents, self.acc["interest_income"], self.acc["savings"])
            month = date(month.year + month.month // 12, month.month % 12 + 1, 28)

    def deposit(
        self, day: date, lines: list[dict], cents: int, source: dict, target: dict | None = None
    ) -> None:
        target = target or self.acc["checking"]
        self.post(target, cents)
        self.post(source, -cents)
        for number, line in enumerate(lines, 1):
            line["Id"] = str(number)
            line["LineNum"] = number
        body = {
            "TxnDate": day.isoformat(),
            "DepositToAccountRef": ref(target),
            "CurrencyRef": self.home,
            "Line": lines,
            "TotalAmt": money(cents),
        }
        self.entity("Deposit", day, body)

    def deleted(self) -> None:
        """A few invoices and estimates deleted in the last 20 days: stubs only, for CDC."""
        for kind in ("Invoice", "Estimate"):
            stubs = []
            for _ in range(max(2, self.invoice_count // 500)):
                moment = self.now - timedelta(days=self.rng.randrange(20), minutes=self.rng.randrange(600))
                stubs.append(deletion_stub(self.company.new_id(), iso_seconds(moment)))
            self.company.load(kind, stubs, deleted=True)

    def balances(self) -> None:
        credit_normal = {"Liability", "Equity", "Revenue"}
        for account in self.acc.values():
            cents = self.ledger.get(account["Id"], 0)
            account["CurrentBalance"] = money(-cents if account["Classification"] in credit_normal else cents)
        for account in reversed(list(self.acc.values())):
            own = round(account["CurrentBalance"] * 100) + account.pop("_children", 0)
            account["CurrentBalanceWithSubAccounts"] = money(own)
            if "ParentRef" in account:
                parent = self.lists.accounts_by_id[account["ParentRef"]["value"]]
                parent["_children"] = parent.get("_children", 0) + own
        for party in (*self.lists.customers, *self.lists.vendors):
            balance = money(party.pop("_open", 0))
            party["Balance"] = balance
            if "BalanceWithJobs" in party:
                party["BalanceWithJobs"] = balance


def _name_value(name: str, value: str) -> dict:
    """One entry of Payment `LineEx.any`, the JAXB blob of the docs sample."""
    return {
        "name": "{http://schema.intuit.com/finance/v3}NameValue",
        "nil": False,
        "value": {"Name": name, "Value": value},
        "declaredType": "com.intuit.schema.finance.v3.NameValue",
        "scope": "javax.xml.bind.JAXBElement$GlobalScope",
        "globalScope": True,
        "typeSubstituted": False,
    }
