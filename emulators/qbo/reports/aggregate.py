"""Sum postings into per-account vectors: one entry per report column."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from .accounts import Chart
from .layout import Vector, zeros
from .money import ZERO
from .params import ReportParams
from .postings import Posting

Range = tuple[date | None, date]


def column_ranges(p: ReportParams) -> list[Range]:
    """Date ranges of the money columns: each period, then the whole report as Total."""
    return [(c.start, c.end) for c in p.columns] + [(p.start, p.end)] if p.columns else [(p.start, p.end)]


def sums(
    postings: Iterable[Posting], ranges: list[Range], keep: Callable[[Posting], bool]
) -> dict[str, Vector]:
    """Debit-positive totals per account and column, for postings with `keep(p)`."""
    out: dict[str, Vector] = {}
    for posting in postings:
        if not keep(posting):
            continue
        for i, (start, end) in enumerate(ranges):
            if (start is None or posting.date >= start) and posting.date <= end:
                vector = out.setdefault(posting.account_id, zeros(len(ranges)))
                vector[i] += posting.amount
    return out


def cumulative(
    postings: Iterable[Posting], as_of: list[date], keep: Callable[[Posting], bool]
) -> dict[str, Vector]:
    """Debit-positive balances per account as of each date (all postings up to it)."""
    return sums(postings, [(None, d) for d in as_of], keep)


def in_display_sign(chart: Chart, vectors: dict[str, Vector]) -> dict[str, Vector]:
    """Flip credit-normal accounts so income, liabilities and equity read positive."""
    return {a: [v * chart.get(a).sign for v in vec] for a, vec in vectors.items()}


def total_of(chart: Chart, vectors: dict[str, Vector], account_types: set[str], width: int) -> Vector:
    """Sum of display-sign vectors over the accounts of some types."""
    total = zeros(width)
    for account_id, vector in vectors.items():
        if chart.get(account_id).type in account_types:
            total = [t + v for t, v in zip(total, vector, strict=True)]
    return total


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def nonzero(vectors: dict[str, Vector]) -> bool:
    return any(v != ZERO for vec in vectors.values() for v in vec)
