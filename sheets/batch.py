"""Builders of `spreadsheets.batchUpdate` requests (grid ranges are 0-based, half-open)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from gspread.utils import rowcol_to_a1

from sheets.cells import ColumnLike, cell_of, number_format
from sheets.rows import FormatRun, RawRow, RowData

Request = dict[str, Any]  # one request of a spreadsheets.batchUpdate (JSON)

HEADER_FIELDS = "userEnteredValue,userEnteredFormat.textFormat.bold,note"


def grid(
    sheet_id: int, row0: int | None = None, row1: int | None = None, col0: int = 0, col1: int | None = None
) -> Request:
    """A GridRange; None leaves that side unbounded."""
    out: dict[str, int] = {"sheetId": sheet_id}
    for name, value in (
        ("startRowIndex", row0),
        ("endRowIndex", row1),
        ("startColumnIndex", col0),
        ("endColumnIndex", col1),
    ):
        if value is not None:
            out[name] = value
    return out


def column_letter(index: int) -> str:
    """The A1 letter(s) of a 0-based column index."""
    return rowcol_to_a1(1, index + 1)[:-1]


def row_runs(indexes: Collection[int]) -> list[tuple[int, int]]:
    """Contiguous [start, end) runs of row indexes, last run first (so deletes don't shift)."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(indexes)):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs[::-1]


def mark_rows(sheet_id: int, start: int, stop: int, cols: int, fmt: dict[str, Any], note: str) -> Request:
    """Rows [start, stop) in a text format, with a note on each cell saying why."""
    return {
        "repeatCell": {
            "range": grid(sheet_id, start, stop, 0, cols),
            "cell": {"userEnteredFormat": fmt, "note": note},
            "fields": "userEnteredFormat.textFormat,note",
        }
    }


def add_sheet(sheet_id: int, title: str, rows: int, cols: int, *, hidden: bool = False) -> Request:
    props: dict[str, Any] = {
        "sheetId": sheet_id,
        "title": title,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }
    if hidden:
        props["hidden"] = True
    return {"addSheet": {"properties": props}}


def delete_sheet(sheet_id: int) -> Request:
    return {"deleteSheet": {"sheetId": sheet_id}}


def _grid_props(sheet_id: int, **grid_props: int) -> Request:
    fields = ",".join(f"gridProperties.{k}" for k in grid_props)
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": grid_props},
            "fields": fields,
        }
    }


def resize(
    sheet_id: int, rows: int, cols: int, old_rows: int, old_cols: int, *, frozen_rows: int | None = 1
) -> list[Request]:
    """Resize a tab, shrinking first so the spreadsheet never passes the cell limit mid-batch."""
    row_props = {"rowCount": rows} | ({"frozenRowCount": frozen_rows} if frozen_rows is not None else {})
    by_rows, by_cols = _grid_props(sheet_id, **row_props), _grid_props(sheet_id, columnCount=cols)
    return [by_cols, by_rows] if cols < old_cols else [by_rows, by_cols]


def append_rows(sheet_id: int, count: int) -> list[Request]:
    return (
        [{"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": count}}]
        if count > 0
        else []
    )


def delete_rows(sheet_id: int, start: int, end: int) -> Request:
    return {
        "deleteDimension": {
            "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": end}
        }
    }


def update_cells(
    sheet_id: int, row: int, rows: list[dict[str, Any]], *, col: int = 0, fields: str = "userEnteredValue"
) -> Request:
    """Write RowData starting at (row, col)."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": rows,
            "fields": fields,
        }
    }


def clear_values(sheet_id: int) -> Request:
    """Empty every cell of a tab: values, notes and text formats (an upsert's strikethrough on a row
    marked deleted must not land on whatever row 3 holds after a full refresh); number formats stay."""
    return {
        "updateCells": {
            "range": grid(sheet_id),
            "fields": "userEnteredValue,note,userEnteredFormat.textFormat",
        }
    }


def copy_values(source: int, rows: int, cols: int, target: int, target_row: int) -> Request:
    """Paste the values of source[0:rows, 0:cols] into target at target_row."""
    return {
        "copyPaste": {
            "source": grid(source, 0, rows, 0, cols),
            "destination": grid(target, target_row, target_row + rows, 0, cols),
            "pasteType": "PASTE_VALUES",
        }
    }


def copy_formats(
    source: int, rows: int, columns: Collection[int], target: int, target_row: int
) -> list[Request]:
    """Paste the formats of the given columns of source[0:rows] into target at target_row."""
    return [
        {
            "copyPaste": {
                "source": grid(source, 0, rows, c, c + 1),
                "destination": grid(target, target_row, target_row + rows, c, c + 1),
                "pasteType": "PASTE_FORMAT",
            }
        }
        for c in sorted(columns)
    ]


def header(sheet_id: int, labels: Sequence[str], note: str | None) -> Request:
    """The bold header row, with the "last refreshed" note on A1 when there is one."""
    cells = [
        {"userEnteredValue": {"stringValue": label}, "userEnteredFormat": {"textFormat": {"bold": True}}}
        for label in labels
    ]
    if note is not None and cells:
        cells[0]["note"] = note
    return update_cells(sheet_id, 0, [{"values": cells}], fields=HEADER_FIELDS)


def column_formats(
    sheet_id: int, columns: Sequence[ColumnLike], row0: int, row1: int, skip: Collection[int] = ()
) -> list[Request]:
    """One repeatCell per column with a number format over rows [row0, row1); `skip` is formatted per cell."""
    out = []
    for index, column in enumerate(columns):
        fmt = number_format(column)
        if fmt is None or row1 <= row0 or index in skip:
            continue
        out.append(
            {
                "repeatCell": {
                    "range": grid(sheet_id, row0, row1, index, index + 1),
                    "cell": {"userEnteredFormat": {"numberFormat": fmt}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return out


def cell_rows(rows: Sequence[RawRow]) -> list[RowData]:
    """RAW rows as updateCells RowData (for writes that must ride inside one batchUpdate)."""
    return [{"values": [cell_of(v) for v in row]} for row in rows]


def format_runs(sheet_id: int, runs: Sequence[FormatRun], row0: int) -> list[Request]:
    """One repeatCell per run of rows sharing a number format; data row 0 lands on `row0`."""
    return [
        {
            "repeatCell": {
                "range": grid(sheet_id, row0 + run.start, row0 + run.end, run.column, run.column + 1),
                "cell": {"userEnteredFormat": {"numberFormat": run.fmt}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for run in runs
    ]


def column_widths(sheet_id: int, widths: Sequence[int]) -> list[Request]:
    return [
        {
            "updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
                "properties": {"pixelSize": width},
                "fields": "pixelSize",
            }
        }
        for i, width in enumerate(widths)
    ]
