"""What a tab should hold, and what a read of it saw: complete, or partial (rows missing), or mixed (rows
of two runs, or duplicates). A reader must only ever see complete tabs (design Decision 5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import gspread
import requests

Key = tuple[str, ...]


@dataclass(frozen=True)
class Expected:
    """The rows a tab of an exporter must hold: one per invoice of its companies, keyed by number (and the
    company's realm id when it reads several)."""

    keys: frozenset[Key]
    several: bool
    append: bool


def invoices(qbo_url: str, realm: str) -> list[dict]:
    reply = requests.get(f"{qbo_url}/_emulator/companies/{realm}/entities/Invoice", timeout=60)
    reply.raise_for_status()
    return reply.json()["Invoice"]


def key_of(row: list, header: list, several: bool) -> Key:
    number = str(row[header.index("Number")])
    return (str(row[header.index("Realm ID")]), number) if several else (number,)


def read(spreadsheet: gspread.Spreadsheet, tab: str) -> list[list] | None:
    """The tab's values as Google stores them, or None when there is no such tab."""
    try:
        return spreadsheet.worksheet(tab).get_all_values(value_render_option="UNFORMATTED_VALUE")
    except gspread.exceptions.WorksheetNotFound:
        return None


def verdict(rows: list[list] | None, expected: Expected) -> str:
    """missing, empty (never written), complete, partial or mixed."""
    if rows is None:
        return "missing"
    if not rows or not any(rows[0]):
        return "empty"
    header, body = rows[0], [r for r in rows[1:] if any(str(c) != "" for c in r)]
    if "Number" not in header:
        return "mixed"
    if not expected.append:
        return _one_table(body, header, expected)
    if "Snapshot at" not in header:
        return "mixed"
    snapshot = header.index("Snapshot at")
    blocks: dict[object, list[list]] = {}
    for row in body:
        blocks.setdefault(row[snapshot], []).append(row)
    verdicts = {_one_table(block, header, expected) for block in blocks.values()} or {"complete"}
    return verdicts.pop() if len(verdicts) == 1 else "mixed"


def _one_table(body: list[list], header: list, expected: Expected) -> str:
    keys = Counter(key_of(row, header, expected.several) for row in body)
    if any(n > 1 for n in keys.values()) or not set(keys) <= expected.keys:
        return "mixed"
    return "complete" if set(keys) == expected.keys else "partial"


def differences(rows: list[list] | None, books: dict[Key, dict], several: bool, append: bool) -> list[str]:
    """How the tab differs from QuickBooks (its last snapshot, for an append exporter): [] when equal."""
    if not rows:
        return ["no tab"]
    header, body = rows[0], rows[1:]
    if append:
        snapshot = header.index("Snapshot at")
        last = max(row[snapshot] for row in body)
        body = [row for row in body if row[snapshot] == last]
    found = {key_of(row, header, several): row for row in body}
    out = [f"{len(found)} rows for {len(books)} invoices"] if set(found) != set(books) else []
    for key, invoice in books.items():
        row = found.get(key)
        if row is None:
            continue
        for label, field in (("Total", "TotalAmt"), ("Balance", "Balance")):
            if Decimal(str(row[header.index(label)])) != Decimal(str(invoice[field])):
                out.append(
                    f"{key} {label}: {row[header.index(label)]} in the tab, {invoice[field]} in QuickBooks"
                )
    return out
