"""Shared by the report tests: tidy rows tie to QBO's totals; a client that records its report calls."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from store.documents import RelativeRange

LAST_YEAR = RelativeRange(relative="last_year")


class Recording:
    """A client wrapper that remembers the report parameters it sent."""

    def __init__(self, client) -> None:
        self.client = client
        self.sent: list[tuple[str, dict]] = []

    def report(self, name: str, params: dict) -> dict:
        self.sent.append((name, dict(params)))
        return self.client.report(name, params)


def assert_sections_tie(rows: list[dict]) -> int:
    """Every subtotal/total equals the account and computed rows under its path, per period; the count."""
    checked = 0
    by_period: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        by_period[(row["period_start"], row["period_end"])].append(row)
    for period_rows in by_period.values():
        leaves = [
            r for r in period_rows if r["row_type"] in ("account", "computed") and " > " in r["section_path"]
        ]
        for total in (r for r in period_rows if r["row_type"] in ("subtotal", "total")):
            path = total["section_path"]
            inside = [
                r["amount"] or 0
                for r in leaves
                if r["section_path"] == path or r["section_path"].startswith(path + " > ")
            ]
            assert sum(inside, Decimal(0)) == (total["amount"] or 0), (total["account"], total["period_end"])
            checked += 1
    return checked
