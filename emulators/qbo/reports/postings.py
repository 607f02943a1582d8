"""Turn QBO transaction entities into balanced accrual postings (debit positive)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .accounts import Chart
from .money import ZERO, cents, to_decimal


@dataclass(frozen=True)
class Posting:
    """One side of a transaction: `amount` > 0 is a debit, < 0 a credit."""

    date: date
    account_id: str
    amount: Decimal
    txn_type: str
    txn_id: str
    doc_num: str = ""
    customer_id: str | None = None
    vendor_id: str | None = None
    name: str = ""
    memo: str = ""
    class_id: str | None = None
    department_id: str | None = None
    employee_id: str | None = None  # a Purchase (or JournalEntry line) paid to an Employee
    item_id: str | None = None  # the product or service of an item line


@dataclass(frozen=True)
class Document:
    """An open-item transaction (Invoice, CreditMemo, Bill, VendorCredit) settled by payments."""

    txn_type: str
    txn_id: str
    side: str  # "AR" or "AP"
    date: date
    due_date: date
    total: Decimal  # positive document amount, home currency
    foreign_total: Decimal  # the same in the transaction's currency (payments apply in it)
    party_id: str | None
    postings: tuple[Posting, ...]  # its non-AR/AP postings


def ref(value: object) -> str | None:
    """The id of a {"value": ..} reference, or None."""
    if isinstance(value, dict) and value.get("value") not in (None, ""):
        return str(value["value"])
    return None


def txn_date(raw: dict) -> date:
    return date.fromisoformat(str(raw.get("TxnDate"))[:10])


def lines(raw: dict) -> Iterator[dict]:
    """Transaction lines, with group lines flattened into their components."""
    for line in raw.get("Line") or []:
        group = line.get("GroupLineDetail")
        if isinstance(group, dict) and group.get("Line"):
            yield from lines(group)
        else:
            yield line


class PostingRules:
    """Accrual postings per transaction type; also collects open-item documents."""

    def __init__(self, chart: Chart, items: dict[str, dict], names: dict[tuple[str, str], str]):
        self.chart = chart
        self.items = items
        self.names = names
        self.documents: dict[tuple[str, str], Document] = {}
        self.rate = Decimal(1)
        self._by_entity = self.rules()  # built once: `post` runs for every transaction

    def amount(self, value: object) -> Decimal:
        """A transaction amount in home currency: times ExchangeRate, rounded to cents."""
        return cents(to_decimal(value) * self.rate)

    # ---- helpers -------------------------------------------------------------------------

    def _base(self, raw: dict, txn_type: str) -> Posting:
        customer = ref(raw.get("CustomerRef"))
        vendor = ref(raw.get("VendorRef"))
        employee = None
        entity = raw.get("EntityRef") or {}
        entity_type = str(entity.get("type", "Vendor")).lower()
        if ref(entity) and entity_type == "customer":
            customer = ref(entity)
        elif ref(entity) and entity_type == "vendor":
            vendor = ref(entity)
        elif ref(entity) and entity_type == "employee":
            employee = ref(entity)
        party_ref = raw.get("CustomerRef") or raw.get("VendorRef") or entity
        return Posting(
            date=txn_date(raw),
            account_id="",
            amount=ZERO,
            txn_type=txn_type,
            txn_id=str(raw.get("Id", "")),
            doc_num=str(raw.get("DocNumber", "") or ""),
            customer_id=customer,
            vendor_id=vendor,
            name=self._name(party_ref, customer, vendor),
            memo=str(raw.get("PrivateNote", "") or ""),
            class_id=ref(raw.get("ClassRef")),
            department_id=ref(raw.get("DepartmentRef")),
            employee_id=employee,
        )

    def _name(self, party_ref: dict, customer: str | None, vendor: str | None) -> str:
        if isinstance(party_ref, dict) and party_ref.get("name"):
            return str(party_ref["name"])
        if customer:
            return self.names.get(("Customer", customer), "")
        return self.names.get(("Vendor", vendor), "") if vendor else ""

    def _line(self, base: Posting, line: dict, detail: dict, account_id: str, amount: Decimal) -> Posting:
        customer = ref(detail.get("CustomerRef")) or base.customer_id
        return replace(
            base,
            account_id=account_id,
            amount=amount,
            customer_id=customer,
            memo=str(line.get("Description") or base.memo),
            class_id=ref(detail.get("ClassRef")) or base.class_id,
            department_id=ref(detail.get("DepartmentRef")) or base.department_id,
            item_id=ref(detail.get("ItemRef")),
        )

    def _item_account(self, item_id: str | None, *keys: str) -> str | None:
        item = self.items.get(item_id or "", {})
        return next((ref(item.get(k)) for k in keys if ref(item.get(k))), None)

    def _sales_lines(self, raw: dict, base: Posting, sign: int) -> list[Posting]:
        """Income (and discount, tax) postings of a sales form; sign -1 credits income (Invoice)."""
        out = []
        for line in lines(raw):
            amount = self.amount(line.get("Amount"))
            kind = line.get("DetailType")
            detail = line.get(str(kind)) or {}
            if kind == "SalesItemLineDetail":
                account = (
                    ref(detail.get("ItemAccountRef"))
                    or self._item_account(ref(detail.get("ItemRef")), "IncomeAccountRef")
                    or self.chart.special["income"]
                )
                out.append(self._line(base, line, detail, account, sign * amount))
            elif kind == "DiscountLineDetail":
                account = ref(detail.get("DiscountAccountRef")) or self.chart.special["income"]
                out.append(self._line(base, line, detail, account, -sign * amount))
        tax = self.amount((raw.get("TxnTaxDetail") or {}).get("TotalTax"))
        if tax:
            out.append(replace(base, account_id=self.chart.special["sales_tax"], amount=sign * tax))
        return out

    def _expense_lines(self, raw: dict, base: Posting, sign: int) -> list[Posting]:
        """Expense/asset postings of a purchase form; sign +1 debits them (Bill, Purchase)."""
        out = []
        for line in lines(raw):
            amount = self.amount(line.get("Amount"))
            kind = line.get("DetailType")
            detail = line.get(str(kind)) or {}
            if kind == "AccountBasedExpenseLineDetail":
                account = ref(detail.get("AccountRef")) or self.chart.special["expense"]
            elif kind == "ItemBasedExpenseLineDetail":
                item = self.items.get(ref(detail.get("ItemRef")) or "", {})
                keys = ("AssetAccountRef", "ExpenseAccountRef") if item.get("Type") == "Inventory" else ()
                account = (
                    self._item_account(ref(detail.get("ItemRef")), *keys, "ExpenseAccountRef")
                    or self.chart.special["expense"]
                )
            else:
                continue
            out.append(self._line(base, line, detail, account, sign * amount))
        tax = self.amount((raw.get("TxnTaxDetail") or {}).get("TotalTax"))
        if tax:
            out.append(replace(base, account_id=self.chart.special["sales_tax"], amount=sign * tax))
        return out

    def _balance(self, base: Posting, account_id: str, body: list[Posting]) -> list[Posting]:
        """Add the posting to `account_id` that makes the transaction sum to zero."""
        total = sum((p.amount for p in body), ZERO)
        return [replace(base, account_id=account_id, amount=-total), *body]

    def _document(
        self, raw: dict, txn_type: str, side: str, control: str, sign: int, body_fn
    ) -> list[Posting]:
        base = self._base(raw, txn_type)
        body = body_fn(raw, base, sign)
        postings = self._balance(base, control, body)
        due = raw.get("DueDate")
        self.documents[(txn_type, base.txn_id)] = Document(
            txn_type=txn_type,
            txn_id=base.txn_id,
            side=side,
            date=base.date,
            due_date=date.fromisoformat(str(due)[:10]) if due else base.date,
            total=abs(postings[0].amount),
            foreign_total=to_decimal(raw.get("TotalAmt")) or abs(postings[0].amount) / self.rate,
            party_id=base.customer_id if side == "AR" else base.vendor_id,
            postings=tuple(body),
        )
        return postings

    # ---- transaction types ---------------------------------------------------------------

    def invoice(self, raw: dict) -> list[Posting]:
        ar = ref(raw.get("ARAccountRef")) or self.chart.special["ar"]
        return self._document(raw, "Invoice", "AR", ar, -1, self._sales_lines)

    def credit_memo(self, raw: dict) -> list[Posting]:
        ar = ref(raw.get("ARAccountRef")) or self.chart.special["ar"]
        return self._document(raw, "CreditMemo", "AR", ar, 1, self._sales_lines)

    def bill(self, raw: dict) -> list[Posting]:
        ap = ref(raw.get("APAccountRef")) or self.chart.special["ap"]
        return self._document(raw, "Bill", "AP", ap, 1, self._expense_lines)

    def vendor_credit(self, raw: dict) -> list[Posting]:
        ap = ref(raw.get("APAccountRef")) or self.chart.special["ap"]
        return self._document(raw, "VendorCredit", "AP", ap, -1, self._expense_lines)

    def sales_receipt(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "SalesReceipt")
        deposit = ref(raw.get("DepositToAccountRef")) or self.chart.special["undeposited"]
        return self._balance(base, deposit, self._sales_lines(raw, base, -1))

    def refund_receipt(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "RefundReceipt")
        paid_from = ref(raw.get("DepositToAccountRef")) or self.chart.special["undeposited"]
        return self._balance(base, paid_from, self._sales_lines(raw, base, 1))

    def purchase(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "Purchase")
        paid_from = ref(raw.get("AccountRef")) or self.chart.special["asset"]
        sign = -1 if raw.get("Credit") is True else 1
        return self._balance(base, paid_from, self._expense_lines(raw, base, sign))

    def payment(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "Payment")
        total = self.amount(raw.get("TotalAmt"))
        deposit = ref(raw.get("DepositToAccountRef")) or self.chart.special["undeposited"]
        ar = ref(raw.get("ARAccountRef")) or self.chart.special["ar"]
        return [replace(base, account_id=deposit, amount=total), replace(base, account_id=ar, amount=-total)]

    def bill_payment(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "BillPayment")
        total = self.amount(raw.get("TotalAmt"))
        check = raw.get("CheckPayment") or {}
        card = raw.get("CreditCardPayment") or {}
        paid_from = (
            ref(check.get("BankAccountRef")) or ref(card.get("CCAccountRef")) or self.chart.special["asset"]
        )
        ap = ref(raw.get("APAccountRef")) or self.chart.special["ap"]
        return [
            replace(base, account_id=ap, amount=total),
            replace(base, account_id=paid_from, amount=-total),
        ]

    def deposit(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "Deposit")
        body = []
        for line in lines(raw):
            detail = line.get("DepositLineDetail") or {}
            entity = detail.get("Entity") or {}
            account = ref(detail.get("AccountRef"))
            if line.get("LinkedTxn") and not account:
                account = self.chart.special["undeposited"]
            posting = self._line(base, line, detail, account or self.chart.special["income"], ZERO)
            if ref(entity):
                kind = str(entity.get("type", "")).lower()
                posting = replace(
                    posting,
                    customer_id=ref(entity) if kind == "customer" else posting.customer_id,
                    vendor_id=ref(entity) if kind == "vendor" else posting.vendor_id,
                    name=str(entity.get("name") or posting.name),
                )
            body.append(replace(posting, amount=-self.amount(line.get("Amount"))))
        cash_back = raw.get("CashBack") or {}
        if ref(cash_back.get("AccountRef")):
            body.append(
                replace(
                    base, account_id=ref(cash_back["AccountRef"]), amount=self.amount(cash_back.get("Amount"))
                )
            )
        deposit = ref(raw.get("DepositToAccountRef")) or self.chart.special["asset"]
        return self._balance(base, deposit, body)

    def transfer(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "Transfer")
        amount = self.amount(raw.get("Amount"))
        return [
            replace(
                base, account_id=ref(raw.get("ToAccountRef")) or self.chart.special["asset"], amount=amount
            ),
            replace(
                base, account_id=ref(raw.get("FromAccountRef")) or self.chart.special["asset"], amount=-amount
            ),
        ]

    def journal_entry(self, raw: dict) -> list[Posting]:
        base = self._base(raw, "JournalEntry")
        out = []
        for line in lines(raw):
            detail = line.get("JournalEntryLineDetail") or {}
            account = ref(detail.get("AccountRef"))
            if not account:
                continue
            sign = -1 if str(detail.get("PostingType", "Debit")).lower() == "credit" else 1
            posting = self._line(base, line, detail, account, sign * self.amount(line.get("Amount")))
            entity = detail.get("Entity") or {}
            entity_id = ref(entity.get("EntityRef")) or ref(entity)
            kind = str(entity.get("Type", entity.get("type", ""))).lower()
            if entity_id and kind in ("customer", "vendor"):
                posting = replace(
                    posting,
                    customer_id=entity_id if kind == "customer" else None,
                    vendor_id=entity_id if kind == "vendor" else None,
                    name=str(
                        (entity.get("EntityRef") or {}).get("name")
                        or self.names.get((kind.title(), entity_id), "")
                    ),
                )
            out.append(posting)
        return out

    def post(self, entity_name: str, raw: dict) -> list[Posting]:
        """The accrual postings of one transaction, in home currency."""
        self.rate = to_decimal(raw.get("ExchangeRate")) or Decimal(1)
        try:
            return self._by_entity[entity_name](raw)
        finally:
            self.rate = Decimal(1)

    def rules(self) -> dict[str, Callable[[dict], list[Posting]]]:
        """Entity name -> posting rule, in the order the ledger reads them (documents before payments)."""
        return {
            "Invoice": self.invoice,
            "CreditMemo": self.credit_memo,
            "SalesReceipt": self.sales_receipt,
            "RefundReceipt": self.refund_receipt,
            "Payment": self.payment,
            "Bill": self.bill,
            "VendorCredit": self.vendor_credit,
            "BillPayment": self.bill_payment,
            "Purchase": self.purchase,
            "Deposit": self.deposit,
            "Transfer": self.transfer,
            "JournalEntry": self.journal_entry,
        }
