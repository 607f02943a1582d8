"""Google Sheets' hard limits, checked before the first write (design.md, Decision 7)."""

from __future__ import annotations

from sheets.errors import LimitExceeded

MAX_CELLS = 10_000_000
MAX_COLUMNS = 18_278
MAX_CELL_CHARS = 50_000
MAX_PAYLOAD_BYTES = 2_000_000  # Google's recommended maximum request size


def check_columns(columns: int, tab: str) -> None:
    """Refuse more columns than a tab can hold."""
    if columns > MAX_COLUMNS:
        raise LimitExceeded(
            f"The exporter has {columns:,} columns but a Google Sheets tab holds at most "
            f"{MAX_COLUMNS:,} ({columns - MAX_COLUMNS:,} too many) — '{tab}' was not changed. "
            "Remove columns from the exporter.",
            limit="columns",
            excess=columns - MAX_COLUMNS,
        )


def check_cells(needed: int, other_cells: int, tab: str, what: str) -> None:
    """Refuse a tab of `needed` cells when the spreadsheet's other grids already use `other_cells`."""
    total = needed + other_cells
    if total > MAX_CELLS:
        raise LimitExceeded(
            f"{what} needs {needed:,} cells in '{tab}', and the rest of the spreadsheet already uses "
            f"{other_cells:,}: {total:,} in all, {total - MAX_CELLS:,} over Google's limit of "
            f"{MAX_CELLS:,} cells per spreadsheet. '{tab}' was not changed. Filter the exporter to "
            "fewer rows or columns, delete unused tabs or empty rows and columns, or export to "
            "another spreadsheet.",
            limit="cells",
            excess=total - MAX_CELLS,
        )


def check_append(new_cells: int, tab_cells: int, other_cells: int, tab: str) -> None:
    """Refuse an append that would pass the cell limit, saying how many more runs of this size fit."""
    total = tab_cells + new_cells + other_cells
    if total <= MAX_CELLS:
        return
    room = max(MAX_CELLS - tab_cells - other_cells, 0)
    raise LimitExceeded(
        f"Appending {new_cells:,} cells to '{tab}' would make the spreadsheet {total:,} cells, "
        f"{total - MAX_CELLS:,} over Google's limit of {MAX_CELLS:,}; no more runs of this size fit "
        f"(room left: {room:,} cells). Nothing was appended. Archive old rows to another spreadsheet "
        "or switch the exporter to replace mode.",
        limit="cells",
        excess=total - MAX_CELLS,
    )


def runs_left(new_cells: int, tab_cells: int, other_cells: int) -> int:
    """How many more appends of this size fit after this one."""
    room = MAX_CELLS - tab_cells - other_cells - new_cells
    return max(room, 0) // new_cells if new_cells else 0


def cell_too_long(length: int, row: int, column: str, tab: str) -> LimitExceeded:
    """The error for a value over 50,000 characters in "fail" mode (row counts data rows from 1)."""
    return LimitExceeded(
        f"Row {row:,}, column '{column}' has {length:,} characters; a Google Sheets cell holds at "
        f"most {MAX_CELL_CHARS:,} ({length - MAX_CELL_CHARS:,} too many). '{tab}' was not changed. "
        "Remove the column from the exporter, or set long text to be truncated.",
        limit="characters per cell",
        excess=length - MAX_CELL_CHARS,
    )
