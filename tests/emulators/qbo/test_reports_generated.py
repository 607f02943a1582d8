"""Reports on a generated company: invariants, and agreement with the generator's own balances."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from emulators.qbo.clock import Clock
from emulators.qbo.generate import generate
from emulators.qbo.reports import build_report
from emulators.qbo.reports.ledger import ledger_of
from tests.emulators.qbo import report_checks as check
from tests.emulators.qbo.test_reports import assert_invariants

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def company():
    return generate("4620816365000000001", {"invoices": 300, "seed": 7}, Clock())


@pytest.fixture(scope="module")
def foreign_company():
    return generate("4620816365000000002", {"invoices": 120, "seed": 3, "multicurrency": True}, Clock())


def d(value) -> Decimal:
    return Decimal(str(value or 0))


@pytest.mark.parametrize("basis", ["Accrual", "Cash"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"date_macro": "Last Fiscal Year", "summarize_column_by": "Month"},
        {"date_macro": "This Fiscal Quarter", "summarize_column_by": "Week"},
        {"date_macro": "Last Fiscal Year", "summarize_column_by": "Quarter"},
    ],
)
def test_invariants_on_generated_company(company, basis, params):
    assert_invariants(company, {**params, "accounting_method": basis})


def test_invariants_on_multicurrency_company(foreign_company):
    for basis in ("Accrual", "Cash"):
        assert_invariants(foreign_company, {"accounting_method": basis, "summarize_column_by": "Quarter"})


def test_balance_sheet_today_matches_the_generators_account_balances(company):
    today = company.today().isoformat()
    report = build_report(
        "TrialBalance", {"start_date": today, "end_date": today, "accounting_method": "Accrual"}, company
    )
    ours = {
        r["ColData"][0]["id"]: check.num(r["ColData"][1]["value"]) - check.num(r["ColData"][2]["value"])
        for r in report["Rows"]["Row"][:-1]
    }
    for account in company.entities("Account"):
        if (
            account["Classification"] in ("Revenue", "Expense")
            or account.get("AccountSubType") == "RetainedEarnings"
        ):
            continue  # the generator's balances are all-time; ours close P&L into Retained Earnings
        sign = 1 if account["Classification"] == "Asset" else -1
        assert ours.get(account["Id"], Decimal(0)) * sign == d(account["CurrentBalance"]), account["Name"]


def test_aging_matches_customer_and_vendor_balances(company):
    for report_name, kind in (("AgedReceivables", "Customer"), ("AgedPayables", "Vendor")):
        report = build_report(report_name, {}, company)
        by_id = {r["ColData"][0]["id"]: check.row_values(r)[-1] for r in report["Rows"]["Row"][:-1]}
        for party in company.entities(kind):
            assert by_id.get(party["Id"], Decimal(0)) == d(party.get("Balance")), party["DisplayName"]


def test_cash_and_accrual_differ_by_the_open_portions(company):
    """Over all time, accrual - cash net income = the P&L part of what is still open on each document."""
    everything = {"start_date": "2000-01-01", "end_date": (company.today() + timedelta(days=1)).isoformat()}
    net = {}
    for basis in ("Accrual", "Cash"):
        report = build_report("ProfitAndLoss", {**everything, "accounting_method": basis}, company)
        net[basis] = check.row_values(check.top(report)["NetIncome"])[0]
    expected = Decimal(0)
    for kind, sign in (("Invoice", 1), ("CreditMemo", -1), ("Bill", -1), ("VendorCredit", 1)):
        for doc in company.entities(kind):
            total, tax = d(doc["TotalAmt"]), d((doc.get("TxnTaxDetail") or {}).get("TotalTax"))
            if total:
                expected += sign * (total - tax) * d(doc.get("Balance")) / total
    assert abs(net["Accrual"] - net["Cash"] - expected) <= CENT * len(company.entities("Invoice")) / 100
    assert net["Accrual"] != net["Cash"]


def test_default_basis_comes_from_preferences():
    cash_company = generate("4620816365000000003", {"invoices": 20, "seed": 1, "basis": "Cash"}, Clock())
    assert build_report("ProfitAndLoss", {}, cash_company)["Header"]["ReportBasis"] == "Cash"


def _earnings(company, as_of: str, basis: str) -> Decimal:
    """Retained Earnings + Net Income on the BalanceSheet as of a date."""
    sheet = build_report(
        "BalanceSheet", {"start_date": as_of, "end_date": as_of, "accounting_method": basis}, company
    )
    retained = next(
        a["Id"] for a in company.entities("Account") if a.get("AccountSubType") == "RetainedEarnings"
    )
    rows = [r for r in check.walk(sheet["Rows"]["Row"]) if r.get("ColData", [{}])[0].get("id") == retained]
    return sum((check.row_values(r)[0] for r in rows), Decimal(0)) + check.net_income_row(sheet)[0]


@pytest.mark.parametrize("basis", ["Accrual", "Cash"])
def test_net_income_is_the_change_in_retained_earnings_plus_net_income(company, basis):
    """Over ranges that cross fiscal years (when Net Income is closed into Retained Earnings)."""
    today = company.today()
    for start, end in [
        (
            today.replace(year=today.year - 2, month=3, day=15),
            today.replace(year=today.year - 1, month=2, day=10),
        ),
        (today.replace(year=today.year - 2, month=1, day=1), today),
        (
            today.replace(year=today.year - 1, month=12, day=31),
            today.replace(year=today.year, month=1, day=1),
        ),
    ]:
        params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "accounting_method": basis}
        net_income = check.row_values(check.top(build_report("ProfitAndLoss", params, company))["NetIncome"])[
            0
        ]
        change = _earnings(company, end.isoformat(), basis) - _earnings(
            company, (start - timedelta(days=1)).isoformat(), basis
        )
        assert net_income == change != 0, (start, end)


def test_the_ledger_is_reused_until_the_company_changes():
    company = generate("4620816365000000004", {"invoices": 40, "seed": 2}, Clock())
    ledger = ledger_of(company)
    assert ledger_of(company) is ledger  # an unchanged company is not re-posted for every report
    today = company.today().isoformat()
    params = {"start_date": today, "end_date": today, "accounting_method": "Accrual"}

    def net_income() -> Decimal:
        return check.row_values(check.top(build_report("ProfitAndLoss", params, company))["NetIncome"])[0]

    before = net_income()
    accounts = company.entities("Account")
    expense = next(a["Id"] for a in accounts if a["Classification"] == "Expense")
    bank = next(a["Id"] for a in accounts if a["AccountType"] == "Bank")
    company.create(
        "JournalEntry",
        {
            "TxnDate": today,
            "Line": [
                {
                    "Amount": 100.0,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {"PostingType": posting, "AccountRef": {"value": account}},
                }
                for posting, account in (("Debit", expense), ("Credit", bank))
            ],
        },
    )
    assert ledger_of(company) is not ledger
    assert net_income() == before - 100


@pytest.mark.parametrize(
    ("by", "filter_name"),
    [
        ("Customers", "customer"),
        ("Vendors", "vendor"),
        ("Classes", "class"),
        ("Departments", "department"),
        ("ProductsAndServices", "item"),
    ],
)
def test_profit_and_loss_by_customer_vendor_class_or_department(company, by, filter_name):
    """Each column is the P&L filtered to that customer (vendor, class, department); Total is the P&L."""
    base = {"date_macro": "Last Fiscal Year", "accounting_method": "Accrual"}
    report = build_report("ProfitAndLoss", {**base, "summarize_column_by": by}, company)
    assert report["Header"]["SummarizeColumnsBy"] == by
    columns = report["Columns"]["Column"]
    assert columns[-1]["ColTitle"] == "Total" and len(columns) >= 3
    check.assert_summaries_add_up(report)
    check.assert_profit_and_loss_lines(report)
    check.periods_sum_to_total(report)
    net_income = check.row_values(check.top(report)["NetIncome"])
    whole = build_report("ProfitAndLoss", base, company)
    assert net_income[-1] == check.row_values(check.top(whole)["NetIncome"])[0]
    keys = [next(m["Value"] for m in c["MetaData"] if m["Name"] == "ColKey") for c in columns[1:-1]]
    assert all(keys[:-1]) and len(set(keys)) == len(keys)  # one column per id; only the last may be blank
    checked = [key for key in keys[:6] if key]  # not "Not Specified"
    for key in checked:
        alone = build_report("ProfitAndLoss", {**base, filter_name: key}, company)
        assert net_income[keys.index(key)] == check.row_values(check.top(alone)["NetIncome"])[0], key
    assert len(checked) == min(6, len([key for key in keys if key])) >= 2


def test_profit_and_loss_by_employee_is_what_each_employee_spent(company):
    """Each employee's column is minus the expenses of the purchases paid to that employee; the rest
    of the P&L is "Not Specified"; Total is the P&L."""
    base = {"start_date": "2000-01-01", "end_date": company.today().isoformat()}
    report = build_report("ProfitAndLoss", {**base, "summarize_column_by": "Employees"}, company)
    assert report["Header"]["SummarizeColumnsBy"] == "Employees"
    check.assert_summaries_add_up(report)
    check.periods_sum_to_total(report)
    columns = report["Columns"]["Column"]
    keys = [next(m["Value"] for m in c["MetaData"] if m["Name"] == "ColKey") for c in columns[1:-1]]
    employees = {row["Id"]: row["DisplayName"] for row in company.entities("Employee")}
    spent: dict[str, Decimal] = {}
    for purchase in company.entities("Purchase"):
        entity = purchase.get("EntityRef", {})
        if entity.get("type") == "Employee":
            spent[entity["value"]] = spent.get(entity["value"], Decimal(0)) + d(purchase["TotalAmt"])
    assert len(spent) >= 2 and keys == [*sorted(spent, key=lambda e: employees[e].lower()), ""]
    assert [c["ColTitle"] for c in columns[1:-2]] == [employees[key] for key in keys[:-1]]
    net_income = check.row_values(check.top(report)["NetIncome"])
    assert net_income[:-2] == [-spent[key] for key in keys[:-1]]
    whole = build_report("ProfitAndLoss", base, company)
    assert net_income[-1] == check.row_values(check.top(whole)["NetIncome"])[0]
