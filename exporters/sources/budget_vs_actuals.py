"""Budget vs Actuals: a chosen budget next to the Profit and Loss by month, one row per account x month.

The budget is the company's Budget object named (or with the id) `ExporterOptions.budget`; the actuals are
the account rows of the P&L by Month for the same range (fetched like the P&L source, in pieces when long),
so every actual is a P&L cell and every budget the sum of the Budget's lines for that account and month (one
line, or several when the budget is split by class, customer or location).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from exporters.columns import Column, Field, to_date, to_decimal
from exporters.dates import periods, resolve_range
from exporters.reports.tidy import tidy_rows
from exporters.reports.tree import basis
from exporters.sources.base import CompanyContext, RunContext
from exporters.sources.reports import PROFIT_AND_LOSS, ReportOptionError
from qbo.client import QboClient
from qbo.paging import ById
from store.documents import ExporterOptions, FixedRange, Layout, Party

# The P&L's section of each account type (its first path element in the tidy layout)
SECTIONS = {
    "Income": "Income",
    "Cost of Goods Sold": "Cost of Goods Sold",
    "Expense": "Expenses",
    "Other Income": "Other Income",
    "Other Expense": "Other Expenses",
}
Month = tuple[int, int]

COLUMNS: tuple[Column, ...] = (
    Column("company", "Company", description="The QuickBooks company"),
    Column("realm_id", "Realm ID", description="The company's QuickBooks realm id"),
    Column("budget", "Budget name", default=False, description="The budget's name"),
    Column(
        "section_path",
        "Section path",
        description="The P&L's sections and the account, as in the tidy layout, e.g. Expenses > Utilities",
    ),
    Column("account", "Account", description="The account's name"),
    Column("account_id", "Account ID", description="The account's QuickBooks id"),
    Column("period_start", "Period start", "date", description="First day of the month (of the range)"),
    Column("period_end", "Period end", "date", description="Last day of the month (of the range)"),
    Column("budget_amount", "Budget", "money", description="The budget's lines for the account and month"),
    Column("actual", "Actual", "money", description="The P&L's amount for the account and month"),
    Column("variance", "Variance", "money", description="Actual minus budget"),
    Column(
        "variance_pct",
        "Variance %",
        "number",
        description="Variance as a percentage of the budget (empty when nothing is budgeted)",
    ),
    Column("accounting_method", "Accounting method", description="Accrual or Cash, as QBO answered"),
)


class BudgetNotFound(ReportOptionError):
    """The exporter's budget is not a P&L budget of one of its companies; the message names the ones there."""


@dataclass
class Account:
    """An account of the comparison: where it sits in the P&L, and its budget and actual per month."""

    name: str
    section_path: str
    budget: dict[Month, Decimal]
    actual: dict[Month, Decimal]


def choose_budget(budgets: Sequence[dict[str, Any]], wanted: str, company: str) -> dict[str, Any]:
    """The P&L budget named `wanted` (or with that id); BudgetNotFound names the company's budgets."""
    found = [b for b in budgets if b.get("BudgetType", "ProfitAndLoss") == "ProfitAndLoss"]
    for budget in found:
        if wanted.strip() and wanted.strip() in (str(budget.get("Id")), str(budget.get("Name", "")).strip()):
            return budget
    names = ", ".join(f"'{b.get('Name')}' (id {b.get('Id')})" for b in found) or "none"
    what = f"no profit and loss budget '{wanted}'" if wanted.strip() else "no budget chosen"
    raise BudgetNotFound(f"{company}: {what}. Its profit and loss budgets: {names}")


def budget_range(budget: dict[str, Any], options: ExporterOptions, today: date) -> tuple[date, date]:
    """The exporter's date range; without one, the budget's own (its fiscal year)."""
    if options.date_range is None:
        start, end = to_date(budget.get("StartDate")), to_date(budget.get("EndDate"))
        if start is not None and end is not None:
            return start, end
    return resolve_range(options.date_range, today)


def month_of(day: date) -> Month:
    return (day.year, day.month)


