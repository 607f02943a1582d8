"""The Sheets model's slice-at-a-time paths (repeatCell by column, updateCells' clearing by row slice or
whole rows, copyPaste by block, trim/pad checked in C) store exactly what applying each cell on its own
stores, in rows of their own, and leave a saved spreadsheet they work on a copy of as it was.

Each test runs a request on a grid of mixed slots (bare values of every type, equal values of different
types, float zeros of both signs, Cells with formats, notes, formulas and error values, empty strings,
gaps, short and empty rows) and compares it with the same request done cell by cell through the general
per-cell functions (`Applier.apply`, `_pasted`, `Sheet.put`).
"""

from __future__ import annotations

import pytest

from emulators.google.sheets import cell_requests, cells, fieldmask, paste
from emulators.google.sheets.cell_requests import repeat_cell, update_cells
from emulators.google.sheets.celldata import SAMPLE, Applier
from emulators.google.sheets.cells import Cell, CellError
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.paste import copy_paste
from emulators.google.sheets.ranges import grid_target

MONEY = {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}}
BOLD = {"textFormat": {"bold": True}}
ROWS, COLS = 40, 9


def _grid() -> Spreadsheet:
    """Two tabs of mixed slots: "Data" (id 0) and "Other" (id 7), rows of varying lengths."""
    spreadsheet = Spreadsheet("s", "Mixed")
    data, other = Sheet(0, "Data", row_count=100, column_count=COLS + 3), Sheet(7, "Other", 100, 12)
    spreadsheet.sheets += [data, other]
    formula = spreadsheet.bind_formula("=Other!A1+1")
    columns = [
        lambda i: f"status {i % 3}",  # text with repeats
        lambda i: float(45000 + i % 4),  # dates with repeats
        lambda i: [0.0, -0.0, 1.5, 0.0][i % 4],  # float zeros of both signs
        lambda i: [1, 1.0, True, 0, False, 0.0, -0.0, "1", None][i % 9],  # equal keys, different types
        lambda i: i * 1.25,  # unique
        lambda i: [None, "", "x", None][i % 4],  # gaps and empty strings
        lambda i: [
            Cell("kept", None, MONEY),
            Cell(None, formula, BOLD, "a note"),
            Cell(CellError("REF", "gone"), None, None),
            Cell(3, None, None, "note only"),
            Cell(None, None, MONEY),
            "bare",
        ][i % 6],
        lambda i: Cell(i % 2, None, MONEY) if i % 5 == 0 else i % 2,  # Cells among repeating values
        lambda i: "x" * (i % 3),
    ]
    for i in range(ROWS):
        width = COLS if i % 7 else i % COLS  # some rows short, some empty
        data.rows.append([columns[c](i) for c in range(width)])
    data.rows.insert(5, [])
    other.rows = [[10, "a", Cell(2.5, None, MONEY)], ["b", None, 4]]
    data.trim()
    return spreadsheet


def _range(sheet_id: int, box: tuple[int, int | None, int, int | None]) -> dict:
    """A GridRange of (first row, end row, first column, end column); None leaves that end open."""
    ends = zip(("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"), box, strict=True)
    return {"sheetId": sheet_id} | {name: index for name, index in ends if index is not None}


def _stored(spreadsheet: Spreadsheet) -> list:
    """Every slot as stored: its type and its JSON (repr: 1, 1.0, True, -0.0 and 0.0 all differ)."""
    return [(sheet.title, _stored_rows(sheet)) for sheet in spreadsheet.sheets]


def _stored_rows(sheet: Sheet) -> list:
    return [[(type(s).__name__, repr(cells.slot_to_json(s))) for s in row] for row in sheet.rows]


def _cell_by_cell(spreadsheet: Spreadsheet, body: dict) -> None:
    """repeatCell, one `Applier.apply` per cell of the range."""
    applier = Applier(spreadsheet, fieldmask.parse(body["fields"]))
    target = grid_target(spreadsheet, body["range"])
    r0, r1, c0, c1 = cell_requests.inside(target)
    for c in range(c0, c1):
        for r in range(r0, r1):
            target.sheet.put(r, c, applier.apply(target.sheet.slot(r, c), body.get("cell") or {}))
    _trim(target.sheet)


def _trim(sheet: Sheet) -> None:
    """Sheet.trim slot by slot, as it was."""
    for row in sheet.rows:
        while row and row[-1] is None:
            row.pop()
    while sheet.rows and not sheet.rows[-1]:
        sheet.rows.pop()


@pytest.mark.parametrize(
    ("fields", "cell"),
    [
        ("userEnteredFormat.numberFormat", {"userEnteredFormat": MONEY}),
        ("userEnteredFormat.textFormat.bold", {"userEnteredFormat": BOLD}),
        ("userEnteredFormat", {"userEnteredFormat": {}}),  # every format cleared
        ("userEnteredFormat", {}),
        ("note", {"note": "n"}),
        ("userEnteredValue,userEnteredFormat", {"userEnteredValue": {"numberValue": 2}}),
        ("*", {"userEnteredFormat": MONEY}),
    ],
)
@pytest.mark.parametrize(
    "box", [(0, None, 0, None), (3, 30, 1, 8), (0, 60, 4, 5), (35, 50, 0, COLS + 3)], ids=str
)
def test_a_repeat_cell_stores_what_applying_each_cell_stores(fields, cell, box):
    body = {"range": _range(0, box), "cell": cell, "fields": fields}
    fast, slow = _grid(), _grid()
    repeat_cell(fast, body)
    _cell_by_cell(slow, body)
    assert _stored(fast) == _stored(slow)


