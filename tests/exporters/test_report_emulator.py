"""Report flattening on the QBO emulator's computed reports.

Statements keep QBO's rows, tidy rows tie to QBO's Summary rows, balance sheets balance, and long or refused
ranges are fetched in pieces without losing data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from exporters.catalog import get_source
from exporters.reports import statement as st
from exporters.reports.pieces import ReportIncomplete, complete
from exporters.sources.base import CompanyContext, RunContext
from exporters.sources.reports import ReportOptionError
from qbo.errors import QboFault
from store.documents import ExporterOptions, FixedRange
from tests.exporters.report_checks import LAST_YEAR, Recording, assert_sections_tie

WHOLE_YEAR = FixedRange(start="2024-01-01", end="2024-12-31")


def raw_rows(rows: list[dict], lead: int = 1) -> list[tuple[str, str]]:
    """(label, first amount) of every Header, Data and Summary row, read straight from QBO's JSON."""
    out = []
    for row in rows:
        if "ColData" in row:
            out.append((row["ColData"][0]["value"], row["ColData"][lead]["value"]))
            continue
        if "Header" in row:
            out.append((row["Header"]["ColData"][0]["value"], row["Header"]["ColData"][lead]["value"]))
        out += raw_rows(row.get("Rows", {}).get("Row", []), lead)
        if "Summary" in row:
            out.append((row["Summary"]["ColData"][0]["value"], row["Summary"]["ColData"][lead]["value"]))
    return out


def money(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.mark.parametrize(
    "key", ["profit_and_loss", "balance_sheet", "cash_flow", "trial_balance", "ar_aging"]
)
def test_statement_layout_reproduces_the_emulators_rows_labels_and_amounts(key, acme):
    realm, client = acme
    source = get_source(key)
    recorder = Recording(client)
    table = source.statement(
        [(CompanyContext("Acme", realm), recorder)], ExporterOptions(date_range=LAST_YEAR), RunContext()
    )
    ((name, params),) = recorder.sent
    report = client.report(name, params)  # the same request again, walked independently
    lead = next(i for i, c in enumerate(report["Columns"]["Column"]) if c["ColType"] == "Money")
    first_money = table.columns[lead]
    got = [(row["account"].strip(), row.get(first_money.key)) for row in table.rows]
    assert got == [(label, money(amount)) for label, amount in raw_rows(report["Rows"]["Row"], lead)]
    assert len(table.rows) > 3


def test_tidy_balance_sheet_by_month_balances_every_month_and_ties_to_its_totals(acme):
    realm, client = acme
    source = get_source("balance_sheet")
    options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR, summarize_column_by="Month")
    rows = list(source.rows(client, CompanyContext("Acme", realm), options, RunContext()))
    months = sorted({r["period_end"] for r in rows})
    assert len(months) == 12
    for month in months:
        totals = {
            r["account"]: r["amount"] for r in rows if r["period_end"] == month and r["row_type"] == "total"
        }
        assert totals["TOTAL ASSETS"] == totals["TOTAL LIABILITIES AND EQUITY"] != 0, month
    assert assert_sections_tie(rows) >= 12 * 4


def test_tidy_cash_flow_and_profit_and_loss_by_quarter_tie_to_their_totals(acme):
    realm, client = acme
    for key in ("cash_flow", "profit_and_loss"):
        options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR, summarize_column_by="Quarter")
        rows = list(get_source(key).rows(client, CompanyContext("Acme", realm), options, RunContext()))
        assert len({r["period_start"] for r in rows}) == 4
        assert assert_sections_tie(rows) >= 4


def test_net_income_of_the_tidy_pl_matches_the_balance_sheets_net_income(acme):
    """Two reports QBO computes independently: the year's P&L Net Income is the BS Net Income at year end."""
    realm, client = acme
    company = CompanyContext("Acme", realm)
    options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR)
    pl = list(get_source("profit_and_loss").rows(client, company, options, RunContext()))
    bs = list(get_source("balance_sheet").rows(client, company, options, RunContext()))
    pl_net = next(r["amount"] for r in pl if r["account"] == "Net Income")
    bs_net = next(r["amount"] for r in bs if r["account"] == "Net Income")
    assert pl_net == bs_net and pl_net != 0


