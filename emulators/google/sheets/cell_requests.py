"""batchUpdate requests about cells, dimensions and named ranges."""

from __future__ import annotations

import secrets

from emulators.google.sheets import fieldmask, grid
from emulators.google.sheets.a1 import Box, parse_cells
from emulators.google.sheets.celldata import Applier
from emulators.google.sheets.cells import Slot
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import Target, a1_name, grid_target


def inside(target: Target, r1: int | None = None, c1: int | None = None) -> tuple[int, int, int, int]:
    """Bounds of a cell request; batchUpdate never grows the grid, so overflow is Google's 400."""
    sheet = target.sheet
    r0, rr1, c0, cc1 = target.box.bounded(sheet.row_count, sheet.column_count)
    r1, c1 = rr1 if r1 is None else r1, cc1 if c1 is None else c1
    if r1 > sheet.row_count or c1 > sheet.column_count or r0 >= sheet.row_count or c0 >= sheet.column_count:
        raise GridError(
            f"Range ({a1_name(sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    return r0, r1, c0, c1


def update_cells(spreadsheet: Spreadsheet, body: dict) -> None:
    """Write `rows` from `start`, or over `range` (cells of the range not covered are cleared)."""
    applier = Applier(spreadsheet, fieldmask.parse(body["fields"]))
    rows = body.get("rows") or []
    height, width = len(rows), max((len(r.get("values") or []) for r in rows), default=0)
    if "range" in body:
        target = grid_target(spreadsheet, body["range"])
        r0, r1, c0, c1 = inside(target)
        if height > r1 - r0 or width > c1 - c0:
            inside(target, r0 + height, c0 + width)
        _clear_uncovered(spreadsheet, target.sheet, applier, (r0, r1, c0, c1), rows)
    else:
        start = body.get("start") or {}
        r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
        target = Target(
            _sheet(spreadsheet, start.get("sheetId")), Box(r0, r0 + max(height, 1), c0, c0 + max(width, 1))
        )
        inside(target)
    sheet = target.sheet
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            sheet.put(r0 + i, c0 + j, applier.apply(sheet.slot(r0 + i, c0 + j), data or {}))
    sheet.trim()


def _clear_uncovered(
    spreadsheet: Spreadsheet, sheet: Sheet, applier: Applier, bounds: tuple[int, int, int, int], rows: list
) -> None:
    """Clear the masked fields of existing cells in `bounds` that `rows` does not cover."""
    r0, r1, c0, c1 = bounds
    covered = [len(row.get("values") or []) for row in rows]
    if applier.clears_all:  # nothing left of any cell: emptied by box, whole rows at once
        for r, width in enumerate(covered, start=r0):
            sheet.clear_box(r, r + 1, c0 + width, c1)
        sheet.clear_box(r0 + len(covered), r1, c0, c1)
        return
    clear = applier.clear_slots()
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        start, end = c0 + (covered[r - r0] if r - r0 < len(covered) else 0), min(c1, len(row))
        if start < end:
            row[start:end] = clear(row[start:end])


def _sheet(spreadsheet: Spreadsheet, sheet_id: object) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))  # type: ignore[arg-type]
    if sheet is None:
        raise GridError(f"No grid with id: {sheet_id}")
    return sheet


def repeat_cell(spreadsheet: Spreadsheet, body: dict) -> None:
    """Apply one CellData to every cell of the range."""
    applier = Applier(spreadsheet, fieldmask.parse(body["fields"]))
    target = grid_target(spreadsheet, body.get("range") or {})
    r0, r1, c0, c1 = inside(target)
    data = body.get("cell") or {}
    sheet = target.sheet
    if r0 >= r1 or c0 >= c1:
        return
    apply = applier.on_slots(data)
    rows = sheet.rows[r0:r1]
    for c in range(c0, c1):  # a column at a time: number formats come one repeatCell per column
        try:
            column = [row[c] for row in rows]
        except IndexError:  # a row too short for the range: every row made long enough first
            column = []
        if len(column) < r1 - r0:  # also when rows are missing at the end
            sheet.pad(r1, c1)
            rows = sheet.rows[r0:r1]
            column = [row[c] for row in rows]
        if c < c1 - 1:
            for row, slot in zip(rows, apply(column), strict=True):
                row[c] = slot
        elif not _put_last_column(rows, c, apply(column)):
            sheet.trim(known=range(r0, r1))
            return
    sheet.trim()


def _put_last_column(rows: list[list[Slot]], c: int, slots: list[Slot]) -> bool:
    """Set slot `c` of each row, the last column a request writes; whether a row then ends in an empty
    slot, looked at while the row is at hand (if none does, `Sheet.trim` need not walk them again)."""
    ends_empty = False
    for row, slot in zip(rows, slots, strict=True):
        row[c] = slot
        if row[-1] is None:
            ends_empty = True
    return ends_empty


