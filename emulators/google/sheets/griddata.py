"""`includeGridData`: sheets[].data with CellData (entered, effective and formatted values, format)."""

from __future__ import annotations

from emulators.google.sheets import cells, colors
from emulators.google.sheets.a1 import Box
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import resolve
from emulators.google.sheets.render import formatted


def sheets_for(spreadsheet: Spreadsheet, ranges: list[str]) -> dict[int, list[Box]]:
    """Which tabs (and boxes) the `ranges` parameter selects."""
    chosen: dict[int, list[Box]] = {}
    for text in ranges:
        target = resolve(spreadsheet, text)
        chosen.setdefault(target.sheet.sheet_id, []).append(target.box)
    return chosen


def cell_data(spreadsheet: Spreadsheet, sheet: Sheet, slot: cells.Slot) -> dict:
    value, formula, fmt = cells.parts(slot)
    out: dict = {}
    if formula is not None:
        out["userEnteredValue"] = {"formulaValue": spreadsheet.formula_text(formula)}
    elif value is not None:
        out["userEnteredValue"] = cells.extended_value(value)
    effective = spreadsheet.formula_value(sheet, slot)
    if effective is not None:
        out["effectiveValue"] = cells.extended_value(effective)
        out["formattedValue"] = formatted(effective, slot)
    if fmt:
        out["userEnteredFormat"] = colors.mirrored(fmt)
    if cells.note_of(slot):
        out["note"] = cells.note_of(slot)
    return out


def grid_data(spreadsheet: Spreadsheet, sheet: Sheet, boxes: list[Box] | None) -> list[dict]:
    """One GridData per requested box (the whole tab when none)."""
    out = []
    for box in boxes or [Box(None, None, None, None)]:
        r0, r1, c0, c1 = box.bounded(sheet.row_count, sheet.column_count)
        r1 = min(r1, len(sheet.rows))
        rows = []
        for r in range(r0, r1):
            row = sheet.rows[r][c0:c1]
            rows.append({"values": [cell_data(spreadsheet, sheet, s) for s in row]} if row else {})
        data: dict = {"rowData": rows} if rows else {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        out.append(data)
    return out
