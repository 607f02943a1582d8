"""Dates: parsing, date macros against the company's today and fiscal year, column periods."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import ReportParamError


def parse_date(name: str, value: str) -> date:
    """YYYY-MM-DD or a ReportParamError naming the parameter."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ReportParamError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


def week_start(day: date) -> date:
    """Weeks run Sunday to Saturday (QBO US)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def fiscal_year_start(day: date, first_month: int) -> date:
    """First day of the fiscal year containing `day`."""
    year = day.year if day.month >= first_month else day.year - 1
    return date(year, first_month, 1)


def fiscal_quarter_start(day: date, first_month: int) -> date:
    """First day of the fiscal quarter containing `day`."""
    start = fiscal_year_start(day, first_month)
    months = (day.year - start.year) * 12 + day.month - start.month
    return add_months(start, months // 3 * 3)


def resolve_macro(macro: str, today: date, first_month: int) -> tuple[date, date]:
    """The (start, end) dates of a QBO date_macro such as "This Fiscal Year-to-date"."""
    key = " ".join(macro.lower().split())
    week = week_start(today)
    month = month_start(today)
    quarter = fiscal_quarter_start(today, first_month)
    year = fiscal_year_start(today, first_month)
    last_month = add_months(month, -1)
    last_quarter = add_months(quarter, -3)
    last_year = add_months(year, -12)
    table = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "this week": (week, week + timedelta(days=6)),
        "last week": (week - timedelta(days=7), week - timedelta(days=1)),
        "this week-to-date": (week, today),
        "last week-to-date": (week - timedelta(days=7), today - timedelta(days=7)),
        "next week": (week + timedelta(days=7), week + timedelta(days=13)),
        "next 4 weeks": (week + timedelta(days=7), week + timedelta(days=34)),
        "this month": (month, month_end(month)),
        "last month": (last_month, month - timedelta(days=1)),
        "this month-to-date": (month, today),
        "last month-to-date": (last_month, min(add_months(today, -1), month - timedelta(days=1))),
        "next month": (add_months(month, 1), month_end(add_months(month, 1))),
        "this fiscal quarter": (quarter, add_months(quarter, 3) - timedelta(days=1)),
        "last fiscal quarter": (last_quarter, quarter - timedelta(days=1)),
        "this fiscal quarter-to-date": (quarter, today),
        "last fiscal quarter-to-date": (
            last_quarter,
            min(add_months(today, -3), quarter - timedelta(days=1)),
        ),
        "next fiscal quarter": (add_months(quarter, 3), add_months(quarter, 6) - timedelta(days=1)),
        "this fiscal year": (year, add_months(year, 12) - timedelta(days=1)),
        "last fiscal year": (last_year, year - timedelta(days=1)),
        "this fiscal year-to-date": (year, today),
        "last fiscal year-to-date": (last_year, min(add_months(today, -12), year - timedelta(days=1))),
        "next fiscal year": (add_months(year, 12), add_months(year, 24) - timedelta(days=1)),
        # Calendar variants seen in real headers ("this calendar year-to-date").
        "this calendar year": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "this calendar year-to-date": (date(today.year, 1, 1), today),
        "last calendar year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }
    if key not in table:
        raise ReportParamError(f"date_macro: unsupported value {macro!r}")
    return table[key]


@dataclass(frozen=True)
class Period:
    """One report column's date range and its title (also its ColKey)."""

    start: date
    end: date
    title: str


SUMMARIZE = {
    "total": "Total",
    "month": "Month",
    "week": "Week",
    "days": "Days",
    "quarter": "Quarter",
    "year": "Year",
}


def _title(unit: str, start: date, end: date) -> str:
    if unit == "Days":
        return f"{start:%b} {start.day}, {start.year}"
    if unit == "Month":
        return f"{start:%b %Y}"
    if unit == "Year":
        return f"{start:%b %Y} - {end:%b %Y}" if start.month != 1 else str(start.year)
    same_year = start.year == end.year
    first = f"{start:%b} {start.day}" + ("" if same_year else f", {start.year}")
    return f"{first} - {end:%b} {end.day}, {end.year}"


def _next_boundary(unit: str, day: date, first_month: int) -> date:
    """The first day of the period after the one containing `day`."""
    if unit == "Days":
        return day + timedelta(days=1)
    if unit == "Week":
        return week_start(day) + timedelta(days=7)
    if unit == "Month":
        return add_months(month_start(day), 1)
    if unit == "Quarter":
        return add_months(fiscal_quarter_start(day, first_month), 3)
    return add_months(fiscal_year_start(day, first_month), 12)


MAX_COLUMNS = 400


def split(unit: str, start: date, end: date, first_month: int) -> list[Period]:
    """Column periods for summarize_column_by=`unit`, clipped to [start, end]; [] for Total."""
    if unit == "Total":
        return []
    periods = []
    day = start
    while day <= end:
        stop = min(_next_boundary(unit, day, first_month) - timedelta(days=1), end)
        periods.append(Period(day, stop, _title(unit, day, stop)))
        day = stop + timedelta(days=1)
        if len(periods) > MAX_COLUMNS:
            raise ReportParamError(f"summarize_column_by={unit} gives more than {MAX_COLUMNS} columns")
    return periods
