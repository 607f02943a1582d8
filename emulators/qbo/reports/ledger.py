"""One consistent ledger per company: accrual and cash postings, open items for aging."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .accounts import Chart
from .company_access import Company, entities
from .money import ZERO, cents, to_decimal
from .postings import Document, Posting, PostingRules, ref

PARTY_ENTITIES = ("Customer", "Vendor", "Employee")
SETTLEMENTS = {"Payment": ("AR", "unapplied_income"), "BillPayment": ("AP", "unapplied_expense")}


@dataclass(frozen=True)
class Settlement:
    """Part of a payment applied to one document (or left unapplied when `doc_key` is None)."""

    date: date
    doc_key: tuple[str, str] | None
    amount: Decimal
    side: str
    party_id: str | None
    txn_type: str
    txn_id: str
    doc_num: str


@dataclass(frozen=True)
class OpenItem:
    """What is still owed on one document (negative for credits) as of a date."""

    txn_type: str
    txn_id: str
    doc_num: str
    date: date
    due_date: date
    party_id: str | None
    amount: Decimal


class Ledger:
    """Postings derived from a company's entities, in both bases."""

    def __init__(self, company: Company):
        self.chart = Chart.from_company(company)
        items = {str(i.get("Id")): i for i in entities(company, "Item")}
        self.names = {
            (kind, str(e.get("Id"))): str(
                e.get("DisplayName") or e.get("FullyQualifiedName") or e.get("Name") or ""
            )
            for kind in PARTY_ENTITIES
            for e in entities(company, kind)
        }
        rules = PostingRules(self.chart, items, self.names)
        self.accrual: list[Posting] = []
        self.cash: list[Posting] = []
        self.settlements: list[Settlement] = []
        payments: list[tuple[str, dict, list[Posting]]] = []
        for entity_name in rules.rules():
            for raw in entities(company, entity_name):
                if not raw.get("TxnDate"):
                    continue
                postings = rules.post(entity_name, raw)
                self.accrual.extend(postings)
                if entity_name in SETTLEMENTS:
                    payments.append((entity_name, raw, postings))
                elif (entity_name, str(raw.get("Id", ""))) not in rules.documents:
                    self.cash.extend(postings)
        self.documents: dict[tuple[str, str], Document] = rules.documents
        for entity_name, raw, postings in payments:
            self.cash.extend(self._cash_settlement(entity_name, raw, postings))
        self.accrual.sort(key=lambda p: p.date)
        self.cash.sort(key=lambda p: p.date)

    def postings(self, basis: str) -> list[Posting]:
        """All postings for "Cash" or "Accrual", by date."""
        return self.cash if basis == "Cash" else self.accrual

    def _cash_settlement(self, entity_name: str, raw: dict, accrual: list[Posting]) -> list[Posting]:
        """A payment on cash basis: the cash side, plus its share of each document it pays."""
        side, unapplied_key = SETTLEMENTS[entity_name]
        control = self.chart.special["ar" if side == "AR" else "ap"]
        cash_side = [p for p in accrual if self.chart.get(p.account_id).type != self.chart.get(control).type]
        base = accrual[0]
        out = list(cash_side)
        rate = to_decimal(raw.get("ExchangeRate")) or Decimal(1)
        unapplied = to_decimal(raw.get("TotalAmt"))  # in the payment's currency
        for line in raw.get("Line") or []:
            amount = to_decimal(line.get("Amount"))
            for link in (line.get("LinkedTxn") or [])[:1]:
                key = (str(link.get("TxnType")), str(link.get("TxnId")))
                doc = self.documents.get(key)
                if doc is None or doc.side != side or amount == 0:
                    continue
                self._settle(base, doc, amount)
                out.extend(self._share(base, doc, amount))
                unapplied -= amount if key[0] in ("Invoice", "Bill") else -amount
        if unapplied:
            party = base.customer_id if side == "AR" else base.vendor_id
            home = cents(unapplied * rate)
            self.settlements.append(
                Settlement(base.date, None, home, side, party, base.txn_type, base.txn_id, base.doc_num)
            )
            sign = -1 if side == "AR" else 1
            out.append(replace(base, account_id=self.chart.special[unapplied_key], amount=sign * home))
        remainder = -sum((p.amount for p in out), ZERO)
        if remainder:  # currency rounding or a rate different from the document's
            out.append(replace(base, account_id=self.chart.special["exchange"], amount=remainder))
        return out

    def _settle(self, base: Posting, doc: Document, amount: Decimal) -> None:
        self.settlements.append(
            Settlement(
                base.date,
                (doc.txn_type, doc.txn_id),
                amount,
                doc.side,
                doc.party_id,
                base.txn_type,
                base.txn_id,
                base.doc_num,
            )
        )

    @staticmethod
    def _share(base: Posting, doc: Document, amount: Decimal) -> list[Posting]:
        """The document's postings scaled to `amount`, dated and attributed to the payment."""
        if doc.total == 0:
            return []
        fraction = amount / doc.foreign_total
        shares = [
            replace(
                p,
                date=base.date,
                txn_type=base.txn_type,
                txn_id=base.txn_id,
                doc_num=base.doc_num,
                amount=cents(p.amount * fraction),
            )
            for p in doc.postings
        ]
        target = cents(sum((p.amount for p in doc.postings), ZERO) * fraction)
        residual = target - sum((p.amount for p in shares), ZERO)
        if residual and shares:
            biggest = max(range(len(shares)), key=lambda i: abs(shares[i].amount))
            shares[biggest] = replace(shares[biggest], amount=shares[biggest].amount + residual)
        return shares

    def open_items(self, side: str, as_of: date) -> list[OpenItem]:
        """Documents and unapplied payments on AR or AP still open on `as_of`."""
        paid: dict[tuple[str, str], Decimal] = {}
        items = []
        for s in self.settlements:
            if s.side != side or s.date > as_of:
                continue
            if s.doc_key is None:
                items.append(OpenItem(s.txn_type, s.txn_id, s.doc_num, s.date, s.date, s.party_id, -s.amount))
            else:
                paid[s.doc_key] = paid.get(s.doc_key, ZERO) + s.amount
        for key, doc in self.documents.items():
            if doc.side != side or doc.date > as_of:
                continue
            open_amount = doc.total - paid.get(key, ZERO)
            if open_amount:
                sign = 1 if doc.txn_type in ("Invoice", "Bill") else -1
                num = next((p.doc_num for p in doc.postings), "")
                items.append(
                    OpenItem(
                        doc.txn_type,
                        doc.txn_id,
                        num,
                        doc.date,
                        doc.due_date,
                        doc.party_id,
                        sign * open_amount,
                    )
                )
        return items

    def party_name(self, kind: str, party_id: str | None) -> str:
        """Display name of a Customer/Vendor id."""
        return self.names.get((kind, party_id or ""), party_id or "")


def balances(postings: Iterable[Posting], start: date | None, end: date) -> dict[str, Decimal]:
    """Debit-positive sum per account of postings dated in [start, end] (start None = from the beginning)."""
    totals: dict[str, Decimal] = {}
    for p in postings:
        if p.date > end or (start is not None and p.date < start):
            continue
        totals[p.account_id] = totals.get(p.account_id, ZERO) + p.amount
    return totals


__all__ = ["Ledger", "OpenItem", "Posting", "Settlement", "balances", "ref"]


_CACHE_LOCK = threading.Lock()
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # company -> (version, Ledger)


def ledger_of(company: Company) -> Ledger:
    """The company's Ledger, rebuilt only when the company changed (`Company.version`); a company
    without a version (a test double) gets a fresh one every time."""
    version = getattr(company, "version", None)
    if version is None:
        return Ledger(company)
    with _CACHE_LOCK:
        cached = _CACHE.get(company)
    if cached is not None and cached[0] == version:
        return cached[1]
    ledger = Ledger(company)
    for posting in (*ledger.accrual, *ledger.cash):
        ledger.chart.get(posting.account_id)  # create placeholders now: readers then never mutate it
    with _CACHE_LOCK:
        _CACHE[company] = (version, ledger)
    return ledger
