"""add/deleteDimensionGroup: row and column groups as Google documents them (nesting by depth).

A tab's groups of one dimension are a depth per index (how many groups cover it); the listed groups are,
for each depth d, the maximal runs of indexes whose depth is at least d. Adding raises the depth over the
range, deleting lowers it where it is above zero — which gives every example in Google's reference.
"""

from __future__ import annotations

from emulators.google.sheets import fieldmask
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Sheet, Spreadsheet

Segment = tuple[int, int, int]  # start, end, depth
FIELDS = {"ROWS": "row_groups", "COLUMNS": "column_groups"}


def _segments(groups: list[dict]) -> list[Segment]:
    """Depth as constant pieces, from the listed groups (each adds one over its range)."""
    points = sorted({g["range"][k] for g in groups for k in ("startIndex", "endIndex")})
    out = []
    for start, end in zip(points, points[1:], strict=False):
        depth = sum(1 for g in groups if g["range"]["startIndex"] <= start and end <= g["range"]["endIndex"])
        if depth:
            out.append((start, end, depth))
    return out


def _shifted(segments: list[Segment], start: int, end: int, step: int) -> list[Segment]:
    """Depth + step over [start, end) (never below zero)."""
    points = sorted({start, end, *(p for s in segments for p in s[:2])})
    out = []
    for a, b in zip(points, points[1:], strict=False):
        depth = next((d for s, e, d in segments if s <= a and b <= e), 0)
        if start <= a and b <= end:
            depth = max(0, depth + step)
        if depth:
            out.append((a, b, depth))
    return out


def _groups(segments: list[Segment], sheet_id: int, dimension: str) -> list[dict]:
    out = []
    for level in range(1, max((d for *_, d in segments), default=0) + 1):
        runs: list[list[int]] = []
        for start, end, depth in segments:
            if depth < level:
                continue
            if runs and runs[-1][1] == start:
                runs[-1][1] = end
            else:
                runs.append([start, end])
        for start, end in runs:
            span = {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end}
            out.append({"range": span, "depth": level, "collapsed": False})
    return out


def _request(spreadsheet: Spreadsheet, body: dict) -> tuple[Sheet, str, int, int]:
    span = body.get("range") or {}
    sheet = spreadsheet.sheet_by_id(int(span.get("sheetId") or 0))
    if sheet is None:
        raise GridError(f"No grid with id: {span.get('sheetId')}")
    dimension = span.get("dimension")
    if dimension not in FIELDS:
        raise GridError(f"Invalid dimension: {dimension}")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start, end = int(span.get("startIndex") or 0), int(span.get("endIndex") or size)
    if not 0 <= start < end <= size:
        raise GridError(f"Invalid range: startIndex {start}, endIndex {end} for a grid of {size}.")
    return sheet, dimension, start, end


def _key(group: dict) -> tuple[int, int, int]:
    return group["range"]["startIndex"], group["range"]["endIndex"], group["depth"]


def _change(spreadsheet: Spreadsheet, body: dict, step: int, kind: str) -> dict:
    sheet, dimension, start, end = _request(spreadsheet, body)
    current = _segments(getattr(sheet, FIELDS[dimension]))
    if step < 0 and not any(s < end and start < e for s, e, _ in current):
        raise GridError("No dimension group found in the range.")
    old = getattr(sheet, FIELDS[dimension])
    collapsed = {_key(g) for g in old if g.get("collapsed")}
    groups = _groups(_shifted(current, start, end, step), sheet.sheet_id, dimension)
    groups = [{**g, "collapsed": _key(g) in collapsed} for g in groups]  # untouched groups stay collapsed
    setattr(sheet, FIELDS[dimension], groups)
    return {kind: {"dimensionGroups": groups}}


def add_dimension_group(spreadsheet: Spreadsheet, body: dict) -> dict:
    return _change(spreadsheet, body, 1, "addDimensionGroup")


def delete_dimension_group(spreadsheet: Spreadsheet, body: dict) -> dict:
    return _change(spreadsheet, body, -1, "deleteDimensionGroup")


def update_dimension_group(spreadsheet: Spreadsheet, body: dict) -> None:
    """Collapse or expand the group with exactly this range and depth (`fields`: collapsed)."""
    wanted = body.get("dimensionGroup") or {}
    sheet, dimension, start, end = _request(spreadsheet, wanted)
    groups = getattr(sheet, FIELDS[dimension])
    for i, group in enumerate(groups):
        span = group["range"]
        if _key(group) == (start, end, wanted.get("depth")):
            updated = dict(group)
            fieldmask.apply(updated, wanted, fieldmask.parse(body.get("fields")))
            if updated.get("range") != span or updated.get("depth") != group["depth"]:
                raise GridError("Only collapsed can be updated.")
            setattr(sheet, FIELDS[dimension], [*groups[:i], updated, *groups[i + 1 :]])
            return
    raise GridError("No dimension group found in the range.")


GROUP_REQUESTS = {
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "updateDimensionGroup": update_dimension_group,
}
