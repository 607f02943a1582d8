"""ProfitAndLossDetail and TransactionList: postings add up to the P&L; one row per transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emulators.qbo.reports import ReportParamError, build_report
from tests.emulators.qbo import report_checks as check
from tests.emulators.qbo.report_fixtures import ENTITIES, FakeCompany

RANGE = {"start_date": "2024-01-01", "end_date": "2024-06-15"}
TRANSACTION_TYPES = [
    "JournalEntry",
    "Invoice",
    "CreditMemo",
    "Payment",
    "Deposit",
    "SalesReceipt",
    "Bill",
    "BillPayment",
    "Purchase",
    "Transfer",
]


@pytest.fixture
def company() -> FakeCompany:
    return FakeCompany()


def own_amounts(profit_and_loss: dict) -> dict[str, Decimal]:
    """Each account's own amount on the P&L summary (a parent's own postings are in its Header)."""
    out: dict[str, Decimal] = {}
    for row in check.walk(profit_and_loss["Rows"]["Row"]):
        first = (row.get("ColData") or row.get("Header", {}).get("ColData") or [{}])[0]
        if first.get("id"):
            cells = row["ColData"] if "ColData" in row else row["Header"]["ColData"]
            out[first["id"]] = check.num(cells[1]["value"])
    return {k: v for k, v in out.items() if v}


@pytest.mark.parametrize("basis", ["Accrual", "Cash"])
def test_profit_and_loss_detail_adds_up_to_the_profit_and_loss(company, basis):
    params = {**RANGE, "accounting_method": basis}
    detail = build_report("ProfitAndLossDetail", params, company)
    summary = build_report("ProfitAndLoss", params, company)
    assert detail["Header"]["ReportName"] == "ProfitAndLossDetail"
    assert detail["Header"]["ReportBasis"] == basis
    keys = [c["MetaData"][-1]["Value"] for c in detail["Columns"]["Column"]]
    amount = keys.index("subt_nat_amount")
    per_account: dict[str, Decimal] = {}
    for block in detail["Rows"]["Row"]:
        accounts = block["Rows"]["Row"]
        for account in accounts:
            postings = account["Rows"]["Row"]
            assert postings and all(r["ColData"][0]["value"][:4] == "2024" for r in postings)
            total = check.num(account["Summary"]["ColData"][amount]["value"])
            assert total == sum(check.num(r["ColData"][amount]["value"]) for r in postings)
            per_account[account["Header"]["ColData"][0]["id"]] = total
        block_total = check.num(block["Summary"]["ColData"][amount]["value"])
        assert block_total == check.row_values(check.top(summary)[block["group"]])[0], block["group"]
    assert {k: v for k, v in per_account.items() if v} == own_amounts(summary)
    assert per_account  # the range has income and expenses


def test_profit_and_loss_detail_leaves_out_balance_sheet_accounts_and_other_dates(company):
    detail = build_report(
        "ProfitAndLossDetail", {"start_date": "2024-06-02", "end_date": "2024-06-15"}, company
    )
    assert detail["Rows"]["Row"] == []
    assert {"Name": "NoReportData", "Value": "true"} in detail["Header"]["Option"]
    gl = build_report("GeneralLedger", RANGE, company)
    detail = build_report("ProfitAndLossDetail", RANGE, company)
    ledger_ids = {s["Header"]["ColData"][0]["id"] for s in gl["Rows"]["Row"]}
    detail_ids = {a["Header"]["ColData"][0]["id"] for b in detail["Rows"]["Row"] for a in b["Rows"]["Row"]}
    assert detail_ids < ledger_ids and "35" not in detail_ids  # no bank account


def test_transaction_list_has_one_row_per_transaction_in_range(company):
    report = build_report("TransactionList", RANGE, company)
    titles = [c["ColTitle"] for c in report["Columns"]["Column"]]
    assert titles == [
        "Date",
        "Transaction Type",
        "Num",
        "Name",
        "Memo/Description",
        "Account",
        "Split",
        "Amount",
    ]
    rows = report["Rows"]["Row"]
    assert all(r["type"] == "Data" for r in rows)
    listed = [(r["ColData"][1]["value"].replace(" ", ""), r["ColData"][1]["id"]) for r in rows]
    expected = {
        (kind, t["Id"])
        for kind in TRANSACTION_TYPES
        for t in ENTITIES.get(kind, [])
        if RANGE["start_date"] <= t["TxnDate"] <= RANGE["end_date"]
    }
    assert len(listed) == len(set(listed)) and set(listed) == expected
    dates = [r["ColData"][0]["value"] for r in rows]
    assert dates == sorted(dates)
    invoice = rows[listed.index(("Invoice", "2"))]["ColData"]
    assert (invoice[5]["value"], invoice[7]["value"]) == ("Accounts Receivable (A/R)", "670.00")
    assert invoice[6]["value"] == "-Split-"


def test_transaction_list_honours_the_range_and_columns(company):
    report = build_report(
        "TransactionList",
        {"start_date": "2024-05-01", "end_date": "2024-05-10", "columns": "doc_num,tx_date"},
        company,
    )
    assert [c["ColTitle"] for c in report["Columns"]["Column"]] == ["Num", "Date"]
    assert sorted(r["ColData"][1]["value"] for r in report["Rows"]["Row"]) == [
        "2024-05-01",
        "2024-05-05",
        "2024-05-10",
    ]
    with pytest.raises(ReportParamError):
        build_report("TransactionList", {"columns": "split_acc"}, company)
