"""setBasicFilter / clearBasicFilter: a tab's basic filter is stored and echoed, not applied to reads."""

from __future__ import annotations

from emulators.google.sheets.cell_requests import inside
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Spreadsheet
from emulators.google.sheets.ranges import grid_range_json, grid_target


def set_basic_filter(spreadsheet: Spreadsheet, body: dict) -> None:
    """Replace the tab's basic filter (its range must lie inside the grid)."""
    basic = dict(body.get("filter") or {})
    target = grid_target(spreadsheet, basic.get("range") or {})
    inside(target)
    basic["range"] = grid_range_json(target.sheet.sheet_id, target.box)
    target.sheet.basic_filter = basic


def clear_basic_filter(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet = spreadsheet.sheet_by_id(int(body.get("sheetId") or 0))
    if sheet is None:
        raise GridError(f"No grid with id: {body.get('sheetId')}")
    sheet.basic_filter = None


FILTER_REQUESTS = {"setBasicFilter": set_basic_filter, "clearBasicFilter": clear_basic_filter}
