"""Statements of report pieces merged into one: rows in the order QBO gives the whole range, amounts kept."""

from __future__ import annotations

from decimal import Decimal

from exporters.reports.ledger import joined
from exporters.reports.order import merged_order
from exporters.reports.statement import merge, statement

MONTHS = {"Jan": "01", "Feb": "02", "Mar": "03", "Apr": "04", "May": "05"}


def money(months: list[str], amount: str) -> list[dict]:
    return [{"value": amount} for _m in months]


def account(name: str, id_: str, months: list[str]) -> dict:
    return {"ColData": [{"value": name, "id": id_}, *money(months, "1.00")], "type": "Data"}


def parent(name: str, id_: str, months: list[str], *children: str) -> dict:
    """A parent account without postings of its own, with one sub-account per child name."""
    total = f"{len(children)}.00"
    return {
        "Header": {"ColData": [{"value": name, "id": id_}, *money(months, "")]},
        "Rows": {"Row": [account(c, f"{id_}{i}", months) for i, c in enumerate(children)]},
        "Summary": {"ColData": [{"value": f"Total {name}"}, *money(months, total)]},
        "type": "Section",
    }


def piece(months: list[str], *expenses: dict) -> dict:
    """A Profit and Loss by month, in QBO's JSON, with only an Expenses section."""
    columns = [
        {
            "ColTitle": f"{m} 2024",
            "ColType": "Money",
            "MetaData": [
                {"Name": "StartDate", "Value": f"2024-{MONTHS[m]}-01"},
                {"Name": "EndDate", "Value": f"2024-{MONTHS[m]}-28"},
                {"Name": "ColKey", "Value": f"{m} 2024"},
            ],
        }
        for m in months
    ]
    return {
        "Header": {"ReportName": "ProfitAndLoss", "SummarizeColumnsBy": "Month"},
        "Columns": {"Column": [{"ColTitle": "", "ColType": "Account"}, *columns]},
        "Rows": {
            "Row": [
                {
                    "Header": {"ColData": [{"value": "Expenses"}, *money(months, "")]},
                    "Rows": {"Row": list(expenses)},
                    "Summary": {"ColData": [{"value": "Total Expenses"}, *money(months, "9.00")]},
                    "type": "Section",
                    "group": "Expenses",
                }
            ]
        },
    }


def merged_labels(*pieces: dict) -> list[str]:
    return [row["account"].strip() for row in merge([statement(p, keep_total=False) for p in pieces]).rows]


def test_an_account_only_a_later_piece_shows_goes_where_the_whole_report_has_it():
    """Apr-May has only Automobile and Utilities: Utilities still follows Job Expenses and Legal."""
    first = ["Jan", "Feb", "Mar"]
    second = ["Apr", "May"]
    jan_mar = piece(
        first,
        parent("Automobile", "55", first, "Fuel"),
        parent("Job Expenses", "58", first, "Job Materials"),
        parent("Legal & Professional Fees", "12", first, "Accounting"),
    )
    apr_may = piece(second, parent("Automobile", "55", second, "Fuel"), account("Utilities", "24", second))
    merged = merge([statement(jan_mar, keep_total=False), statement(apr_may, keep_total=False)])
    assert [row["account"].strip() for row in merged.rows] == [
        "Expenses",
        *("Automobile", "Fuel", "Total Automobile"),
        *("Job Expenses", "Job Materials", "Total Job Expenses"),
        *("Legal & Professional Fees", "Accounting", "Total Legal & Professional Fees"),
        "Utilities",
        "Total Expenses",
    ]
    utilities = next(row for row in merged.rows if row["account"].strip() == "Utilities")
    assert [utilities.get(f"{m} 2024") for m in first + second] == [None] * 3 + [Decimal("1.00")] * 2


def test_a_sub_account_section_new_in_a_later_piece_goes_between_accounts_by_name():
    first, second = ["Jan"], ["Feb"]
    labels = merged_labels(
        piece(first, account("Advertising", "7", first), account("Utilities", "24", first)),
        piece(second, parent("Insurance", "40", second, "Workers Comp"), account("Utilities", "24", second)),
    )
    assert labels == [
        "Expenses",
        "Advertising",
        *("Insurance", "Workers Comp", "Total Insurance"),
        "Utilities",
        "Total Expenses",
    ]


def test_the_pieces_own_order_wins_over_names_and_rows_that_are_not_accounts_keep_theirs():
    def name(item: str) -> str | None:
        return None if item.startswith("Total") else item.lower()

    # QBO put Zeta before Alpha (another account type): kept; Beta, unplaced by any piece, goes by name.
    assert merged_order([["Zeta", "Alpha", "Total"], ["Beta", "Total"]], name) == [
        "Beta",
        "Zeta",
        "Alpha",
        "Total",
    ]
    contradicting = [["b", "a"], ["a", "b"]]
    assert merged_order(contradicting, lambda _i: None) == ["b", "a"]  # nothing dropped, first seen first


def ledger_section(name: str, id_: str, *postings: tuple[str, str, str]) -> dict:
    """A General Ledger account section: postings (date, amount, running balance) and "Total for"."""
    total = sum((Decimal(amount) for _d, amount, _b in postings), Decimal(0))
    return {
        "Header": {"ColData": [{"value": name, "id": id_}, {"value": ""}, {"value": ""}]},
        "Rows": {"Row": [{"ColData": [{"value": d}, {"value": a}, {"value": b}]} for d, a, b in postings]},
        "Summary": {"ColData": [{"value": f"Total for {name}"}, {"value": f"{total:.2f}"}, {"value": ""}]},
        "type": "Section",
    }


def ledger(*sections: dict) -> dict:
    columns = [("tx_date", "Date"), ("subt_nat_amount", "Money"), ("rbal_nat_amount", "Money")]
    return {
        "Columns": {
            "Column": [
                {"ColTitle": key, "ColType": kind, "MetaData": [{"Name": "ColKey", "Value": key}]}
                for key, kind in columns
            ]
        },
        "Rows": {"Row": list(sections)},
    }


def test_a_general_ledger_joins_its_pieces_in_the_whole_reports_order():
    jan = ledger(
        ledger_section("Automobile", "55", ("2024-01-05", "10.00", "10.00")),
        ledger_section("Job Expenses", "58", ("2024-01-09", "5.00", "5.00")),
        ledger_section("Legal & Professional Fees", "12", ("2024-01-10", "7.00", "7.00")),
    )
    feb = ledger(
        ledger_section("Automobile", "55", ("2024-02-02", "4.00", "4.00")),
        ledger_section("Utilities", "24", ("2024-02-03", "3.00", "3.00")),
    )
    sections = joined([jan, feb])["Rows"]["Row"]
    assert [s["Header"]["ColData"][0]["value"] for s in sections] == [
        "Automobile",
        "Job Expenses",
        "Legal & Professional Fees",
        "Utilities",
    ]
    automobile = sections[0]
    assert [[c["value"] for c in r["ColData"]] for r in automobile["Rows"]["Row"]] == [
        ["2024-01-05", "10.00", "10.00"],
        ["2024-02-02", "4.00", "14.00"],  # the running balance goes on from January's
    ]
    assert automobile["Summary"]["ColData"][1]["value"] == "14.00"
