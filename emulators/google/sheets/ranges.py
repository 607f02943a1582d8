"""Resolving A1 ranges and GridRange JSON against a spreadsheet, and writing ranges back out."""

from __future__ import annotations

from dataclasses import dataclass

from emulators.google.errors import ApiError, invalid_argument
from emulators.google.sheets.a1 import WHOLE, Box, a1, parse_cells, quote_title, split_sheet
from emulators.google.sheets.model import Sheet, Spreadsheet


@dataclass
class Target:
    """A range resolved to a tab and a (possibly unbounded) box."""

    sheet: Sheet
    box: Box
    anchor: bool = False  # a single cell: where a write starts, not a bound on it

    def bounds(self) -> tuple[int, int, int, int]:
        """Bounds clipped/expanded to the current grid."""
        r0, r1, c0, c1 = self.box.bounded(self.sheet.row_count, self.sheet.column_count)
        return r0, min(r1, self.sheet.row_count), c0, min(c1, self.sheet.column_count)

    def name(self) -> str:
        """`Sheet1!A1:Z1000` as Google echoes it (the request expanded to the grid)."""
        r0, r1, c0, c1 = self.bounds()
        return a1_name(self.sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))

    def name_unclipped(self) -> str:
        """The request as written, unbounded sides filled from the grid (for grid-limit errors)."""
        r0, r1, c0, c1 = self.box.bounded(self.sheet.row_count, self.sheet.column_count)
        return a1_name(self.sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))


def a1_name(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> str:
    return f"{quote_title(sheet.title)}!{a1(r0, r1, c0, c1)}"


def unable(text: str) -> ApiError:
    return invalid_argument(f"Unable to parse range: {text}")


def resolve(spreadsheet: Spreadsheet, text: str) -> Target:
    """A1 text (`'T'!A1:B2`, `T`, `A1:B2`, a named range) -> Target; Google's 400 otherwise."""
    try:
        title, ref = split_sheet(text)
    except ValueError:
        raise unable(text) from None
    if title is None:
        sheet = spreadsheet.sheet_by_title(ref or "")
        if sheet is not None:
            return Target(sheet, WHOLE)
        named = _named(spreadsheet, ref)
        if named is not None:
            return named
        sheet, title = spreadsheet.sheets[0], ""
    else:
        sheet = spreadsheet.sheet_by_title(title)
        if sheet is None:
            raise unable(text)
    if ref is None:
        return Target(sheet, WHOLE)
    try:
        return Target(sheet, parse_cells(ref), anchor=":" not in ref)
    except ValueError:
        named = _named(spreadsheet, ref) if title else None  # gspread sends `'Tab'!my_range`
        if named is None:
            raise unable(text) from None
        return named


def _named(spreadsheet: Spreadsheet, name: str | None) -> Target | None:
    """The target of a named range (names match case-insensitively, like Sheets)."""
    wanted = (name or "").lower()
    named = next((n for n in spreadsheet.named_ranges.values() if n["name"].lower() == wanted), None)
    return None if named is None else grid_target(spreadsheet, named["range"])


def grid_target(spreadsheet: Spreadsheet, grid_range: dict) -> Target:
    """GridRange JSON (missing indexes = unbounded; missing sheetId = 0) -> Target."""
    sheet_id = grid_range.get("sheetId") or 0
    sheet = spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        raise ValueError(f"No grid with id: {sheet_id}")
    box = Box(
        grid_range.get("startRowIndex"),
        grid_range.get("endRowIndex"),
        grid_range.get("startColumnIndex"),
        grid_range.get("endColumnIndex"),
    )
    return Target(sheet, box)


def grid_range_json(sheet_id: int, box: Box) -> dict:
    out: dict = {"sheetId": sheet_id}
    for key, value in (
        ("startRowIndex", box.r0),
        ("endRowIndex", box.r1),
        ("startColumnIndex", box.c0),
        ("endColumnIndex", box.c1),
    ):
        if value is not None:
            out[key] = value
    return out