@pytest.mark.parametrize(
    ("fields", "cell"),
    [("userEnteredFormat.numberFormat", {"userEnteredFormat": MONEY}), ("userEnteredFormat", {})],
)
@pytest.mark.parametrize("row", [2, 5, 11, 30], ids=["above", "empty", "inside", "below"])
def test_a_repeat_cell_trims_a_row_left_ending_empty_as_applying_each_cell_does(fields, cell, row):
    """A row ending in an empty slot (no request leaves one: put here) above the range, inside it (past
    its last column) or below it is trimmed by both paths (rows 10-13 are long enough: none padded)."""
    body = {"range": _range(0, (10, 14, 1, 4)), "cell": cell, "fields": fields}
    fast, slow = _grid(), _grid()
    for spreadsheet in (fast, slow):
        spreadsheet.sheets[0].rows[row].append(None)
    repeat_cell(fast, body)
    _cell_by_cell(slow, body)
    assert _stored(fast) == _stored(slow)


@pytest.mark.parametrize(
    ("values", "cells_made"),
    [
        (lambda i: f"INV-{i:05d}", 2 * SAMPLE + 1),  # unique: a Cell each
        (lambda i: float(i % 100), 100),  # repeating: a Cell per value
        (lambda i: [i % 7, None][i % 2], 8),  # repeating, gaps
    ],
    ids=["unique", "repeating", "gaps"],
)
def test_a_long_column_stores_what_applying_each_cell_stores_sharing_repeats(values, cells_made):
    """A column long enough for `_looks_unique` to sample."""
    height = 2 * SAMPLE + 1
    fast, slow = Spreadsheet("s", "Long"), Spreadsheet("s", "Long")
    for spreadsheet in (fast, slow):
        spreadsheet.sheets.append(Sheet(0, "Data", row_count=height, column_count=1))
        spreadsheet.sheets[0].rows = [[values(i)] for i in range(height)]
    body = {
        "range": _range(0, (0, height, 0, 1)),
        "cell": {"userEnteredFormat": MONEY},
        "fields": "userEnteredFormat.numberFormat",
    }
    repeat_cell(fast, body)
    _cell_by_cell(slow, body)
    assert _stored(fast) == _stored(slow)
    assert len({id(row[0]) for row in fast.sheets[0].rows}) == cells_made


def test_equal_values_of_different_types_keep_their_type_under_a_shared_format():
    spreadsheet = Spreadsheet("s", "Types")
    sheet = Sheet(0, "Data", row_count=20, column_count=2)
    spreadsheet.sheets.append(sheet)
    values = [1, 1.0, True, 0, 0.0, -0.0, False] * 2
    sheet.rows = [[v] for v in values] + [[-0.0], [-0.0], [0.0]]  # a float column of zeros below
    body = {
        "range": _range(0, (14, 17, 0, 1)),
        "cell": {"userEnteredFormat": MONEY},
        "fields": "userEnteredFormat.numberFormat",
    }
    repeat_cell(spreadsheet, body)
    repeat_cell(spreadsheet, {**body, "range": _range(0, (0, 14, 0, 1))})
    stored = [row[0].value for row in sheet.rows]
    assert [(type(v), repr(v)) for v in stored] == [(type(v), repr(v)) for v in [*values, -0.0, -0.0, 0.0]]


def _update_cell_by_cell(spreadsheet: Spreadsheet, body: dict) -> None:
    """updateCells over a range, each uncovered cell cleared by its own `Applier.apply`."""
    applier = Applier(spreadsheet, fieldmask.parse(body["fields"]))
    target = grid_target(spreadsheet, body["range"])
    r0, r1, c0, c1 = cell_requests.inside(target)
    rows, sheet = body.get("rows") or [], target.sheet
    for r in range(r0, r1):
        covered = len(rows[r - r0].get("values") or []) if r - r0 < len(rows) else 0
        for c in range(c0 + covered, c1):
            if sheet.slot(r, c) is not None:
                sheet.put(r, c, applier.apply(sheet.slot(r, c), {}))
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            sheet.put(r0 + i, c0 + j, applier.apply(sheet.slot(r0 + i, c0 + j), data or {}))
    _trim(sheet)


