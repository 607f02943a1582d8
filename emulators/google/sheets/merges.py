"""mergeCells / unmergeCells: merged areas are kept as `sheets[].merges`; a merge keeps the top-left value."""

from __future__ import annotations

from emulators.google.sheets import cells
from emulators.google.sheets.a1 import Box
from emulators.google.sheets.cell_requests import inside
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import grid_range_json, grid_target

PARTIAL = "You must select all cells in a merged cell to merge or unmerge them."
Bounds = tuple[int, int, int, int]


def _bounds(merge: dict) -> Bounds:
    return merge["startRowIndex"], merge["endRowIndex"], merge["startColumnIndex"], merge["endColumnIndex"]


def _overlaps(a: Bounds, b: Bounds) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _contains(outer: Bounds, inner: Bounds) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2] and inner[3] <= outer[3]


def _areas(bounds: Bounds, merge_type: str) -> list[Bounds]:
    r0, r1, c0, c1 = bounds
    if merge_type == "MERGE_ALL":
        return [bounds]
    if merge_type == "MERGE_COLUMNS":
        return [(r0, r1, c, c + 1) for c in range(c0, c1)]
    if merge_type == "MERGE_ROWS":
        return [(r, r + 1, c0, c1) for r in range(r0, r1)]
    raise GridError(f"Invalid mergeType: {merge_type}")


def _keep_top_left(sheet: Sheet, area: Bounds) -> None:
    """Every cell of a merged area but the top-left one loses its value (formats stay)."""
    r0, r1, c0, c1 = area
    for r in range(r0, min(r1, len(sheet.rows))):
        for c in range(c0, min(c1, len(sheet.rows[r]))):
            slot = sheet.rows[r][c]
            if (r, c) != (r0, c0) and slot is not None:
                sheet.rows[r][c] = cells.make(None, None, cells.fmt_of(slot), cells.note_of(slot))
    sheet.trim()


def _whole_areas(spreadsheet: Spreadsheet, body: dict) -> tuple[Sheet, Bounds, list[dict]]:
    """The request's tab and bounds, and the merges it leaves alone; a merge cut in two is a 400."""
    target = grid_target(spreadsheet, body.get("range") or {})
    bounds = inside(target)
    merges = target.sheet.merges
    if any(_overlaps(bounds, _bounds(m)) and not _contains(bounds, _bounds(m)) for m in merges):
        raise GridError(PARTIAL)
    return target.sheet, bounds, [m for m in merges if not _contains(bounds, _bounds(m))]


def merge_cells(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet, bounds, kept = _whole_areas(spreadsheet, body)
    added = []
    for area in _areas(bounds, body.get("mergeType") or "MERGE_ALL"):
        if (area[1] - area[0]) * (area[3] - area[2]) > 1:
            _keep_top_left(sheet, area)
            added.append(grid_range_json(sheet.sheet_id, Box(*area)))
    sheet.merges = kept + added


def unmerge_cells(spreadsheet: Spreadsheet, body: dict) -> None:
    sheet, _, kept = _whole_areas(spreadsheet, body)
    sheet.merges = kept


MERGE_REQUESTS = {"mergeCells": merge_cells, "unmergeCells": unmerge_cells}
