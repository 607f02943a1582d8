"""add/update/deleteProtectedRange: protected ranges are stored and listed; edits are not refused."""

from __future__ import annotations

from emulators.google.sheets import fieldmask
from emulators.google.sheets.cell_requests import inside
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import grid_range_json, grid_target


def _find(spreadsheet: Spreadsheet, range_id: object) -> tuple[Sheet, dict]:
    for sheet in spreadsheet.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == range_id:
                return sheet, protected
    raise GridError(f"No protected range with id: {range_id}")


def _normalised(spreadsheet: Spreadsheet, protected: dict) -> tuple[Sheet, dict]:
    """The stored form: range inside the grid, editors without nulls, warningOnly without editors."""
    target = grid_target(spreadsheet, protected.get("range") or {})
    inside(target)
    out = {k: v for k, v in protected.items() if v is not None}
    out["range"] = grid_range_json(target.sheet.sheet_id, target.box)
    if out.get("warningOnly"):
        out.pop("editors", None)
    else:
        editors = out.get("editors") or {}
        out["editors"] = {k: v for k, v in editors.items() if v}
    return target.sheet, out


def add_protected_range(spreadsheet: Spreadsheet, body: dict) -> dict:
    request = dict(body.get("protectedRange") or {})
    range_id = request.get("protectedRangeId")
    if range_id is None:
        range_id = spreadsheet.new_sheet_id()  # a random-looking int32, like Google's ids
    elif any(p["protectedRangeId"] == range_id for s in spreadsheet.sheets for p in s.protected_ranges):
        raise GridError(f"A protected range with id {range_id} already exists.")
    request["protectedRangeId"] = range_id
    request["requestingUserCanEdit"] = True  # the requester is always an editor
    sheet, protected = _normalised(spreadsheet, request)
    sheet.protected_ranges = [*sheet.protected_ranges, protected]
    return {"addProtectedRange": {"protectedRange": protected}}


def update_protected_range(spreadsheet: Spreadsheet, body: dict) -> None:
    request = body.get("protectedRange") or {}
    sheet, current = _find(spreadsheet, request.get("protectedRangeId"))
    updated = dict(current)
    fieldmask.apply(updated, request, fieldmask.parse(body.get("fields")))
    new_sheet, protected = _normalised(spreadsheet, updated)
    sheet.protected_ranges = [p for p in sheet.protected_ranges if p is not current]
    new_sheet.protected_ranges = [*new_sheet.protected_ranges, protected]


def delete_protected_range(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet, current = _find(spreadsheet, body.get("protectedRangeId"))
    sheet.protected_ranges = [p for p in sheet.protected_ranges if p is not current]


PROTECTED_REQUESTS = {
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
}