def chart_paths(accounts: Sequence[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """(name, section path) by account id from the chart of accounts, for accounts the P&L does not show."""
    out = {}
    for account in accounts:
        section = SECTIONS.get(str(account.get("AccountType")))
        if section is None:
            continue
        full = str(account.get("FullyQualifiedName") or account.get("Name") or "")
        out[str(account.get("Id"))] = (str(account.get("Name")), " > ".join([section, *full.split(":")]))
    return out


@dataclass(frozen=True)
class BudgetVsActualsSource:
    """A budget and the P&L by month for the same range; rows only (no statement layout, read whole)."""

    key: str = "budget_vs_actuals"
    label: str = "Budget vs actuals"
    group: str = "Reports"
    kind: str = "report"
    description: str = (
        "One row per account and month: a profit and loss budget next to the P&L's actual amount, with the "
        "variance and variance %"
    )
    takes_budget: bool = True  # the editor asks for ExporterOptions.budget
    periods: bool = False  # always by month: no Columns by
    filter_params: tuple[Party, ...] = ()  # the whole company's P&L: no customer/class/... filter

    def layout(self, options: ExporterOptions) -> Layout:
        """Always rows, as in the tidy layout."""
        return "tidy"

    def columns(self, options: ExporterOptions | None = None) -> list[Column]:
        return list(COLUMNS)

    def default_columns(self, options: ExporterOptions | None = None) -> list[Column]:
        return [c for c in COLUMNS if c.default]

    def field_for(self, key: str) -> Field | None:
        return None

    def as_statement(self, options: ExporterOptions) -> None:
        """Always rows (one per account x month)."""
        return None

    def as_incremental(self) -> None:
        """A report has no changes to pull: every run reads the budget and the P&L whole."""
        return None

    def rows(
        self,
        client: QboClient,
        company: CompanyContext,
        options: ExporterOptions,
        run: RunContext,
        keys: Sequence[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        budget = choose_budget(list(client.query("Budget", "", paging=ById())), options.budget, company.name)
        start, end = budget_range(budget, options, run.today)
        # The whole company's P&L: the budget is compared account by account, whatever its class or customer.
        pnl = ExporterOptions(
            date_range=FixedRange(start=start, end=end),
            summarize_column_by="Month",
            accounting_method=options.accounting_method,
        )
        reports = PROFIT_AND_LOSS.fetch(client, pnl, run)
        accounts = self.actuals(reports, company)
        self.add_budget(accounts, budget, client)
        method = basis(reports[0]) if reports else pnl.accounting_method
        common = {"company": company.name, "realm_id": company.realm_id, "budget": budget.get("Name")}
        for account_id, account in accounts.items():
            for first, last in periods(start, end, "Month"):
                month = month_of(first)
                planned = account.budget.get(month, Decimal(0))
                actual = account.actual.get(month, Decimal(0))
                variance = actual - planned
                yield {
                    **common,
                    "section_path": account.section_path,
                    "account": account.name,
                    "account_id": account_id,
                    "period_start": first,
                    "period_end": last,
                    "budget_amount": planned,
                    "actual": actual,
                    "variance": variance,
                    "variance_pct": (variance * 100 / planned).quantize(Decimal("0.01")) if planned else None,
                    "accounting_method": method,
                }

    @staticmethod
    def actuals(reports: Sequence[dict[str, Any]], company: CompanyContext) -> dict[str, Account]:
        """The P&L's account rows by account id (in the P&L's order), each with its amount per month."""
        accounts: dict[str, Account] = {}
        for report in reports:
            for row in tidy_rows(report, company.name, company.realm_id):
                if row["row_type"] != "account" or not row["account_id"] or row["period_start"] is None:
                    continue
                account = accounts.setdefault(
                    row["account_id"], Account(row["account"], row["section_path"], {}, defaultdict(Decimal))
                )
                account.actual[month_of(row["period_start"])] += row["amount"] or Decimal(0)
        return accounts

    @staticmethod
    def add_budget(accounts: dict[str, Account], budget: dict[str, Any], client: QboClient) -> None:
        """The budget's lines summed per account and month; budgeted accounts the P&L does not show are
        placed by the chart of accounts (one query, only when there are some)."""
        lines: dict[str, dict[Month, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        names: dict[str, str] = {}
        for line in budget.get("BudgetDetail") or ():
            day = to_date(line.get("BudgetDate"))
            ref = line.get("AccountRef") or {}
            account_id = str(ref.get("value") or "")
            if day is not None and account_id:
                lines[account_id][month_of(day)] += to_decimal(line.get("Amount")) or Decimal(0)
                names[account_id] = str(ref.get("name") or account_id)
        missing = [a for a in lines if a not in accounts]
        chart = {}
        if missing:
            chart = chart_paths(list(client.query("Account", "Active IN (true,false)", paging=ById())))
        for account_id in missing:
            name, path = chart.get(account_id, (names[account_id], names[account_id]))
            accounts[account_id] = Account(name, path, {}, {})
        for account_id, months in lines.items():
            accounts[account_id].budget = months
