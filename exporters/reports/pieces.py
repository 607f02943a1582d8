"""Fetching a report range in pieces QBO answers in full.

The whole range is asked for at once (QBO answered 35 months of Month columns in one report). A range QBO
refuses (a 400 fault) or answers for less than the asked range (truncated columns or period) is split in two
along its periods and fetched again; a single period that still fails is an error, never silently dropped.
Reports without period columns (General Ledger) are cut by date instead (`by_date`): along months, or days
within one month; a single day QBO still refuses is `ReportIncomplete`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from exporters.dates import periods
from exporters.reports.tree import columns_of
from qbo.client import JsonObject
from qbo.errors import QboFault

Fetch = Callable[[date, date], JsonObject]
Cut = Callable[[date, date], list[tuple[date, date]] | None]


class ReportIncomplete(ValueError):
    """QBO would not answer part of the range in full, even one period at a time."""


def covered(report: JsonObject) -> tuple[date | None, date | None] | None:
    """(first start, last end) of the report's dated period columns (QBO's Total column left out);
    None when it has no period column at all."""
    _lead, money = columns_of(report)
    periods = [c for c in money if c.key.lower() != "total"]
    if not periods:
        return None
    spans = [(c.start, c.end) for c in periods if c.start and c.end]
    if not spans:
        return None, None
    return min(s for s, _e in spans), max(e for _s, e in spans)


def complete(report: JsonObject, start: date, end: date, by: str) -> bool:
    """Whether the report's period columns cover start..end. A Total-only request, or period columns that
    carry no dates to compare, are taken at their word; no period column at all is not complete."""
    if by == "Total":
        return True
    span = covered(report)
    if span is None:
        return False
    first, last = span
    return first is None or last is None or (first <= start and last >= end)


def halves(start: date, end: date, by: str) -> list[tuple[date, date]] | None:
    """The range cut in two along its periods; None when it is a single period."""
    parts = periods(start, end, by)
    if len(parts) < 2:
        return None
    middle = len(parts) // 2
    return [(parts[0][0], parts[middle - 1][1]), (parts[middle][0], parts[-1][1])]


def by_date(start: date, end: date) -> list[tuple[date, date]] | None:
    """The range cut in two along its months, or its days within one month; None for a single day."""
    if parts := halves(start, end, "Month"):
        return parts
    if start >= end:
        return None
    middle = start + timedelta(days=(end - start).days // 2)
    return [(start, middle), (middle + timedelta(days=1), end)]


def fetch_whole(fetch: Fetch, start: date, end: date, by: str, cut: Cut | None = None) -> list[JsonObject]:
    """The reports covering start..end in order: one, or more when QBO refused or truncated the range.

    `cut` splits a refused range by date (`by_date`) rather than along its periods; QBO refusing a piece it
    cannot cut is then `ReportIncomplete` (along periods, QBO's own fault is raised as it is)."""
    try:
        report = fetch(start, end)
    except QboFault as exc:
        if exc.http_status != 400:
            raise
        if (parts := cut(start, end) if cut else halves(start, end, by)) is None:
            if cut is None:
                raise
            raise ReportIncomplete(
                f"{exc.message}, even for the single day {start}; check the exporter's filters, or filter "
                "by customer, vendor, class or department so that day holds fewer postings"
            ) from exc
        return [r for s, e in parts for r in fetch_whole(fetch, s, e, by, cut)]
    if complete(report, start, end, by):
        return [report]
    parts = halves(start, end, by)
    if parts is None:
        first, last = covered(report) or (None, None)
        answered = f"{first} to {last}" if first else "no period"
        raise ReportIncomplete(
            f"QuickBooks answered {answered} when asked for {start} to {end}, even for a single "
            "period; narrow the date range or choose a coarser 'Columns by'"
        )
    return [r for s, e in parts for r in fetch_whole(fetch, s, e, by, cut)]
