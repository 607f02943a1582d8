"""copyPaste: a source block pasted at a destination (values, formulas and/or formats), tiled where the
destination is an exact multiple of it.

A staged replace pastes 100,000 rows at once, so the block goes through comprehensions over all its rows
wherever each pasted slot is known without looking at the slot under it: PASTE_NORMAL pastes the source
slots themselves, PASTE_VALUES of bare values over slots holding no `Cell` pastes the values ("" as empty),
and rows replacing whole rows are swapped in (`Sheet.put_rows`). Every other case makes each slot with
`_pasted`, which `tests/emulators/google/test_sheets_slices.py` compares them with.
"""

from __future__ import annotations

from itertools import chain, filterfalse

from emulators.google.sheets import cells
from emulators.google.sheets.cell_requests import inside
from emulators.google.sheets.cells import Slot
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import Target, grid_target

PASTE_TYPES = ("PASTE_NORMAL", "PASTE_VALUES", "PASTE_FORMAT")


def copy_paste(spreadsheet: Spreadsheet, body: dict) -> None:
    """Paste a source range (values, formulas and/or formats) at a destination, tiling exact multiples."""
    paste_type = body.get("pasteType") or "PASTE_NORMAL"
    if paste_type not in PASTE_TYPES:
        raise GridError(f"Unsupported pasteType: {paste_type}")
    source = grid_target(spreadsheet, body["source"])
    s0, s1, t0, t1 = inside(source)
    block = source.sheet.block(s0, s1, t0, t1)
    bare = False  # whether PASTE_VALUES pastes a block holding no `Cell` (no formula to evaluate)
    if paste_type == "PASTE_VALUES":
        bare = cells.Cell not in map(type, chain.from_iterable(block))  # asked in C
        block = block if bare else _values(spreadsheet, source.sheet, block)
    destination = grid_target(spreadsheet, body["destination"])
    sheet, width = destination.sheet, t1 - t0
    d0, e0, rows_out, cols_out = paste_area(destination, s1 - s0, width)
    inside(destination, d0 + rows_out, e0 + cols_out)
    incoming = _tiled(block, rows_out, cols_out // width)
    sheet.put_rows(d0, e0, _pasted_rows(sheet, (d0, e0, cols_out), incoming, paste_type, bare))
    sheet.trim()


def paste_area(destination: Target, height: int, width: int) -> tuple[int, int, int, int]:
    """Where a pasted height x width block lands: (first row, first column, rows, columns); a
    destination an exact multiple of the block in a direction is tiled that way."""
    sheet = destination.sheet
    d0, d1, e0, e1 = destination.box.bounded(sheet.row_count, sheet.column_count)
    rows_out = (d1 - d0) // height * height if d1 - d0 >= height and (d1 - d0) % height == 0 else height
    cols_out = (e1 - e0) // width * width if e1 - e0 >= width and (e1 - e0) % width == 0 else width
    return d0, e0, rows_out, cols_out


def _values(spreadsheet: Spreadsheet, sheet: Sheet, block: list[list[Slot]]) -> list[list[Slot]]:
    """The values of a block of slots (formulas evaluated); a row of bare values is its own."""
    return [
        row if cells.Cell not in map(type, row) else [spreadsheet.formula_value(sheet, slot) for slot in row]  # type: ignore[misc]
        for row in block
    ]


def _tiled(block: list[list[Slot]], rows: int, across: int) -> list[list[Slot]]:
    """The block repeated `across` times in each row and down to `rows` rows, a new list per row (as
    `Sheet.put_rows` stores them)."""
    wide = [row * across for row in block] if across > 1 else block
    return wide + [list(wide[i % len(wide)]) for i in range(len(wide), rows)]


def _pasted_rows(
    sheet: Sheet, at: tuple[int, int, int], incoming: list[list[Slot]], paste_type: str, bare: bool
) -> list[list[Slot]]:
    """The rows of slots `incoming` leaves at `at` (first row, first column, columns) of `sheet`, as
    `_pasted` makes each of them from the slot under it."""
    if paste_type == "PASTE_NORMAL":
        return incoming
    d0, e0, width = at
    d1, e1 = d0 + len(incoming), e0 + width
    if paste_type == "PASTE_VALUES" and bare and not sheet.holds_cells(d0, d1, e0, e1):
        if "" not in filterfalse(None, chain.from_iterable(incoming)):  # only the falsy slots compared
            return incoming
        return [[None if value == "" else value for value in row] if "" in row else row for row in incoming]
    under = sheet.block(d0, d1, e0, e1)
    return [_pasted_row(old, row, paste_type) for old, row in zip(under, incoming, strict=True)]


def _pasted_row(old: list[Slot], incoming: list, paste_type: str) -> list[Slot]:
    """A row of `_pasted` slots over `old` (the destination's slots); values pasted over slots holding
    no `Cell` are the values themselves (no format or note to keep), "" as empty."""
    # an error value needs a Cell to hold it
    plain = cells.Cell not in map(type, old) and cells.CellError not in map(type, incoming)
    if paste_type == "PASTE_VALUES" and plain:
        return [None if value == "" else value for value in incoming] if "" in incoming else incoming
    return [_pasted(slot, value, paste_type) for slot, value in zip(old, incoming, strict=True)]


def _pasted(old: Slot, incoming: object, paste_type: str) -> Slot:
    if paste_type == "PASTE_NORMAL":
        return incoming  # type: ignore[return-value]
    if paste_type == "PASTE_VALUES":
        value = incoming if incoming != "" else None
        return cells.make(value, None, cells.fmt_of(old), cells.note_of(old))  # type: ignore[arg-type]
    value, formula, _ = cells.parts(old)
    return cells.make(value, formula, cells.fmt_of(incoming), cells.note_of(old))  # type: ignore[arg-type]


PASTE_REQUESTS = {"copyPaste": copy_paste}
