"""batchUpdate requests about tabs and the spreadsheet: add/delete/duplicate/update sheets, properties."""

from __future__ import annotations

from typing import Any

from emulators.google.sheets import fieldmask, grid
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import MAX_CELLS, Sheet, Spreadsheet

DUPLICATE_TITLE = 'A sheet with the name "{}" already exists. Please enter another name.'


def _sheet(spreadsheet: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise GridError(f"No grid with id: {sheet_id}")
    return sheet


def _check_title(spreadsheet: Spreadsheet, title: str, sheet: Sheet | None = None) -> None:
    if not title or not title.strip():
        raise GridError("Sheet name cannot be empty.")
    if len(title) > 100:
        raise GridError("Sheet name cannot be longer than 100 characters.")
    other = spreadsheet.sheet_by_title(title)
    if other is not None and other is not sheet and other.title.lower() == title.lower():
        raise GridError(DUPLICATE_TITLE.format(title))


def _default_title(spreadsheet: Spreadsheet, base: str = "Sheet") -> str:
    n = len(spreadsheet.sheets) + 1
    while spreadsheet.sheet_by_title(f"{base}{n}") is not None:
        n += 1
    return f"{base}{n}"


def _place(spreadsheet: Spreadsheet, sheet: Sheet, index: int | None) -> None:
    """Insert (or move) `sheet` at `index` (end when None; clamped like Google)."""
    if sheet in spreadsheet.sheets:
        old = spreadsheet.index_of(sheet)
        spreadsheet.sheets.pop(old)
        if index is not None and index > old:
            index -= 1  # Google's index is the position before the move
    position = len(spreadsheet.sheets) if index is None else max(0, min(int(index), len(spreadsheet.sheets)))
    spreadsheet.sheets.insert(position, sheet)


def _new_id(spreadsheet: Spreadsheet, requested: Any) -> int:
    if requested is None:
        return spreadsheet.new_sheet_id()
    sheet_id = int(requested)
    if sheet_id < 0:
        raise GridError(f"Invalid sheetId: {sheet_id}")
    if spreadsheet.sheet_by_id(sheet_id) is not None:
        raise GridError(f"A sheet with id {sheet_id} already exists.")
    return sheet_id


def add_sheet(spreadsheet: Spreadsheet, body: dict) -> dict:
    props = body.get("properties") or {}
    title = props.get("title") or _default_title(spreadsheet)
    _check_title(spreadsheet, title)
    sheet = Sheet(_new_id(spreadsheet, props.get("sheetId")), title, 0, 0)
    _place(spreadsheet, sheet, props.get("index"))
    gridp = props.get("gridProperties") or {}
    grid.resize(spreadsheet, sheet, int(gridp.get("rowCount") or 1000), int(gridp.get("columnCount") or 26))
    rest = {k: v for k, v in props.items() if k not in ("title", "sheetId", "index")}
    _set_properties(spreadsheet, sheet, rest, set(rest))
    spreadsheet.resolve_names()
    return {"addSheet": {"properties": sheet.properties(spreadsheet.index_of(sheet))}}


def delete_sheet(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet = _sheet(spreadsheet, body.get("sheetId"))
    if len(spreadsheet.sheets) == 1:
        raise GridError("You can't remove all the sheets in a document.")
    if all(s.hidden for s in spreadsheet.sheets if s is not sheet):
        raise GridError("You can't remove all the visible sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    spreadsheet.drop_references(sheet.sheet_id)
    for rid, named in list(spreadsheet.named_ranges.items()):
        if (named["range"].get("sheetId") or 0) == sheet.sheet_id:
            del spreadsheet.named_ranges[rid]


def duplicate_sheet(spreadsheet: Spreadsheet, body: dict) -> dict:
    source = _sheet(spreadsheet, body.get("sourceSheetId"))
    title = body.get("newSheetName") or f"Copy of {source.title}"
    _check_title(spreadsheet, title)
    if spreadsheet.cell_count() + source.row_count * source.column_count > MAX_CELLS:
        raise GridError(grid.CELL_LIMIT)
    clone = source.clone_as(_new_id(spreadsheet, body.get("newSheetId")), title)
    index = body.get("insertSheetIndex")
    _place(spreadsheet, clone, spreadsheet.index_of(source) + 1 if index is None else index)
    spreadsheet.resolve_names()
    return {"duplicateSheet": {"properties": clone.properties(spreadsheet.index_of(clone))}}


def _full_properties(spreadsheet: Spreadsheet, sheet: Sheet) -> dict:
    props = sheet.properties(spreadsheet.index_of(sheet))
    props["hidden"] = sheet.hidden
    props["gridProperties"].setdefault("frozenRowCount", 0)
    props["gridProperties"].setdefault("frozenColumnCount", 0)
    return props


def update_sheet_properties(spreadsheet: Spreadsheet, body: dict) -> None:
    props = body.get("properties") or {}
    mask = fieldmask.parse(body.get("fields"))
    if not mask:
        raise GridError("At least one field must be updated.")
    sheet = _sheet(spreadsheet, props.get("sheetId"))
    updated = _full_properties(spreadsheet, sheet)
    fieldmask.apply(updated, props, mask)
    if updated.get("sheetId", sheet.sheet_id) != sheet.sheet_id:
        raise GridError("sheetId cannot be changed.")
    if updated.get("title") != sheet.title:
        _check_title(spreadsheet, updated.get("title") or "", sheet)
        sheet.title = updated["title"]
        spreadsheet.resolve_names()
    if updated.get("index") != spreadsheet.index_of(sheet):
        _place(spreadsheet, sheet, updated.get("index") or 0)
    _set_properties(spreadsheet, sheet, updated, set(mask))


def _set_properties(spreadsheet: Spreadsheet, sheet: Sheet, props: dict, changed: set[str]) -> None:
    """hidden, gridProperties (size, frozen counts, gridlines) and the tab colour, with Google's checks.

    `changed`: the top-level properties the request sets (tabColor and tabColorStyle are one colour).
    """
    if "hidden" in props:
        hidden = bool(props.get("hidden"))
        if hidden and all(s.hidden for s in spreadsheet.sheets if s is not sheet):
            raise GridError("You can't hide all the sheets in a document.")
        sheet.hidden = hidden
    gridp = props.get("gridProperties") or {}
    rows = int(gridp.get("rowCount") or sheet.row_count)
    cols = int(gridp.get("columnCount") or sheet.column_count)
    if rows < 1 or cols < 1:
        raise GridError("The sheet must have at least one row and one column.")
    frozen_rows = int(gridp.get("frozenRowCount") or 0)
    frozen_cols = int(gridp.get("frozenColumnCount") or 0)
    if (rows, cols) != (sheet.row_count, sheet.column_count):
        grid.resize(spreadsheet, sheet, rows, cols)
    if frozen_rows >= sheet.row_count and frozen_rows:
        raise GridError("You can't freeze all visible rows on the sheet.")
    if frozen_cols >= sheet.column_count and frozen_cols:
        raise GridError("You can't freeze all visible columns on the sheet.")
    sheet.frozen_row_count, sheet.frozen_column_count = frozen_rows, frozen_cols
    sheet.hide_gridlines = bool(gridp.get("hideGridlines"))
    if "tabColorStyle" in changed:
        sheet.tab_color = (props.get("tabColorStyle") or {}).get("rgbColor") or None
    elif "tabColor" in changed:
        sheet.tab_color = props.get("tabColor") or None


def update_spreadsheet_properties(spreadsheet: Spreadsheet, body: dict) -> None:
    mask = fieldmask.parse(body.get("fields"))
    if not mask:
        raise GridError("At least one field must be updated.")
    current = {
        "title": spreadsheet.title,
        "locale": spreadsheet.locale,
        "timeZone": spreadsheet.time_zone,
        "autoRecalc": spreadsheet.auto_recalc,
    }
    fieldmask.apply(current, body.get("properties") or {}, mask)
    if not current.get("title"):
        raise GridError("Spreadsheet title cannot be empty.")
    spreadsheet.title = current["title"]
    spreadsheet.locale = current.get("locale") or spreadsheet.locale
    spreadsheet.time_zone = current.get("timeZone") or spreadsheet.time_zone
    spreadsheet.auto_recalc = current.get("autoRecalc") or spreadsheet.auto_recalc


SHEET_REQUESTS = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
}
