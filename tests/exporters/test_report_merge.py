"""Statements of report pieces merged into one: rows in the order QBO gives the whole range, amounts kept."""

from __future__ import annotations

from decimal import Decimal

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
    assert merged_order([["b", "a"], ["a", "b"]], lambda _i: None) == ["b", "a"]  # contradictions drop nothing
