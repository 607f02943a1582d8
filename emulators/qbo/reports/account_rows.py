"""Render account trees: Data rows for leaves, Sections for parents (own amount in the Header)."""

from __future__ import annotations

from collections.abc import Callable

from .accounts import Account, Chart
from .layout import Vector, add, amounts, cell, data_row, section, zeros


class AccountRows:
    """Renders accounts whose amounts are given per column (already in display sign)."""

    def __init__(
        self,
        chart: Chart,
        vectors: dict[str, Vector],
        width: int,
        label: Callable[[Account], str] = lambda a: a.name,
    ):
        self.chart = chart
        self.vectors = vectors
        self.width = width
        self.label = label

    def own(self, account: Account) -> Vector:
        return self.vectors.get(account.id, zeros(self.width))

    def visible(self, account: Account) -> bool:
        """Shown when it or a sub-account has a non-zero amount in some column."""
        return any(self.own(account)) or any(self.visible(c) for c in self.chart.children(account.id))

    def rows(self, accounts: list[Account]) -> tuple[list[dict], Vector]:
        """Rows for these sibling accounts and their combined total."""
        out, total = [], zeros(self.width)
        for account in accounts:
            if not self.visible(account):
                continue
            row, subtotal = self.row(account)
            out.append(row)
            total = add(total, subtotal)
        return out, total

    def row(self, account: Account) -> tuple[dict, Vector]:
        name = cell(self.label(account), account.id)
        own = self.own(account)
        child_rows, child_total = self.rows(self.chart.children(account.id))
        if not child_rows:
            return data_row([name, *amounts(own)]), own
        total = add(own, child_total)
        summary = [cell(f"Total {self.label(account)}"), *amounts(total, blank_zero=False)]
        return section([name, *amounts(own)], child_rows, summary), total
