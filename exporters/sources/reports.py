"""Report sources: QBO reports with explicit dates and basis, split only where QBO refuses, in two layouts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from exporters.columns import Column, Row
from exporters.dates import resolve_range
from exporters.reports import statement as st
from exporters.reports.detail import detail_columns, detail_rows
from exporters.reports.ledger import joined
from exporters.reports.pieces import by_date, fetch_whole
from exporters.reports.tidy import TIDY_COLUMNS, tidy_rows
from exporters.sources.base import CompanyContext, CompanyFailed, RunContext
from qbo.client import JsonObject, QboClient
from qbo.errors import QboError
from store.documents import DIMENSIONS, PARTIES, PERIODS, ExporterOptions, Layout, Party

MAX_CONCURRENT_COMPANIES = 4  # companies of a consolidated report fetched at the same time
SUMMARIZE = (*PERIODS, *DIMENSIONS)  # DIMENSIONS: one column per customer, vendor, ... (P&L only)


class ReportOptionError(ValueError):
    """A report option this report does not take; the message says which it does."""


@dataclass(frozen=True)
class ReportSource:
    """A QBO report; `stock` reports are balances at a date (a total over periods is the last one)."""

    key: str
    label: str
    report: str
    group: str = "Reports"
    stock: bool = False
    aging: bool = False
    periods: bool = True  # takes summarize_column_by (TrialBalance, GeneralLedger and aging reports don't)
    ledger: bool = False  # General Ledger: a refused range is cut by date, the pieces joined into one report
    detail: bool = False  # P&L Detail, Transaction List: only rows, one per posting or transaction
    section_path: bool = False  # a detail report whose postings sit in P&L sections
    filter_params: tuple[Party, ...] = PARTIES  # the id filters QBO takes for this report
    dimensions: bool = False  # also takes summarize_column_by Customers/Vendors/Classes/Departments
    kind: str = "report"
    incremental: bool = False
    description: str = ""  # for the catalog (list_sources); empty: the label says it

    def layout(self, options: ExporterOptions) -> Layout:
        return "tidy" if self.detail else options.layout

    @property
    def layouts(self) -> bool:
        """Whether the analyst chooses between a statement and tidy rows (a detail report is only rows)."""
        return not self.detail

    def as_statement(self, options: ExporterOptions) -> ReportSource | None:
        """Itself in the statement layout (one table written whole); None in the tidy layout (rows)."""
        return self if self.layout(options) == "statement" else None

    def as_incremental(self) -> None:
        """A report has no changes to pull: every run reads it whole."""
        return None

    def field_for(self, key: str) -> None:
        """A report's columns are no QBO fields (and it has no custom fields)."""
        return None

    def columns(self, options: ExporterOptions | None = None) -> list[Column]:
        """Tidy columns; a statement's amount columns depend on the periods and are known at run time."""
        options = options or ExporterOptions()
        if self.detail:
            return detail_columns(self.section_path)
        if options.layout == "tidy":
            # Aging buckets and customer/vendor/... columns are no periods: their title is chosen by default.
            titled = self.aging or options.summarize_column_by in DIMENSIONS
            return [replace(c, default=True) if titled and c.key == "column" else c for c in TIDY_COLUMNS]
        return [st.LABEL, Column("total", "Total", "money", description="One amount column per period")]

    def default_columns(self, options: ExporterOptions | None = None) -> list[Column]:
        return [c for c in self.columns(options) if c.default]

    def params(self, options: ExporterOptions, start: date, end: date) -> dict[str, str]:
        """Query parameters: dates and accounting method always explicit."""
        params = {
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "accounting_method": options.accounting_method,
        }
        if self.aging:
            params["report_date"] = end.isoformat()
        if self.periods:
            params["summarize_column_by"] = self.summarize(options)
        for party in self.filter_params:
            if ids := options.ids(party):
                params[party] = ",".join(ids)
        return params

    def summarize(self, options: ExporterOptions) -> str:
        """Columns by: Total for reports without period columns."""
        if not self.periods:
            return "Total"
        if options.summarize_column_by not in self.summarize_choices:
            raise ReportOptionError(
                f"summarize_column_by must be one of {', '.join(self.summarize_choices)} for {self.label} "
                f"(got {options.summarize_column_by!r})"
            )
        return options.summarize_column_by

    @property
    def summarize_choices(self) -> tuple[str, ...]:
        return (*PERIODS, *DIMENSIONS) if self.dimensions else PERIODS if self.periods else ("Total",)

    def fetch(self, client: QboClient, options: ExporterOptions, run: RunContext) -> list[JsonObject]:
        """The report in as few requests as QBO answers in full: the whole range at once, split only where
        QBO refuses or truncates it (`pieces.fetch_whole`); a General Ledger's pieces are joined back."""
        start, end = resolve_range(options.date_range, run.today)
        by = self.summarize(options)

        def one(start: date, end: date) -> JsonObject:
            return client.report(self.report, self.params(options, start, end))

        if self.periods or self.ledger:
            reports = fetch_whole(one, start, end, by, None if self.periods else by_date)
        else:
            reports = [one(start, end)]
        run.fetched(1, 1)
        return [joined(reports)] if self.ledger else reports

    def rows(
        self,
        client: QboClient,
        company: CompanyContext,
        options: ExporterOptions,
        run: RunContext,
        keys: Sequence[str] | None = None,
    ) -> Iterator[Row]:
        """Tidy rows, or (one company) the statement's rows."""
        reports = self.fetch(client, options, run)
        if self.detail:
            for report in reports:
                yield from detail_rows(report, company.name, company.realm_id)
            return
        if options.layout == "tidy":
            for report in reports:
                yield from tidy_rows(report, company.name, company.realm_id)
            return
        yield from self.combined(reports).rows

    def combined(
        self, reports: list[JsonObject], key_prefix: str = "", label_prefix: str = ""
    ) -> st.Statement:
        """One company's statement from its pieces (merged along time, with a Total over them)."""
        if len(reports) == 1:
            return st.statement(reports[0], key_prefix, label_prefix)
        parts = [st.statement(r, key_prefix, label_prefix, keep_total=False) for r in reports]
        for part in parts:
            part.stock = self.stock
        merged = st.zero_filled(st.merge(parts))
        return st.add_total(merged, f"{key_prefix}total", f"{label_prefix}Total".strip())

    def fetch_each(
        self, companies: Sequence[tuple[CompanyContext, QboClient]], options: ExporterOptions, run: RunContext
    ) -> list[list[JsonObject]]:
        """Every company's reports, the companies fetched at the same time (each company's requests go one
        after the other, within its own rate budget); the first company that failed, in order, fails it."""

        def fetch(company: tuple[CompanyContext, QboClient]) -> list[JsonObject]:
            try:
                return self.fetch(company[1], options, run)
            except QboError as exc:
                raise CompanyFailed(company[0].name, exc) from exc

        if len(companies) == 1:
            return [fetch(companies[0])]
        with ThreadPoolExecutor(max_workers=min(len(companies), MAX_CONCURRENT_COMPANIES)) as pool:
            return list(pool.map(fetch, companies))

    def statement(
        self, companies: Sequence[tuple[CompanyContext, QboClient]], options: ExporterOptions, run: RunContext
    ) -> st.Statement:
        """The statement of one or several companies (side by side, or one block each)."""
        several = len(companies) > 1
        layout = options.companies_layout
        parts = []
        fetched = self.fetch_each(companies, options, run)
        for (company, _client), reports in zip(companies, fetched, strict=True):
            prefix = f"{company.realm_id}:" if several and layout == "side_by_side" else ""
            label = f"{company.name} " if several and layout == "side_by_side" else ""
            parts.append((company.name, self.combined(reports, prefix, label)))
        if not several:
            return parts[0][1]
        if layout == "blocks":
            return st.blocks(parts)
        return st.merge([p for _n, p in parts])