@pytest.mark.parametrize(
    "fields",
    [
        "userEnteredValue,note,userEnteredFormat.textFormat",  # the writer's clear_values
        "userEnteredValue,note",
        "userEnteredValue",
        "userEnteredFormat",
        "note,userEnteredFormat.numberFormat",
        "*",
    ],
)
@pytest.mark.parametrize(
    "box",
    [(0, 100, 0, COLS + 3), (2, 20, 0, COLS + 3), (2, 20, 0, 5), (2, 20, 2, 7)],  # whole rows to the end,
    # whole rows between others, the start of rows, their middle
    ids=str,
)
@pytest.mark.parametrize("written", [0, 3])
@pytest.mark.parametrize("copied", [False, True], ids=["own rows", "saved rows"])
def test_clearing_a_range_stores_what_clearing_each_cell_stores(fields, box, written, copied):
    rows = [{"values": [{"userEnteredValue": {"stringValue": "new"}}] * (i + 1)} for i in range(written)]
    body = {"range": _range(0, box), "rows": rows, "fields": fields}
    saved, slow = _grid(), _grid()
    fast = saved.copy() if copied else saved
    update_cells(fast, body)
    _update_cell_by_cell(slow, body)
    assert _stored(fast) == _stored(slow)
    assert not copied or _stored(saved) == _stored(_grid())
    _assert_own_rows(fast, saved)


def _assert_own_rows(*spreadsheets: Spreadsheet) -> None:
    """Every row of every tab is a list of its own (a later write to one changes no other)."""
    ids = [id(row) for spreadsheet in set(spreadsheets) for sheet in spreadsheet.sheets for row in sheet.rows]
    assert len(set(ids)) == len(ids)


def _paste_cell_by_cell(spreadsheet: Spreadsheet, body: dict) -> None:
    """copyPaste, each destination cell made by `_pasted` from the slot under it."""
    paste_type = body["pasteType"]
    source = grid_target(spreadsheet, body["source"])
    s0, s1, t0, t1 = cell_requests.inside(source)
    block = [[source.sheet.slot(r, c) for c in range(t0, t1)] for r in range(s0, s1)]
    if paste_type == "PASTE_VALUES":
        block = [[spreadsheet.formula_value(source.sheet, slot) for slot in row] for row in block]
    destination = grid_target(spreadsheet, body["destination"])
    sheet, height, width = destination.sheet, s1 - s0, t1 - t0
    d0, e0, rows_out, cols_out = paste.paste_area(destination, height, width)
    for i in range(rows_out):
        for j in range(cols_out):
            value = block[i % height][j % width]
            slot = sheet.slot(d0 + i, e0 + j)
            sheet.put(d0 + i, e0 + j, paste._pasted(slot, value, paste_type))
    _trim(sheet)


@pytest.mark.parametrize("paste_type", ["PASTE_VALUES", "PASTE_FORMAT", "PASTE_NORMAL"])
@pytest.mark.parametrize(
    ("source", "destination"),
    [
        ((0, 40, 0, COLS), (45, 85, 0, COLS)),  # below the data: new rows
        ((0, 40, 0, COLS), (10, 50, 0, COLS)),  # whole rows over the data and below it
        ((0, 40, 0, COLS), (20, 60, 2, COLS + 2)),  # over the data and below it
        ((3, 9, 1, 4), (30, 42, 5, 11)),  # tiled twice each way
        ((0, 2, 0, 3), (0, 2, 0, 3)),  # onto itself
        ((0, 40, 0, 6), (45, 85, 0, 6)),  # bare values (empty strings among them) below the data
        ((0, 40, 0, 6), (4, 44, 0, 6)),  # bare values over bare values, rows longer than the block
        ((0, 2, 0, 6), (50, 56, 0, 6)),  # bare values tiled down, new rows
    ],
    ids=str,
)
@pytest.mark.parametrize("other_tab", [False, True])
@pytest.mark.parametrize("copied", [False, True], ids=["own rows", "saved rows"])
def test_a_paste_stores_what_pasting_each_cell_stores(paste_type, source, destination, other_tab, copied):
    body = {
        "source": _range(0, source),
        "destination": _range(7 if other_tab else 0, destination),
        "pasteType": paste_type,
    }
    saved, slow = _grid(), _grid()
    fast = saved.copy() if copied else saved
    copy_paste(fast, body)
    _paste_cell_by_cell(slow, body)
    assert _stored(fast) == _stored(slow)
    assert not copied or _stored(saved) == _stored(_grid())
    _assert_own_rows(fast, saved)


def test_trim_and_pad_store_what_they_did_slot_by_slot():
    rows = [
        [],
        [None],
        [1, None],
        [None, 2],
        [None, None, None],
        [Cell(None, None, MONEY), None],
        [0, "", False],
    ]
    for cut in range(len(rows) + 1):
        fast, slow = Sheet(0, "A"), Sheet(0, "A")
        fast.rows = [list(row) for row in rows[:cut]] + [[None]]
        slow.rows = [list(row) for row in rows[:cut]] + [[None]]
        fast.trim()
        _trim(slow)
        assert _stored_rows(fast) == _stored_rows(slow)
    for size in ((3, 2), (8, 4), (0, 5), (2, 0)):
        padded = Sheet(0, "A")
        padded.rows = [list(row) for row in rows]
        padded.pad(*size)
        assert padded.rows[: size[0]] == [
            row + [None] * (size[1] - len(row)) for row in (rows + [[]] * size[0])[: size[0]]
        ]
