"""Query parameters common to the reports, validated and resolved against the company."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import periods
from .company_access import Company, default_basis, fiscal_year_start_month, today
from .errors import ReportParamError
from .postings import Posting

DEFAULT_MACRO = "This Fiscal Year-to-date"
# Filter parameter -> (Header key, Posting attribute).
FILTERS = {
    "customer": ("Customer", "customer_id"),
    "vendor": ("Vendor", "vendor_id"),
    "class": ("Class", "class_id"),
    "department": ("Department", "department_id"),
    "item": ("Item", "item_id"),
}


@dataclass(frozen=True)
class Filters:
    """Comma-separated id filters; a posting passes when it matches every given filter."""

    ids: dict[str, frozenset[str]] = field(default_factory=dict)

    def match(self, posting: Posting) -> bool:
        return all(getattr(posting, FILTERS[name][1]) in wanted for name, wanted in self.ids.items())

    def header(self) -> dict[str, str]:
        """Echo for the report Header, e.g. {"Customer": "1,2"}."""
        return {FILTERS[name][0]: ",".join(sorted(ids, key=_id_order)) for name, ids in self.ids.items()}


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


@dataclass(frozen=True)
class ReportParams:
    """Resolved dates, basis, columns and filters of one report request."""

    start: date
    end: date
    date_macro: str | None
    basis: str
    summarize: str
    columns: list[periods.Period]
    filters: Filters
    first_month: int
    raw: dict[str, str]


def parse_filters(params: dict[str, str]) -> Filters:
    ids = {}
    for name in FILTERS:
        value = params.get(name)
        if value is None or not value.strip():
            continue
        wanted = frozenset(v.strip() for v in value.split(",") if v.strip())
        if not all(v.isalnum() for v in wanted):
            raise ReportParamError(f"{name}: expected comma-separated ids, got {value!r}")
        ids[name] = wanted
    return Filters(ids)


def parse_basis(params: dict[str, str], company: Company) -> str:
    value = params.get("accounting_method")
    if value is None or value == "":
        return default_basis(company)
    for basis in ("Cash", "Accrual"):
        if value.strip().lower() == basis.lower():
            return basis
    raise ReportParamError(f"accounting_method: expected Cash or Accrual, got {value!r}")


def parse_summarize(
    params: dict[str, str], allowed: tuple[str, ...] = tuple(periods.SUMMARIZE.values())
) -> str:
    value = (params.get("summarize_column_by") or "Total").strip()
    unit = periods.SUMMARIZE.get(value.lower())
    if unit is None or unit not in allowed:
        raise ReportParamError(
            f"summarize_column_by: {value!r} is not supported by the emulator (use {', '.join(allowed)})"
        )
    return unit


def parse_dates(params: dict[str, str], company: Company, first_month: int) -> tuple[date, date, str | None]:
    """start_date/end_date, else date_macro (default This Fiscal Year-to-date)."""
    start_text, end_text = params.get("start_date"), params.get("end_date")
    macro = params.get("date_macro") or None
    macro_range = None
    if macro is not None or not (start_text and end_text):
        macro_range = periods.resolve_macro(macro or DEFAULT_MACRO, today(company), first_month)
        macro = macro or (None if (start_text or end_text) else DEFAULT_MACRO)
    start = periods.parse_date("start_date", start_text) if start_text else macro_range[0]
    end = periods.parse_date("end_date", end_text) if end_text else macro_range[1]
    if start_text or end_text:
        macro = None
    if start > end:
        raise ReportParamError(f"start_date {start} is after end_date {end}")
    return start, end, macro


def parse(params: dict[str, str], company: Company) -> ReportParams:
    """Validate and resolve the common parameters."""
    first_month = fiscal_year_start_month(company)
    start, end, macro = parse_dates(params, company, first_month)
    summarize = parse_summarize(params)
    return ReportParams(
        start=start,
        end=end,
        date_macro=macro,
        basis=parse_basis(params, company),
        summarize=summarize,
        columns=periods.split(summarize, start, end, first_month),
        filters=parse_filters(params),
        first_month=first_month,
        raw=dict(params),
    )
