"""Replacing a spreadsheet's content with CSV rows (Drive's `convert=True` upload, gspread's import_csv)."""

from __future__ import annotations

import csv
import io

from emulators.google.sheets import grid
from emulators.google.sheets.model import Spreadsheet


def parse(data: bytes) -> list[list[str]]:
    """CSV text (UTF-8, a BOM tolerated) -> rows of strings."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def import_rows(spreadsheet: Spreadsheet, rows: list[list[str]]) -> None:
    """Keep only the first tab, empty it, and write `rows` as if typed (numbers and dates convert)."""
    first = spreadsheet.sheets[0]
    del spreadsheet.sheets[1:]
    spreadsheet.named_ranges = {
        rid: named
        for rid, named in spreadsheet.named_ranges.items()
        if (named["range"].get("sheetId") or 0) == first.sheet_id
    }
    first.rows = []
    first.hidden = False
    width = max((len(row) for row in rows), default=0)
    grid.grow_to(spreadsheet, first, len(rows), width)
    grid.write_rows(spreadsheet, first, 0, 0, rows, "USER_ENTERED")
