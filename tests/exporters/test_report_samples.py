"""Report flattening on Intuit's samples: tidy totals tie to Summary rows; statements keep QBO's rows."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from exporters.reports.statement import statement
from exporters.reports.tidy import tidy_rows
from exporters.reports.tree import lines
from tests.exporters.report_checks import assert_sections_tie
from tests.reference import QBO_SAMPLES

SAMPLES = QBO_SAMPLES
NAMES = [
    "profit_and_loss.intuit-docs.json",
    "profit_and_loss.sandbox-2024-12.json",
    "balance_sheet.intuit-docs.json",
]


def load(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def qbo_labels(rows: list[dict]) -> list[tuple[str, str]]:
    """(label, amount) of every Header, Data and Summary row in QBO's order, read straight from the JSON."""
    out = []
    for row in rows:
        if "ColData" in row:
            out.append((row["ColData"][0]["value"], row["ColData"][1]["value"]))
            continue
        if "Header" in row:
            out.append((row["Header"]["ColData"][0]["value"], row["Header"]["ColData"][1]["value"]))
        out += qbo_labels(row.get("Rows", {}).get("Row", []))
        if "Summary" in row:
            out.append((row["Summary"]["ColData"][0]["value"], row["Summary"]["ColData"][1]["value"]))
    return out


def money(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.mark.parametrize("name", NAMES)
def test_statement_layout_reproduces_qbo_rows_order_labels_and_amounts(name):
    report = load(name)
    table = statement(report)
    assert [c.label for c in table.columns] == ["Account", "Total"]
    got = [(row["account"].strip(), row["total"]) for row in table.rows]
    assert got == [(label, money(amount)) for label, amount in qbo_labels(report["Rows"]["Row"])]
    assert all(isinstance(row["total"], Decimal | None) for row in table.rows)


def test_statement_indents_sub_accounts_under_their_parent():
    table = statement(load("profit_and_loss.sandbox-2024-12.json"))
    labels = [row["account"] for row in table.rows]
    assert "Income" in labels
    assert "   Landscaping Services" in labels
    assert "      Job Materials" in labels
    assert "         Fountains and Garden Lighting" in labels


@pytest.mark.parametrize("name", NAMES)
def test_tidy_account_rows_of_every_section_add_up_to_its_total(name):
    report = load(name)
    rows = list(tidy_rows(report, "Craig's", "123"))
    assert assert_sections_tie(rows) >= 2


def test_a_parent_accounts_own_postings_are_kept_once():
    rows = list(tidy_rows(load("profit_and_loss.sandbox-2024-12.json"), "Craig's", "123"))
    landscaping = [r for r in rows if r["account_id"] == "45"]
    assert [(r["row_type"], r["amount"], r["section_path"]) for r in landscaping] == [
        ("account", Decimal("197.50"), "Income > Landscaping Services")
    ]
    income = [r for r in rows if r["row_type"] == "account" and r["section_path"].startswith("Income > ")]
    assert sum(r["amount"] for r in income) == Decimal("3232.25")
    total_income = next(r for r in rows if r["account"] == "Total Income")
    assert total_income["row_type"] == "total" and total_income["section_path"] == "Income"


def test_computed_rows_are_kept_and_flagged():
    rows = list(tidy_rows(load("profit_and_loss.sandbox-2024-12.json"), "Craig's", "123"))
    computed = {r["account"]: r["amount"] for r in rows if r["row_type"] == "computed"}
    assert computed == {
        "Gross Profit": Decimal("2327.25"),
        "Net Operating Income": Decimal("653.86"),
        "Net Income": Decimal("653.86"),
    }
    balance = list(tidy_rows(load("balance_sheet.intuit-docs.json"), "Craig's", "123"))
    net_income = [r for r in balance if r["account"] == "Net Income"]
    assert len(net_income) == 1 and net_income[0]["row_type"] == "computed"
    assert net_income[0]["section_path"].startswith("LIABILITIES AND EQUITY > ")


def test_tidy_rows_carry_company_period_basis_and_currency():
    rows = list(tidy_rows(load("profit_and_loss.intuit-docs.json"), "Craig's", "123"))
    design = next(r for r in rows if r["account"] == "Pest Control Services")
    assert design["company"] == "Craig's" and design["realm_id"] == "123"
    assert str(design["period_start"]) == "2015-06-01" and str(design["period_end"]) == "2015-06-30"
    assert design["accounting_method"] == "Accrual" and design["currency"] == "USD"
    assert design["amount"] == Decimal("-100.00")
    assert design["section_path"] == "Income > Pest Control Services"


def test_an_empty_section_stays_with_a_blank_total():
    report = load("profit_and_loss.intuit-docs.json")
    kinds = [(line.kind, line.label) for line in lines(report)]
    assert ("header", "Expenses") in kinds and ("total", "Total Expenses") in kinds
    expenses = next(line for line in lines(report) if line.label == "Total Expenses")
    assert expenses.values == (None,)


def test_balance_sheet_assets_equal_liabilities_and_equity():
    rows = list(tidy_rows(load("balance_sheet.intuit-docs.json"), "x", "1"))
    totals = {r["account"]: r["amount"] for r in rows if r["row_type"] == "total"}
    assert totals["TOTAL ASSETS"] == totals["TOTAL LIABILITIES AND EQUITY"]
    accounts = [
        r["amount"] for r in rows if r["row_type"] == "account" and r["section_path"].startswith("ASSETS")
    ]
    assert sum(accounts) == totals["TOTAL ASSETS"]
