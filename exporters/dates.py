"""Date ranges: fixed or relative ("last_month", "last_n_days"), resolved on the run's date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from store.documents import RELATIVE, DateRange, FixedRange, RelativeRange

DEFAULT_RANGE = RelativeRange(relative="year_to_date")


class DateRangeError(ValueError):
    """A date range an analyst can fix; the message says how."""


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return _add_months(_month_start(day), 1) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _week_start(day: date) -> date:
    """Weeks run Sunday to Saturday, as QuickBooks' US reports do."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _relative(name: str, today: date, n: int) -> tuple[date, date]:
    if name == "today":
        return today, today
    if name == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if name in ("this_week", "last_week"):
        start = _week_start(today) - timedelta(days=7 if name == "last_week" else 0)
        return start, start + timedelta(days=6)
    if name in ("this_month", "last_month"):
        start = _add_months(_month_start(today), -1 if name == "last_month" else 0)
        return start, _month_end(start)
    if name in ("this_quarter", "last_quarter"):
        start = _add_months(_quarter_start(today), -3 if name == "last_quarter" else 0)
        return start, _add_months(start, 3) - timedelta(days=1)
    if name == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if name == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if name == "year_to_date":
        return date(today.year, 1, 1), today
    if name == "last_n_days":
        if n < 1:
            raise DateRangeError("last_n_days needs a number of days of at least 1")
        return today - timedelta(days=n - 1), today
    raise DateRangeError(f"Unknown relative date range '{name}'; use one of: {', '.join(RELATIVE)}")


def resolve_range(spec: DateRange | None, today: date) -> tuple[date, date]:
    """(start, end) of a range (year to date when none) on `today`, the run's date in its time zone."""
    spec = spec or DEFAULT_RANGE
    if isinstance(spec, FixedRange):
        return spec.start, spec.end
    return _relative(spec.relative, today, spec.n or 0)


def periods(start: date, end: date, by: str) -> list[tuple[date, date]]:
    """The column periods QuickBooks uses for summarize_column_by (Total: the whole range)."""
    step = {"Month": 1, "Quarter": 3, "Year": 12}.get(by)
    if by == "Week":
        return _chunks(start, end, lambda d: _week_start(d) + timedelta(days=7))
    if step is None:
        return [(start, end)]
    anchors: dict[str, Callable[[date], date]] = {
        "Month": _month_start,
        "Quarter": _quarter_start,
        "Year": lambda d: date(d.year, 1, 1),
    }
    anchor = anchors[by]
    return _chunks(start, end, lambda d: _add_months(anchor(d), step))


def _chunks(start: date, end: date, next_start: Callable[[date], date]) -> list[tuple[date, date]]:
    out = []
    current = start
    while current <= end:
        following = next_start(current)
        out.append((current, min(end, following - timedelta(days=1))))
        current = following
    return out
