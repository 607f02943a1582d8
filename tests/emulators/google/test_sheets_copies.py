"""A write works on `Spreadsheet.copy()`, whose tabs' rows are copied only when first used: the saved
spreadsheet never changes, whichever way the copy (or a copy of the copy) is read or changed."""

from __future__ import annotations

from emulators.google.sheets import grid, sheet_requests
from emulators.google.sheets.cells import Cell
from emulators.google.sheets.model import Sheet, Spreadsheet

BOLD = {"textFormat": {"bold": True}}


def _saved() -> Spreadsheet:
    spreadsheet = Spreadsheet("s", "Saved")
    data, other = Sheet(0, "Data"), Sheet(7, "Other")
    data.rows = [["a", 1, Cell(2, None, BOLD)], [], [None, "b"]]
    other.rows = [[i, f"row {i}"] for i in range(5)]
    spreadsheet.sheets += [data, other]
    return spreadsheet


def test_a_changed_copy_leaves_the_saved_spreadsheet_as_it_was():
    saved = _saved()
    before = saved.to_dict()
    copy = saved.copy()
    data, other = copy.sheets
    assert (other.slot(3, 1), other.block(4, 6, 0, 3)) == ("row 3", [[4, "row 4", None], [None] * 3])
    grid.write_rows(copy, data, 0, 0, [["x", "y", "z", "w"]], "RAW")
    data.put(2, 1, None)
    grid.insert(copy, other, "ROWS", 0, 2)
    assert saved.to_dict() == before
    assert data.block(0, 1, 0, 2) == [["x", "y"]] and data.slot(2, 1) is None
    assert [row[:2] for row in other.rows] == [[], [], *([i, f"row {i}"] for i in range(5))]


def test_a_copy_reads_and_saves_what_the_saved_one_holds():
    saved = _saved()
    copy = saved.copy()
    again = copy.copy()  # a copy of a copy whose rows were never used
    assert copy.to_dict() == saved.to_dict() == again.to_dict()
    again.sheets[1].rows.append(["new"])
    assert copy.sheets[1].rows == saved.sheets[1].rows == [[i, f"row {i}"] for i in range(5)]
    assert Spreadsheet.from_dict(again.to_dict()).sheets[1].rows[-1] == ["new"]


def test_adding_and_deleting_tabs_leaves_the_other_tabs_rows_unread():
    """Tabs are found by identity: comparing their fields read (so copied) the rows of the tabs before
    the one looked for."""
    saved = _saved()
    copy = saved.copy()
    sheet_requests.add_sheet(copy, {"properties": {"title": "New"}})
    sheet_requests.delete_sheet(copy, {"sheetId": 7})
    assert [s.title for s in copy.sheets] == ["Data", "New"]
    assert copy.sheets[0]._read_rows() is saved.sheets[0].rows
