"""Defensive reads from the emulator's company object (entities, preferences, clock)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class Company(Protocol):
    """What the reports need from `emulators.qbo.company`."""

    realm_id: str
    name: str
    home_currency: str

    def today(self) -> date: ...

    def entities(self, entity_name: str) -> list[dict]: ...

    def preferences(self) -> dict: ...


def entities(company: Company, entity_name: str) -> list[dict]:
    """All stored entities of one kind; an unknown kind is an empty list."""
    try:
        found = company.entities(entity_name)
    except (KeyError, LookupError, ValueError):
        return []
    return [e for e in (found or []) if e.get("status") != "Deleted"]


def preferences(company: Company) -> dict:
    """The Preferences entity body, or {}."""
    try:
        prefs = company.preferences() or {}
    except (AttributeError, KeyError, LookupError):
        return {}
    return prefs.get("Preferences", prefs)


def fiscal_year_start_month(company: Company) -> int:
    """1..12 from Preferences.AccountingInfoPrefs or CompanyInfo FiscalYearStartMonth; January by default."""
    candidates: list[Any] = [preferences(company).get("AccountingInfoPrefs", {}).get("FiscalYearStartMonth")]
    infos = entities(company, "CompanyInfo")
    company_info = getattr(company, "company_info", None)
    if callable(company_info):
        infos.append(company_info() or {})
    candidates += [info.get("FiscalYearStartMonth") for info in infos]
    for value in candidates:
        if isinstance(value, str) and value.strip().lower() in MONTHS:
            return MONTHS.index(value.strip().lower()) + 1
        if isinstance(value, int) and 1 <= value <= 12:
            return value
    return 1


def default_basis(company: Company) -> str:
    """Preferences.ReportPrefs.ReportBasis ("Cash"/"Accrual"), Accrual when unset."""
    basis = str(preferences(company).get("ReportPrefs", {}).get("ReportBasis", "")).strip().lower()
    return "Cash" if basis == "cash" else "Accrual"


def currency(company: Company) -> str:
    """Home currency code, USD by default."""
    return getattr(company, "home_currency", None) or "USD"


def today(company: Company) -> date:
    """The company's local date."""
    return company.today()


def report_time(company: Company) -> str:
    """Header.Time: local time with offset, e.g. 2016-03-03T13:00:18-08:00."""
    clock = getattr(company, "clock", None)
    now = getattr(clock, "datetime", None) or getattr(company, "now", None)
    stamp = now() if callable(now) else datetime.now().astimezone()
    return stamp.isoformat(timespec="seconds")