def test_reports_without_period_columns_send_no_summarize_and_are_not_split(acme):
    realm, client = acme
    recorder = Recording(client)
    options = ExporterOptions(
        date_range=FixedRange(start="2022-01-01", end="2024-12-31"), summarize_column_by="Month"
    )
    table = get_source("trial_balance").statement(
        [(CompanyContext("Acme", realm), recorder)], options, RunContext()
    )
    ((_name, params),) = recorder.sent
    assert "summarize_column_by" not in params and params["accounting_method"] == "Accrual"
    total = next(r for r in table.rows if r["account"].strip() == "TOTAL")
    debit, credit = (c.key for c in table.columns if c.type == "money")
    assert total[debit] == total[credit] != 0


class Refusing(Recording):
    """QBO stand-in that refuses (400) or truncates any report asking for more than `limit` period columns."""

    def __init__(self, client, limit: int, mode: str) -> None:
        super().__init__(client)
        self.limit, self.mode = limit, mode

    def report(self, name: str, params: dict) -> dict:
        report = super().report(name, params)
        columns = report["Columns"]["Column"]
        periods = [i for i, c in enumerate(columns) if c["ColType"] == "Money" and c["ColTitle"] != "Total"]
        if len(periods) <= self.limit:
            return report
        if self.mode == "refuse":
            raise QboFault("2030", "Invalid report parameter", "Report too large", http_status=400)
        keep = set(range(len(columns))) - set(periods[self.limit :])
        report["Columns"]["Column"] = [c for i, c in enumerate(columns) if i in keep]
        trim(report["Rows"]["Row"], keep)
        return report


def trim(rows: list[dict], keep: set[int]) -> None:
    for row in rows:
        for part in ("Header", "Summary"):
            if part in row:
                row[part]["ColData"] = [c for i, c in enumerate(row[part]["ColData"]) if i in keep]
        if "ColData" in row:
            row["ColData"] = [c for i, c in enumerate(row["ColData"]) if i in keep]
        trim(row.get("Rows", {}).get("Row", []), keep)


@pytest.mark.parametrize("mode", ["refuse", "truncate"])
def test_a_refused_or_truncated_range_is_split_and_nothing_is_dropped(acme, mode):
    realm, client = acme
    company = CompanyContext("Acme", realm)
    source = get_source("profit_and_loss")
    options = ExporterOptions(date_range=WHOLE_YEAR, summarize_column_by="Month")
    stingy = Refusing(client, limit=5, mode=mode)
    split = source.statement([(company, stingy)], options, RunContext())
    whole = source.statement([(company, client)], options, RunContext())
    assert len(stingy.sent) > 1
    assert [c.label for c in split.columns] == [c.label for c in whole.columns]  # 12 months + Total
    assert len(split.columns) == 1 + 12 + 1

    def grid(table: st.Statement) -> list[list]:
        return [[row.get(c.key) for c in table.columns] for row in table.rows]

    assert grid(split) == grid(whole)  # same rows, same order, same amounts (Total recomputed)


def test_a_piece_qbo_truncates_even_for_one_period_fails_the_run_with_the_reason(acme):
    realm, client = acme
    stingy = Refusing(client, limit=0, mode="truncate")
    options = ExporterOptions(date_range=WHOLE_YEAR, summarize_column_by="Month")
    with pytest.raises(ReportIncomplete, match="narrow the date range"):
        get_source("profit_and_loss").statement(
            [(CompanyContext("Acme", realm), stingy)], options, RunContext()
        )


def test_merging_detail_statements_keeps_every_posting(acme):
    """General ledger rows repeat labels (two postings on one date): side by side must not collapse them."""
    realm, client = acme
    ledger = get_source("general_ledger").statement(
        [(CompanyContext("Acme", realm), client)], ExporterOptions(date_range=LAST_YEAR), RunContext()
    )
    labels = [r["account"] for r in ledger.rows]
    assert len(labels) != len(set(labels)), "the ledger has repeated labels"
    merged = st.merge([ledger, ledger])
    assert len(merged.rows) == len(ledger.rows)
    assert [r["account"] for r in merged.rows] == labels


