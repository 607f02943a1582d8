"""sortRange: reorder the rows of a range by one or more columns, as the Sheets UI sorts."""

from __future__ import annotations

from functools import cmp_to_key

from emulators.google.sheets import cells
from emulators.google.sheets.cells import CellError
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Spreadsheet
from emulators.google.sheets.ranges import grid_target

ORDERS = ("ASCENDING", "DESCENDING")


def _rank(value: cells.Value) -> tuple[int, object]:
    """Numbers before text (case-insensitive) before booleans before errors."""
    if isinstance(value, bool):
        return 2, value
    if cells.is_number(value):
        return 0, value
    if isinstance(value, CellError):
        return 3, value.text()
    return 1, str(value).lower()


def _compare(a: cells.Value, b: cells.Value, descending: bool) -> int:
    """Empty cells sort last in either order."""
    a_empty, b_empty = a in (None, ""), b in (None, "")
    if a_empty or b_empty:
        return int(a_empty) - int(b_empty)
    ka, kb = _rank(a), _rank(b)
    result = (ka > kb) - (ka < kb)
    return -result if descending else result


def sort_range(spreadsheet: Spreadsheet, body: dict) -> None:
    """Rows of `range` move as wholes (values, formulas, formats); the sort is stable."""
    target = grid_target(spreadsheet, body.get("range") or {})
    sheet = target.sheet
    r0, r1, c0, c1 = target.bounds()
    specs = []
    for spec in body.get("sortSpecs") or []:
        column = int(spec.get("dimensionIndex") or 0)
        order = spec.get("sortOrder") or "ASCENDING"
        if order not in ORDERS or not c0 <= column < c1:
            raise GridError(f"Invalid sortSpec: dimensionIndex {column}, sortOrder {order}")
        specs.append((column, order == "DESCENDING"))
    rows = [[sheet.slot(r, c) for c in range(c0, c1)] for r in range(r0, min(r1, max(len(sheet.rows), r0)))]

    def compare(a: list, b: list) -> int:
        for column, descending in specs:
            va = spreadsheet.formula_value(sheet, a[column - c0])
            vb = spreadsheet.formula_value(sheet, b[column - c0])
            result = _compare(va, vb, descending)
            if result:
                return result
        return 0

    for offset, row in enumerate(sorted(rows, key=cmp_to_key(compare))):
        for j, slot in enumerate(row):
            sheet.put(r0 + offset, c0 + j, slot)
    sheet.trim()
