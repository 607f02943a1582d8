"""Invariant and shape checks over report JSON, shared by the report tests."""

from __future__ import annotations

import re
from decimal import Decimal

MONEY = re.compile(r"^(-?\d+\.\d{2})?$")


def num(text: str) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def money_width(report: dict) -> int:
    return len(report["Columns"]["Column"]) - 1


def walk(rows: list[dict]):
    """Every row, depth first."""
    for row in rows:
        yield row
        yield from walk(row.get("Rows", {}).get("Row", []))


def row_values(row: dict) -> list[Decimal]:
    """The money cells of a Data row, or of a Section's Summary."""
    cells = row["ColData"] if row["type"] == "Data" else row["Summary"]["ColData"]
    return [num(c["value"]) for c in cells[1:]]


def assert_summaries_add_up(report: dict) -> int:
    """Every Summary = own Header amount + the sum of its rows; returns how many were checked."""
    checked = 0
    for row in walk(report["Rows"]["Row"]):
        if row["type"] != "Section" or "Summary" not in row or "Header" not in row:
            continue
        summary = [c["value"] for c in row["Summary"]["ColData"][1:]]
        if "Rows" not in row:  # empty: blank, but "0.00" in a Total column next to period columns
            assert all(v == "" for v in summary[:-1]) and summary[-1] in ("", "0.00"), row
            continue
        expected = [num(c["value"]) for c in row["Header"]["ColData"][1:]]
        for child in row["Rows"]["Row"]:
            expected = [a + b for a, b in zip(expected, row_values(child), strict=True)]
        assert [num(v) for v in summary] == expected, row["Summary"]
        checked += 1
    return checked


def assert_money_cells(report: dict) -> None:
    """Amounts are strings with two decimals (or "")."""
    for row in walk(report["Rows"]["Row"]):
        for part in (row, row.get("Header", {}), row.get("Summary", {})):
            for c in part.get("ColData", [])[1:]:
                assert isinstance(c["value"], str) and MONEY.match(c["value"]), c


def top(report: dict) -> dict[str, dict]:
    """Top-level sections by group."""
    return {row.get("group"): row for row in report["Rows"]["Row"]}


def summary(row: dict | None, width: int) -> list[Decimal]:
    return row_values(row) if row is not None else [Decimal(0)] * width


def assert_profit_and_loss_lines(report: dict) -> None:
    """Gross Profit, Net Operating Income, Net Other Income and Net Income follow from the sections."""
    width = money_width(report)
    sections = top(report)

    def s(group: str) -> list[Decimal]:
        return summary(sections.get(group), width)

    def minus(a, b):
        return [x - y for x, y in zip(a, b, strict=True)]

    gross = minus(s("Income"), s("COGS"))
    assert s("GrossProfit") == gross
    operating = minus(gross, s("Expenses"))
    assert s("NetOperatingIncome") == operating
    other = minus(s("OtherIncome"), s("OtherExpenses"))
    if "NetOtherIncome" in sections:
        assert s("NetOtherIncome") == other
    assert s("NetIncome") == [a + b for a, b in zip(operating, other, strict=True)]


def net_income_row(balance_sheet: dict) -> list[Decimal]:
    row = next(r for r in walk(balance_sheet["Rows"]["Row"]) if r.get("group") == "NetIncome")
    return row_values(row)


def assert_balanced(balance_sheet: dict) -> None:
    sections = top(balance_sheet)
    width = money_width(balance_sheet)
    assert summary(sections["TotalAssets"], width) == summary(sections["TotalLiabilitiesAndEquity"], width)


def periods_sum_to_total(report: dict) -> None:
    """In a multi-column report every row's period cells add up to its Total cell."""
    for row in walk(report["Rows"]["Row"]):
        for part in (row, row.get("Header"), row.get("Summary")):
            if part and "ColData" in part:
                values = [num(c["value"]) for c in part["ColData"][1:]]
                assert sum(values[:-1]) == values[-1], part


def signature(row: dict, depth: int) -> tuple:
    """What a row looks like, regardless of its numbers: keys, cell keys, and whether it has a group."""
    cells = row.get("ColData") or (row.get("Header") or row.get("Summary") or {}).get("ColData", [])
    return (
        row["type"],
        tuple(sorted(row)),
        tuple(tuple(sorted(c)) for c in cells[:1]),
        depth == 0 or "group" in row,
    )


def signatures(report: dict) -> set[tuple]:
    out = set()

    def visit(rows, depth):
        for row in rows:
            out.add(signature(row, depth))
            visit(row.get("Rows", {}).get("Row", []), depth + 1)

    visit(report["Rows"]["Row"], 0)
    return out


def shape(value) -> object:
    """Keys, nesting and value types of a JSON value; lists become the set of their element shapes."""
    if isinstance(value, dict):
        return tuple(sorted((k, shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(sorted({shape(v) for v in value}, key=repr))
    return type(value).__name__