PROFIT_AND_LOSS = ReportSource("profit_and_loss", "Profit and loss", "ProfitAndLoss", dimensions=True)
REPORT_SOURCES: tuple[ReportSource, ...] = (
    PROFIT_AND_LOSS,
    ReportSource("balance_sheet", "Balance sheet", "BalanceSheet", stock=True),
    ReportSource("trial_balance", "Trial balance", "TrialBalance", stock=True, periods=False),
    ReportSource("cash_flow", "Statement of cash flows", "CashFlow"),
    ReportSource(
        "ar_aging",
        "A/R aging summary",
        "AgedReceivables",
        stock=True,
        aging=True,
        periods=False,
        filter_params=("customer",),
    ),
    ReportSource(
        "ap_aging",
        "A/P aging summary",
        "AgedPayables",
        stock=True,
        aging=True,
        periods=False,
        filter_params=("vendor",),
    ),
    ReportSource("general_ledger", "General ledger", "GeneralLedger", periods=False, ledger=True),
    ReportSource(
        "profit_and_loss_detail",
        "Profit and loss detail",
        "ProfitAndLossDetail",
        periods=False,
        ledger=True,
        detail=True,
        section_path=True,
        description="One row per posting to an income or expense account, with its P&L section; "
        "per account they add up to the Profit and loss",
    ),
    ReportSource(
        "transaction_list",
        "Transaction list",
        "TransactionList",
        periods=False,
        ledger=True,
        detail=True,
        description="One row per transaction in the date range: date, type, number, name, memo, "
        "account, split and amount",
    ),
)
