"""Grid mutations shared by the values endpoints and batchUpdate: writing, clearing, resizing."""

from __future__ import annotations

from emulators.google.sheets import cells, entry
from emulators.google.sheets.a1 import MAX_COLUMNS
from emulators.google.sheets.model import MAX_CELLS, Sheet, Spreadsheet
from emulators.google.sheets.shift import Change

CELL_LIMIT = (
    f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
)
COLUMN_LIMIT = (
    f"This action would increase the number of columns in the sheet above the limit of {MAX_COLUMNS}."
)


class GridError(ValueError):
    """A request that breaks a grid rule; the message is Google's. `cell` = (row, col) of bad input."""

    def __init__(self, message: str, cell: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.cell = cell


def write_parsed(spreadsheet: Spreadsheet, sheet: Sheet, r: int, c: int, parsed: entry.Parsed) -> None:
    """Store a parsed input value, keeping the cell's format (and adding an implied number format)."""
    value, formula, implied = parsed
    old = sheet.slot(r, c)
    fmt = cells.fmt_of(old)
    if implied and not (fmt or {}).get("numberFormat"):
        fmt = {**(fmt or {}), "numberFormat": implied}
    template = spreadsheet.bind_formula(formula) if formula is not None else None
    sheet.put(r, c, cells.make(value, template, fmt, cells.note_of(old)))


def write_rows(
    spreadsheet: Spreadsheet, sheet: Sheet, r0: int, c0: int, rows: list[list], option: str
) -> tuple[int, int, int]:
    """Write a block of input values at (r0, c0); returns (rows, columns, cells) actually written."""
    written_rows, written_cols, count = set(), set(), 0
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise GridError(f"Invalid value {row!r}", (i, 0))
        written = _write_raw_row(sheet, r0 + i, c0, row) if option == "RAW" else None
        if written is None:
            written = _write_row(spreadsheet, sheet, r0 + i, c0, row, option, i)
        if written:
            written_rows.add(i)
            written_cols.update(written)
            count += len(written)
    sheet.trim()
    return len(written_rows), len(written_cols), count


def _write_row(
    spreadsheet: Spreadsheet, sheet: Sheet, r: int, c0: int, row: list, option: str, i: int
) -> list[int]:
    """Write one row of input values cell by cell; the offsets of the cells written."""
    written = []
    for j, raw in enumerate(row):
        try:
            parsed = entry.parse(raw, option)
        except (ValueError, TypeError) as exc:
            raise GridError(str(exc), (i, j)) from None
        if parsed is entry.SKIP:
            continue
        write_parsed(spreadsheet, sheet, r, c0 + j, parsed)  # type: ignore[arg-type]
        written.append(j)
    return written


RAW_KINDS = frozenset((str, int, float, bool, type(None)))


def _write_raw_row(sheet: Sheet, r: int, c0: int, row: list) -> range | list[int] | None:
    """A RAW row over slots holding no `Cell` (no format or note to keep), in one slice: what writing
    it cell by cell stores, at a fraction of the cost. None when the row needs that path (a Cell under
    it, a value that is not a string, number, bool or null, a text too long: the error is raised there)."""
    kinds = set(map(type, row))
    if not kinds <= RAW_KINDS:
        return None
    if str in kinds and max(map(len, [v for v in row if type(v) is str])) > cells.MAX_CELL_CHARS:
        return None
    grid, end = sheet.rows, c0 + len(row)
    if r < len(grid):
        line = grid[r]
        if cells.Cell in map(type, line[c0:end]):
            return None
        if len(line) < end:
            line.extend([None] * (end - len(line)))
    else:
        grid.extend([] for _ in range(r - len(grid)))
        line = [None] * end
        grid.append(line)
    if type(None) in kinds:  # a JSON null leaves its cell as it is, and is not counted as written
        line[c0:end] = [line[c0 + j] if v is None else None if v == "" else v for j, v in enumerate(row)]
        return [j for j, v in enumerate(row) if v is not None]
    line[c0:end] = [None if v == "" else v for v in row] if "" in row else row
    return range(len(row))


def clear_values(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    """Remove values and formulas in the bounds; formatting stays (values.clear semantics)."""
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        for c in range(c0, min(c1, len(row))):
            slot = row[c]
            if slot is not None:
                row[c] = cells.make(None, None, cells.fmt_of(slot), cells.note_of(slot))
    sheet.trim()


def check_size(spreadsheet: Spreadsheet, sheet: Sheet, rows: int, cols: int) -> None:
    """Google's limits for resizing `sheet` (rows are checked before columns, like Google)."""
    if cols > MAX_COLUMNS:
        raise GridError(COLUMN_LIMIT)
    others = spreadsheet.cell_count() - sheet.row_count * sheet.column_count
    if others + rows * sheet.column_count > MAX_CELLS or others + rows * cols > MAX_CELLS:
        raise GridError(CELL_LIMIT)


def resize(spreadsheet: Spreadsheet, sheet: Sheet, rows: int, cols: int) -> None:
    """Set the grid size (checked), dropping data outside it."""
    if rows > sheet.row_count or cols > sheet.column_count:
        check_size(spreadsheet, sheet, rows, cols)
    shrink = rows < sheet.row_count or cols < sheet.column_count
    sheet.row_count, sheet.column_count = rows, cols
    if shrink:
        sheet.cut_to_grid()


def grow_to(spreadsheet: Spreadsheet, sheet: Sheet, rows: int, cols: int) -> None:
    """Grow the grid so it holds `rows` x `cols` (never shrinks)."""
    rows, cols = max(rows, sheet.row_count), max(cols, sheet.column_count)
    if (rows, cols) != (sheet.row_count, sheet.column_count):
        resize(spreadsheet, sheet, rows, cols)


def insert(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Insert empty rows/columns before `start` (data below/right shifts)."""
    count = end - start
    if dimension == "ROWS":
        check_size(spreadsheet, sheet, sheet.row_count + count, sheet.column_count)
        sheet.row_count += count
        if start < len(sheet.rows):
            sheet.rows[start:start] = [[] for _ in range(count)]
    else:
        check_size(spreadsheet, sheet, sheet.row_count, sheet.column_count + count)
        sheet.column_count += count
        for row in sheet.rows:
            if start < len(row):
                row[start:start] = [None] * count
    sheet.trim()
    spreadsheet.shift_references(Change(sheet.sheet_id, dimension, start, end, inserted=True))


def delete(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Delete rows/columns [start, end) (data below/right shifts up/left)."""
    if dimension == "ROWS":
        if end - start >= sheet.row_count:
            raise GridError("You can't delete all the rows on the sheet.")
        del sheet.rows[start:end]
        sheet.row_count -= end - start
        sheet.frozen_row_count = min(sheet.frozen_row_count, sheet.row_count - 1)
    else:
        if end - start >= sheet.column_count:
            raise GridError("You can't delete all the columns on the sheet.")
        for row in sheet.rows:
            del row[start:end]
        sheet.column_count -= end - start
        sheet.frozen_column_count = min(sheet.frozen_column_count, sheet.column_count - 1)
    sheet.trim()
    spreadsheet.shift_references(Change(sheet.sheet_id, dimension, start, end, inserted=False))
