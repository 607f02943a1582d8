"""The invoice table the writer tests write: every column type, and how to read it back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sheets.cells import ColumnLike
from sheets.errors import UpsertNotPossible
from sheets.result import WriteResult
from sheets.writer import SheetWriter
from tests.sheets.conftest import Col

COLUMNS = [
    Col("realm_id", "Company", "text"),
    Col("id", "Id", "text"),
    Col("doc", "Invoice #", "text"),
    Col("amount", "Amount", "money"),
    Col("qty", "Qty", "number"),
    Col("txn_date", "Date", "date"),
    Col("updated", "Updated", "datetime"),
    Col("paid", "Paid", "bool"),
]


def row(i: int, amount: str = "10.50", memo: str | None = None) -> tuple:
    return (
        "9130",
        str(i),
        memo or f"INV-{i:05d}",
        Decimal(amount),
        i,
        date(2024, 1, 2),
        datetime(2024, 1, 2, 9, 30),
        i % 2 == 0,
    )


def values(spreadsheet, tab: str, render: str = "UNFORMATTED_VALUE") -> list[list]:
    return spreadsheet.worksheet(tab).get_all_values(value_render_option=render)


def upsert_or_replace(
    writer: SheetWriter, columns: list[ColumnLike], keys: list[str], rows: list
) -> WriteResult:
    """What the pipeline does, `rows` being every row: an upsert, or a replace when the tab needs one."""
    try:
        return writer.upsert(columns, keys, rows)
    except UpsertNotPossible:
        return writer.replace(columns, rows)
