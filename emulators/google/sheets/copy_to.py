"""spreadsheets.sheets.copyTo: copy one tab into another (or the same) spreadsheet."""

from __future__ import annotations

from emulators.google.errors import invalid_argument
from emulators.google.sheets import cells, grid
from emulators.google.sheets.model import MAX_CELLS, Sheet, Spreadsheet
from emulators.google.sheets.routes import Call, backend, json_body


def copy_title(destination: Spreadsheet, title: str) -> str:
    """`Copy of <title>`, numbered (`Copy of <title> 2`, ...) when the destination already has one."""
    candidate, n = f"Copy of {title}", 1
    while destination.sheet_by_title(candidate) is not None:
        n += 1
        candidate = f"Copy of {title} {n}"
    return candidate


def copy_sheet_into(source: Spreadsheet, sheet: Sheet, destination: Spreadsheet) -> Sheet:
    """Append a copy of `sheet` to `destination`; other-tab references rebind there by title."""
    if destination.cell_count() + sheet.row_count * sheet.column_count > MAX_CELLS:
        raise invalid_argument(grid.CELL_LIMIT)
    clone = sheet.clone_as(destination.new_sheet_id(), copy_title(destination, sheet.title))
    for r, c, slot in list(clone.slots()):
        value, formula, fmt = cells.parts(slot)
        if formula is not None:
            text = source.formula_text(formula)
            clone.put(r, c, cells.make(value, destination.bind_formula(text), fmt, cells.note_of(slot)))
    destination.sheets.append(clone)
    destination.resolve_names()
    return clone


def endpoint(call: Call) -> dict:
    """POST {id}/sheets/{sheetId}:copyTo -> the new tab's SheetProperties."""
    body = json_body()
    destination_id = body.get("destinationSpreadsheetId")
    if not destination_id:
        raise invalid_argument("Invalid destinationSpreadsheetId: must be set.")
    source = backend().open_spreadsheet(call.spreadsheet_id, write=False)
    try:
        sheet = source.sheet_by_id(int(call.sheet_id or ""))
    except ValueError:
        sheet = None
    if sheet is None:
        raise invalid_argument(f"No grid with id: {call.sheet_id}")
    destination = backend().open_spreadsheet(destination_id, write=True).copy()
    clone = copy_sheet_into(source, sheet, destination)
    backend().save_spreadsheet(destination)
    return clone.properties(destination.index_of(clone))
