"""Spreadsheet-level endpoints: spreadsheets.get and spreadsheets.create; the operation table."""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from emulators.google.errors import invalid_argument
from emulators.google.sheets import fieldmask
from emulators.google.sheets.cell_requests import named_range_json
from emulators.google.sheets.model import Spreadsheet
from emulators.google.sheets.routes import Call, backend, flag, json_body

SHEET_EXTRAS = (  # Sheet JSON keys present only when set
    ("basicFilter", "basic_filter"),
    ("protectedRanges", "protected_ranges"),
    ("merges", "merges"),
    ("rowGroups", "row_groups"),
    ("columnGroups", "column_groups"),
)


def spreadsheet_json(spreadsheet: Spreadsheet, grid: bool, ranges: list[str]) -> dict:
    """The Spreadsheet resource (§1.2)."""
    from emulators.google.sheets import griddata

    chosen = griddata.sheets_for(spreadsheet, ranges) if ranges else None
    sheets = []
    for index, sheet in enumerate(spreadsheet.sheets):
        if chosen is not None and sheet.sheet_id not in chosen:
            continue
        entry: dict = {"properties": sheet.properties(index)}
        for key, attribute in SHEET_EXTRAS:
            if getattr(sheet, attribute):
                entry[key] = getattr(sheet, attribute)
        if grid:
            entry["data"] = griddata.grid_data(spreadsheet, sheet, (chosen or {}).get(sheet.sheet_id))
        sheets.append(entry)
    body: dict = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": spreadsheet.properties(),
        "sheets": sheets,
    }
    if spreadsheet.named_ranges:
        body["namedRanges"] = [named_range_json(rid, nr) for rid, nr in spreadsheet.named_ranges.items()]
    body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{spreadsheet.spreadsheet_id}/edit"
    return body


def _fields(body: dict) -> dict:
    try:
        mask = fieldmask.parse(request.args.get("fields"))
    except fieldmask.MaskError:
        raise invalid_argument(f"Invalid field selection {request.args.get('fields')}") from None
    return fieldmask.select(body, mask)


def get(call: Call) -> dict:
    """spreadsheets.get (includeGridData, ranges, fields)."""
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=False)
    ranges = request.args.getlist("ranges")
    grid = flag("includeGridData") or "data" in (request.args.get("fields") or "")
    return _fields(spreadsheet_json(spreadsheet, grid, ranges))


def create(call: Call) -> dict:
    """spreadsheets.create: title (and locale/timeZone) from `properties`."""
    body = json_body()
    properties = body.get("properties") or {}
    spreadsheet = backend().create_spreadsheet(properties.get("title") or "Untitled spreadsheet", properties)
    if body.get("sheets"):
        from emulators.google.sheets.batch_update import apply_initial_sheets

        spreadsheet = spreadsheet.copy()
        apply_initial_sheets(spreadsheet, body["sheets"])
        backend().save_spreadsheet(spreadsheet)
    return _fields(spreadsheet_json(spreadsheet, False, []))


def _handlers() -> dict[str, Callable[[Call], dict]]:
    from emulators.google.sheets import batch_update, copy_to, values

    return {
        "get": get,
        "create": create,
        "batchUpdate": batch_update.endpoint,
        "copyTo": copy_to.endpoint,
        **values.ENDPOINTS,
    }


HANDLERS = _handlers()