def test_tidy_general_ledger_is_one_row_per_posting_adding_up_to_each_accounts_total(acme):
    realm, client = acme
    source = get_source("general_ledger")
    recorder = Recording(client)
    options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR)
    rows = list(source.rows(recorder, CompanyContext("Acme", realm), options, RunContext()))
    ((name, params),) = recorder.sent
    report = client.report(name, params)
    totals = {  # "Total for <account>" straight from QBO's JSON, by the section's account id
        section["Header"]["ColData"][0]["id"]: Decimal(section["Summary"]["ColData"][-2]["value"] or 0)
        for section in report["Rows"]["Row"]
        if "Summary" in section and "Header" in section
    }
    postings = [r for r in rows if r["row_type"] == "account"]
    assert postings and {r["column"] for r in rows} == {"Amount"}  # the running balance is left out
    assert all(
        date(2024, 1, 1) <= r["period_start"] == r["period_end"] <= date(2024, 12, 31) for r in postings
    )
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    for row in postings:
        assert row["account_id"] in totals and row["section_path"].endswith(row["account"])
        by_account[row["account_id"]] += row["amount"] or 0
    assert len(by_account) > 3
    assert {k: v for k, v in totals.items() if k in by_account or v} == dict(by_account)


def test_tidy_aging_rows_name_their_bucket_and_the_as_of_date(acme):
    realm, client = acme
    source = get_source("ar_aging")
    options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR)
    assert "column" in [c.key for c in source.default_columns(options)]
    rows = list(source.rows(client, CompanyContext("Acme", realm), options, RunContext()))
    assert {r["period_end"] for r in rows} == {date(2024, 12, 31)}
    buckets = {r["column"] for r in rows}
    assert {"Current", "1 - 30", "91 and over"} <= buckets and "Total" not in buckets
    for bucket in buckets:
        customers = sum(
            (r["amount"] or 0 for r in rows if r["column"] == bucket and r["row_type"] == "account"),
            Decimal(0),
        )
        total = next(r["amount"] for r in rows if r["column"] == bucket and r["account"] == "TOTAL")
        assert customers == (total or 0), bucket


def test_period_columns_without_dates_are_taken_at_their_word_and_no_periods_are_incomplete(acme):
    realm, client = acme
    params = {"start_date": "2024-01-01", "end_date": "2024-12-31", "summarize_column_by": "Month"}
    report = client.report("ProfitAndLoss", {**params, "accounting_method": "Accrual"})
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    assert complete(report, start, end, "Month")
    for column in report["Columns"]["Column"]:
        column["MetaData"] = [m for m in column.get("MetaData", []) if m["Name"] == "ColKey"]
    assert complete(report, start, end, "Month")  # nothing to compare: trusted
    report["Columns"]["Column"] = [c for c in report["Columns"]["Column"] if c["ColTitle"] in ("", "Total")]
    assert not complete(report, start, end, "Month")  # asked for months, got none


def test_profit_and_loss_by_customer_columns_equal_the_pl_filtered_to_each_customer(acme, admin):
    realm, client = acme
    source = get_source("profit_and_loss")
    company = CompanyContext("Acme", realm)
    options = ExporterOptions(layout="tidy", date_range=WHOLE_YEAR, summarize_column_by="Customers")
    assert "column" in [c.key for c in source.default_columns(options)]
    rows = list(source.rows(client, company, options, RunContext()))
    assert {(r["period_start"], r["period_end"]) for r in rows} == {(date(2024, 1, 1), date(2024, 12, 31))}
    net = {r["column"]: r["amount"] for r in rows if r["account"] == "Net Income"}
    ids = {
        c["DisplayName"]: c["Id"]
        for c in admin.call("GET", f"companies/{realm}/entities/Customer")["Customer"]
    }
    checked = 0
    for name, amount in net.items():
        if name not in ids or not amount:
            continue
        filtered = options.model_copy(update={"summarize_column_by": "Total", "customer_ids": [ids[name]]})
        alone = [
            r for r in source.rows(client, company, filtered, RunContext()) if r["account"] == "Net Income"
        ]
        assert [r["amount"] for r in alone] == [amount], name
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    with pytest.raises(ReportOptionError, match="summarize_column_by must be one of"):
        get_source("balance_sheet").summarize(ExporterOptions(summarize_column_by="Customers"))
