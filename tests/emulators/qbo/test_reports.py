"""Reports computed from the ledger: JSON shape of the real samples, and accounting invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from emulators.qbo.reports import ReportParamError, UnsupportedReport, build_report
from emulators.qbo.reports.periods import resolve_macro
from tests.emulators.qbo import report_checks as check
from tests.emulators.qbo.report_fixtures import FakeCompany, sample

PL_SAMPLES = ["profit_and_loss.intuit-docs.json", "profit_and_loss.sandbox-2024-12.json"]
BS_SAMPLE = "balance_sheet.intuit-docs.json"


@pytest.fixture
def company() -> FakeCompany:
    return FakeCompany()


# --- the real samples obey the invariants we check on our own output ----------------------


@pytest.mark.parametrize("name", [*PL_SAMPLES, BS_SAMPLE])
def test_real_samples_add_up(name):
    report = sample(name)
    assert check.assert_summaries_add_up(report) > 0
    check.assert_money_cells(report)


@pytest.mark.parametrize("name", PL_SAMPLES)
def test_real_profit_and_loss_computed_lines(name):
    check.assert_profit_and_loss_lines(sample(name))


def test_real_balance_sheet_balances():
    check.assert_balanced(sample(BS_SAMPLE))


# --- same shape as the samples ------------------------------------------------------------


def test_profit_and_loss_has_the_shape_of_the_samples(company):
    ours = build_report("ProfitAndLoss", {"start_date": "2024-01-01", "end_date": "2024-06-30"}, company)
    theirs = [sample(n) for n in PL_SAMPLES]
    assert check.signatures(ours) <= set().union(*map(check.signatures, theirs)) | _other_income_rows(ours)
    assert (
        check.shape(ours["Columns"]) == check.shape(theirs[1]["Columns"]) == check.shape(theirs[0]["Columns"])
    )
    assert ours["Columns"] == theirs[1]["Columns"]
    assert set(ours["Header"]) == set(theirs[1]["Header"])
    assert ours["Header"]["Option"] == theirs[1]["Header"]["Option"]
    labels = [
        (r.get("group"), (r.get("Header") or r["Summary"])["ColData"][0]["value"])
        for r in ours["Rows"]["Row"]
    ]
    assert labels[:5] == [
        ("Income", "Income"),
        ("COGS", "Cost of Goods Sold"),
        ("GrossProfit", "Gross Profit"),
        ("Expenses", "Expenses"),
        ("NetOperatingIncome", "Net Operating Income"),
    ]
    assert labels[-1] == ("NetIncome", "Net Income")


def _other_income_rows(report: dict) -> set[tuple]:
    """Other Income/Expenses sections: in no sample, but built like Income (docs locale table)."""
    return {
        check.signature(r, 0)
        for r in report["Rows"]["Row"]
        if r.get("group") in ("OtherIncome", "OtherExpenses", "NetOtherIncome")
    }


def test_balance_sheet_has_the_shape_of_the_sample(company):
    ours = build_report("BalanceSheet", {"date_macro": "This Fiscal Year-to-date"}, company)
    theirs = sample(BS_SAMPLE)
    assert check.signatures(ours) <= check.signatures(theirs)
    assert ours["Columns"] == theirs["Columns"]
    assert set(ours["Header"]) == set(theirs["Header"])
    assert ours["Header"]["DateMacro"] == "this fiscal year-to-date"
    groups = [r.get("group") for r in check.walk(ours["Rows"]["Row"]) if r.get("group")]
    sample_groups = [r.get("group") for r in check.walk(theirs["Rows"]["Row"]) if r.get("group")]
    assert groups == [
        g for g in sample_groups if g != "OtherCurrentAssets"
    ]  # ours has no other current assets
    titles = {r["Summary"]["ColData"][0]["value"] for r in ours["Rows"]["Row"]}
    assert titles == {"TOTAL ASSETS", "TOTAL LIABILITIES AND EQUITY"}


def test_parent_account_with_own_postings_has_its_amount_in_the_header(company):
    report = build_report("ProfitAndLoss", {"start_date": "2024-01-01", "end_date": "2024-06-30"}, company)
    landscaping = next(
        r
        for r in check.walk(report["Rows"]["Row"])
        if r.get("Header", {}).get("ColData", [{}])[0].get("id") == "45"
    )
    assert landscaping["Header"]["ColData"][1]["value"] == "480.00"
    assert landscaping["Summary"]["ColData"] == [{"value": "Total Landscaping Services"}, {"value": "905.00"}]
    assert "group" not in landscaping
    job_materials = landscaping["Rows"]["Row"][0]
    assert job_materials["Header"]["ColData"] == [{"value": "Job Materials", "id": "46"}, {"value": ""}]


# --- invariants on the hand-built company -------------------------------------------------

RANGES = [
    {"start_date": "2024-01-01", "end_date": "2024-06-15"},
    {"start_date": "2023-01-01", "end_date": "2024-12-31", "summarize_column_by": "Month"},
    {"start_date": "2023-06-01", "end_date": "2024-06-15", "summarize_column_by": "Quarter"},
    {"start_date": "2024-03-01", "end_date": "2024-03-20", "summarize_column_by": "Week"},
    {"start_date": "2024-03-08", "end_date": "2024-03-16", "summarize_column_by": "Days"},
    {"date_macro": "Last Fiscal Year", "summarize_column_by": "Year"},
]


@pytest.mark.parametrize("basis", ["Accrual", "Cash"])
@pytest.mark.parametrize("params", RANGES)
def test_invariants(company, basis, params):
    assert_invariants(company, {**params, "accounting_method": basis})


def assert_invariants(company, params: dict) -> None:
    """Summaries add up, P&L lines follow, columns sum to Total, the BS balances, TB debits = credits."""
    pl = build_report("ProfitAndLoss", params, company)
    bs = build_report("BalanceSheet", params, company)
    for report in (pl, bs):
        check.assert_summaries_add_up(report)
        check.assert_money_cells(report)
    check.assert_profit_and_loss_lines(pl)
    check.assert_balanced(bs)
    if params.get("summarize_column_by", "Total") != "Total":
        check.periods_sum_to_total(pl)
        periods = pl["Columns"]["Column"][1:-1]
        assert len(periods) == len(bs["Columns"]["Column"]) - 1
        assert all(
            len(r["ColData"]) == len(periods) + 2 for r in check.walk(pl["Rows"]["Row"]) if "ColData" in r
        )
    # Net Income on the BalanceSheet = the P&L from the fiscal year start to each column's end date.
    for index, col in enumerate(bs["Columns"]["Column"][1:]):
        end = _meta(col, "EndDate") or bs["Header"]["EndPeriod"]
        start = date(int(end[:4]), 1, 1).isoformat()
        ytd = build_report(
            "ProfitAndLoss",
            {"start_date": start, "end_date": end, "accounting_method": params["accounting_method"]},
            company,
        )
        assert check.net_income_row(bs)[index] == check.summary(check.top(ytd)["NetIncome"], 1)[0]
    tb = build_report("TrialBalance", params, company)
    total = tb["Rows"]["Row"][-1]
    assert total["group"] == "GrandTotal" and total["Summary"]["ColData"][1] == total["Summary"]["ColData"][2]
    debits = sum(check.num(r["ColData"][1]["value"]) for r in tb["Rows"]["Row"][:-1])
    assert debits == check.num(total["Summary"]["ColData"][1]["value"])


def _meta(col: dict, name: str) -> str | None:
    return next((m["Value"] for m in col["MetaData"] if m["Name"] == name), None)


def test_cash_and_accrual_differ_by_the_open_invoices_and_bills(company):
    params = {"start_date": "2023-01-01", "end_date": "2024-06-15"}
    accrual = build_report("ProfitAndLoss", {**params, "accounting_method": "Accrual"}, company)
    cash = build_report("ProfitAndLoss", {**params, "accounting_method": "Cash"}, company)
    net = {name: check.summary(check.top(r)["NetIncome"], 1)[0] for name, r in (("a", accrual), ("c", cash))}
    open_invoices = Decimal("335.00") * Decimal(650) / Decimal(670) + Decimal("937.50") + Decimal("150.00")
    open_bills = Decimal("200.00") + Decimal("75.00")  # bill 31 is 360 less 160 paid
    assert net["a"] - net["c"] == (open_invoices - open_bills).quantize(Decimal("0.01"))


def test_cash_balance_sheet_has_no_receivables_or_payables(company):
    bs = build_report("BalanceSheet", {"accounting_method": "Cash"}, company)
    groups = {r.get("group") for r in check.walk(bs["Rows"]["Row"])}
    assert "AR" not in groups and "AP" not in groups
    accrual = build_report("BalanceSheet", {"accounting_method": "Accrual"}, company)
    assert {"AR", "AP"} <= {r.get("group") for r in check.walk(accrual["Rows"]["Row"])}


def test_aging_totals_equal_the_balance_sheet(company):
    ar = build_report("AgedReceivables", {"report_date": "2024-06-15"}, company)
    ap = build_report("AgedPayables", {"report_date": "2024-06-15"}, company)
    bs = build_report("BalanceSheet", {"end_date": "2024-06-15", "start_date": "2024-01-01"}, company)
    groups = {r.get("group"): r for r in check.walk(bs["Rows"]["Row"])}
    for aging, group in ((ar, "AR"), (ap, "AP")):
        titles = [c["ColTitle"] for c in aging["Columns"]["Column"]]
        assert titles == ["", "Current", "1 - 30", "31 - 60", "61 - 90", "91 and over", "Total"]
        total = aging["Rows"]["Row"][-1]
        assert total["group"] == "GrandTotal" and total["Summary"]["ColData"][0] == {"value": "TOTAL"}
        values = check.row_values(total)
        assert sum(values[:-1]) == values[-1] == check.row_values(groups[group])[0]
        rows = aging["Rows"]["Row"][:-1]
        assert [sum(x) for x in zip(*map(check.row_values, rows), strict=True)] == values
    assert check.row_values(ar["Rows"]["Row"][1]) == [
        Decimal("150.00"),
        Decimal("937.50"),
        0,
        0,
        0,
        Decimal("1087.50"),
    ]


def test_customer_filter_is_echoed_and_applied(company):
    report = build_report(
        "ProfitAndLoss", {"customer": "2", "start_date": "2024-01-01", "end_date": "2024-06-30"}, company
    )
    assert report["Header"]["Customer"] == "2"
    income = check.top(report)["Income"]
    assert check.row_values(income) == [Decimal("1087.50")]
    assert check.row_values(check.top(report)["Expenses"]) == [Decimal(0)]


def test_class_filter(company):
    report = build_report(
        "ProfitAndLoss", {"class": "200", "start_date": "2024-01-01", "end_date": "2024-06-30"}, company
    )
    assert report["Header"]["Class"] == "200"
    assert check.row_values(check.top(report)["NetIncome"]) == [Decimal("275.00")]


def test_profit_and_loss_by_class(company):
    params = {"start_date": "2024-01-01", "end_date": "2024-06-30", "summarize_column_by": "Classes"}
    report = build_report("ProfitAndLoss", params, company)
    keys = [c["MetaData"][-1]["Value"] for c in report["Columns"]["Column"]]
    assert keys[0] == "account" and "200" in keys and keys[-1] == "total"
    net_income = check.row_values(check.top(report)["NetIncome"])
    assert net_income[keys.index("200") - 1] == Decimal("275.00")  # = the P&L with class=200
    check.periods_sum_to_total(report)


def test_empty_company_has_sections_with_blank_values():
    empty = FakeCompany(entity_lists={"Account": FakeCompany().entity_lists["Account"]})
    report = build_report("ProfitAndLoss", {}, empty)
    assert report["Header"]["Option"][1] == {"Name": "NoReportData", "Value": "true"}
    groups = [r["group"] for r in report["Rows"]["Row"]]
    assert groups == ["Income", "GrossProfit", "Expenses", "NetOperatingIncome", "NetIncome"]
    assert report["Rows"]["Row"][2] == {
        "Header": {"ColData": [{"value": "Expenses"}, {"value": ""}]},
        "Summary": {"ColData": [{"value": "Total Expenses"}, {"value": ""}]},
        "type": "Section",
        "group": "Expenses",
    }
    assert report["Rows"]["Row"][1]["Summary"]["ColData"][1] == {"value": "0.00"}  # computed lines: numbers
    bs = build_report("BalanceSheet", {}, empty)
    assert bs["Header"]["Option"][1]["Value"] == "true"
    check.assert_balanced(bs)


def test_empty_days_report_reads_like_the_real_one():
    """The real Days P&L with NoReportData (singer-io's fixture, qbo-api.md §3.3): empty sections are
    blank per day and 0.00 in Total; computed lines read 0.00 everywhere."""
    empty = FakeCompany(entity_lists={"Account": FakeCompany().entity_lists["Account"]})
    params = {"start_date": "2021-07-20", "end_date": "2021-07-21", "summarize_column_by": "Days"}
    report = build_report("ProfitAndLoss", params, empty)
    assert report["Header"]["Option"][1] == {"Name": "NoReportData", "Value": "true"}
    assert [c["ColTitle"] for c in report["Columns"]["Column"]] == [
        "",
        "Jul 20, 2021",
        "Jul 21, 2021",
        "Total",
    ]
    assert [[c["value"] for c in row["Summary"]["ColData"]] for row in report["Rows"]["Row"]] == [
        ["Total Income", "", "", "0.00"],
        ["Gross Profit", "0.00", "0.00", "0.00"],
        ["Total Expenses", "", "", "0.00"],
        ["Net Operating Income", "0.00", "0.00", "0.00"],
        ["Net Income", "0.00", "0.00", "0.00"],
    ]
    assert [c["value"] for c in report["Rows"]["Row"][0]["Header"]["ColData"]] == ["Income", "", "", ""]


def test_preferences_choose_the_default_basis_and_fiscal_year():
    company = FakeCompany(
        prefs={
            "ReportPrefs": {"ReportBasis": "Cash"},
            "AccountingInfoPrefs": {"FiscalYearStartMonth": "April"},
        }
    )
    report = build_report("ProfitAndLoss", {}, company)
    assert report["Header"]["ReportBasis"] == "Cash"
    assert (report["Header"]["StartPeriod"], report["Header"]["EndPeriod"]) == ("2024-04-01", "2024-06-15")


def test_month_columns_carry_dates_and_keys(company):
    report = build_report(
        "ProfitAndLoss",
        {"start_date": "2024-01-15", "end_date": "2024-03-10", "summarize_column_by": "Month"},
        company,
    )
    cols = report["Columns"]["Column"]
    assert [c["ColTitle"] for c in cols] == ["", "Jan 2024", "Feb 2024", "Mar 2024", "Total"]
    assert cols[1]["MetaData"] == [
        {"Name": "StartDate", "Value": "2024-01-15"},
        {"Name": "EndDate", "Value": "2024-01-31"},
        {"Name": "ColKey", "Value": "Jan 2024"},
    ]
    assert cols[-1]["MetaData"] == [{"Name": "ColKey", "Value": "total"}]
    assert report["Header"]["SummarizeColumnsBy"] == "Month"


# --- parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2024-02-30", "end_date": "2024-03-01"},
        {"start_date": "2024-05-01", "end_date": "2024-04-01"},
        {"date_macro": "Some Day"},
        {"accounting_method": "Modified"},
        {"summarize_column_by": "Fortnight"},
        {"customer": "1;DROP"},
    ],
)
def test_bad_parameters(company, params):
    with pytest.raises(ReportParamError):
        build_report("ProfitAndLoss", params, company)


def test_dimension_columns_are_profit_and_loss_only(company):
    with pytest.raises(ReportParamError):
        build_report("BalanceSheet", {"summarize_column_by": "Customers"}, company)


def test_unknown_report(company):
    with pytest.raises(UnsupportedReport) as caught:
        build_report("ProfitAndLossDetailDeluxe", {}, company)
    assert isinstance(caught.value, ReportParamError)


@pytest.mark.parametrize(
    ("macro", "expected"),
    [
        ("Today", ("2024-06-15", "2024-06-15")),
        ("This Week", ("2024-06-09", "2024-06-15")),
        ("Last Month", ("2024-05-01", "2024-05-31")),
        ("This Month-to-date", ("2024-06-01", "2024-06-15")),
        ("This Fiscal Quarter", ("2024-04-01", "2024-06-30")),
        ("Last Fiscal Quarter-to-date", ("2024-01-01", "2024-03-15")),
        ("Last Fiscal Year", ("2023-01-01", "2023-12-31")),
        ("Next Fiscal Year", ("2025-01-01", "2025-12-31")),
    ],
)
def test_date_macros(macro, expected):
    start, end = resolve_macro(macro, date(2024, 6, 15), 1)
    assert (start.isoformat(), end.isoformat()) == expected


def test_fiscal_year_starting_in_july():
    assert resolve_macro("This Fiscal Year", date(2024, 6, 15), 7) == (date(2023, 7, 1), date(2024, 6, 30))
    assert resolve_macro("This Fiscal Quarter", date(2024, 6, 15), 7) == (date(2024, 4, 1), date(2024, 6, 30))