def _dimension(body: dict) -> str:
    dimension = body.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise GridError(f"Invalid dimension: {dimension}")
    return dimension


def append_dimension(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet = _sheet(spreadsheet, body.get("sheetId"))
    length = int(body.get("length") or 0)
    if length < 1:
        raise GridError("length must be positive.")
    rows = sheet.row_count + (length if _dimension(body) == "ROWS" else 0)
    cols = sheet.column_count + (length if _dimension(body) == "COLUMNS" else 0)
    grid.resize(spreadsheet, sheet, rows, cols)


def _dimension_range(spreadsheet: Spreadsheet, body: dict, *, inserting: bool) -> tuple[Sheet, str, int, int]:
    span = body.get("range") or {}
    sheet = _sheet(spreadsheet, span.get("sheetId"))
    dimension = _dimension(span)
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start, end = int(span.get("startIndex") or 0), span.get("endIndex")
    end = size if end is None else int(end)
    if start < 0 or end <= start or start > size or (end > size and not inserting):
        raise GridError(f"Invalid range: startIndex {start}, endIndex {end} for a grid of {size}.")
    return sheet, dimension, start, end


def insert_dimension(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, body, inserting=True)
    grid.insert(spreadsheet, sheet, dimension, start, end)


def delete_dimension(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, body, inserting=False)
    grid.delete(spreadsheet, sheet, dimension, start, end)


def _named_range(spreadsheet: Spreadsheet, named: dict, rid: str | None) -> dict:
    """Validate a NamedRange's name and range; returns the stored form."""
    name = named.get("name") or ""
    if (
        not name
        or not (name[0].isalpha() or name[0] == "_")
        or not all(ch.isalnum() or ch == "_" for ch in name)
    ):
        raise GridError(f"Invalid name: {name}")
    try:
        parse_cells(name)
    except ValueError:
        pass
    else:
        raise GridError(f"Invalid name: {name}")
    for other_id, other in spreadsheet.named_ranges.items():
        if other_id != rid and other["name"].lower() == name.lower():
            raise GridError(f'A named range with the name "{name}" already exists.')
    grid_target(spreadsheet, named.get("range") or {})
    return {"name": name, "range": {"sheetId": 0, **(named.get("range") or {})}}


def named_range_json(rid: str, named: dict) -> dict:
    """A NamedRange as Google answers it: `sheetId` left out when it is 0 (Google drops zero-valued
    fields there), zero row/column indexes kept (gspread's cassette CellTest.test_define_named_range)."""
    grid_range = {k: v for k, v in named["range"].items() if not (k == "sheetId" and v == 0)}
    return {"namedRangeId": rid, "name": named["name"], "range": grid_range}


def add_named_range(spreadsheet: Spreadsheet, body: dict) -> dict:
    named = body.get("namedRange") or {}
    rid = named.get("namedRangeId") or str(secrets.randbelow(2**31 - 2) + 1)  # "220755387", like Google's
    if rid in spreadsheet.named_ranges:
        raise GridError(f"A named range with the id {rid} already exists.")
    spreadsheet.named_ranges[rid] = _named_range(spreadsheet, named, rid)
    return {"addNamedRange": {"namedRange": named_range_json(rid, spreadsheet.named_ranges[rid])}}


def update_named_range(spreadsheet: Spreadsheet, body: dict) -> None:
    named = body.get("namedRange") or {}
    rid = named.get("namedRangeId")
    if rid not in spreadsheet.named_ranges:
        raise GridError(f"No named range with id: {rid}")
    current = dict(spreadsheet.named_ranges[rid])
    fieldmask.apply(current, named, fieldmask.parse(body.get("fields")))
    spreadsheet.named_ranges[rid] = _named_range(spreadsheet, current, rid)


def delete_named_range(spreadsheet: Spreadsheet, body: dict) -> None:
    if spreadsheet.named_ranges.pop(body.get("namedRangeId"), None) is None:
        raise GridError(f"No named range with id: {body.get('namedRangeId')}")


def accepted(spreadsheet: Spreadsheet, body: dict) -> None:
    """Requests that change only presentation the emulator does not model (column widths, borders...)."""


CELL_REQUESTS = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "addNamedRange": add_named_range,
    "updateNamedRange": update_named_range,
    "deleteNamedRange": delete_named_range,
    **dict.fromkeys(
        (
            "updateDimensionProperties",
            "autoResizeDimensions",
            "updateBorders",
            "setDataValidation",
        ),
        accepted,
    ),
}
