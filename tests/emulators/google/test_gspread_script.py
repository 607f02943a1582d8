"""A user's own gspread 6 script, unmodified, against the emulator: every call a script makes, checked.

Each test is one stretch of a realistic session (files, tabs, values, layout); results are checked the way
the script's author would check them, and raw responses against the shapes of sheets-api.md §1.2.
"""

from __future__ import annotations

import gspread
import pytest
import requests
from gspread.utils import ExportFormat, ValidationConditionType, ValueInputOption, ValueRenderOption

from tests.emulators.google.harness import running

OWNER = "script-owner@example.com"
COLLEAGUE = "colleague@example.com"
STRANGER = "stranger@example.com"


@pytest.fixture(scope="module")
def google():
    # The script makes more than Google's 60 reads (and writes) a minute; real Google would 429 it too,
    # as test_quota.py shows, so this module runs with a roomier quota.
    roomy = {f"QUOTA_{kind}_PER_MINUTE{who}": 1000 for kind in ("READ", "WRITE") for who in ("", "_PER_USER")}
    with running(roomy) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def gc(google) -> gspread.Client:
    return google.gspread_for(OWNER)


def _error(call) -> gspread.exceptions.APIError:
    with pytest.raises(gspread.exceptions.APIError) as info:
        call()
    return info.value


def test_files_create_open_list_share_copy_export_delete(google, gc):
    sh = gc.create("Budget 2026")
    assert (sh.title, sh.sheet1.title, sh.sheet1.id) == ("Budget 2026", "Sheet1", 0)
    assert sh.url == f"https://docs.google.com/spreadsheets/d/{sh.id}"
    assert gc.open("Budget 2026").id == sh.id
    assert gc.open_by_url(f"https://docs.google.com/spreadsheets/d/{sh.id}/edit#gid=0").id == sh.id
    assert [f["name"] for f in gc.list_spreadsheet_files(title="Budget 2026")] == ["Budget 2026"]
    assert sh.id in [s.id for s in gc.openall()]
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open("No such title")

    colleague = google.gspread_for(COLLEAGUE)
    with pytest.raises(PermissionError):  # exists, not shared: Sheets answers 403
        colleague.open_by_key(sh.id)
    sh.share(COLLEAGUE, perm_type="user", role="reader", notify=False)
    assert colleague.open_by_key(sh.id).title == "Budget 2026"
    assert _error(lambda: colleague.open_by_key(sh.id).sheet1.update([["x"]], "A1")).code == 403
    assert {(p["emailAddress"], p["role"]) for p in sh.list_permissions()} == {
        (OWNER, "owner"),
        (COLLEAGUE, "reader"),
    }
    sh.remove_permissions(COLLEAGUE)
    with pytest.raises(PermissionError):
        colleague.open_by_key(sh.id)

    sh.sheet1.update([["item", "amount"], ["rent", 1200], ["food", 300.5]], "A1")
    copy = gc.copy(sh.id, title="Budget copy")  # copies comments too (none here)
    assert copy.id != sh.id and copy.sheet1.get_all_values() == [
        ["item", "amount"],
        ["rent", "1200"],
        ["food", "300.5"],
    ]
    # gspread 6 re-shares the owner role on copy_permissions=True, which Google refuses (gspread#1544).
    denied = _error(lambda: gc.copy(sh.id, title="With permissions", copy_permissions=True))
    assert denied.code == 403
    assert "transferOwnership" in denied.error["message"]
    assert sh.export(ExportFormat.CSV) == b"item,amount\r\nrent,1200\r\nfood,300.5\r\n"
    assert sh.get_lastUpdateTime() >= sh.creationTime

    gc.del_spreadsheet(copy.id)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key(copy.id)
    assert "Budget copy" not in [f["name"] for f in gc.list_spreadsheet_files()]
    assert google.gspread_for(STRANGER).list_spreadsheet_files() == []


def test_tabs_add_duplicate_rename_hide_reorder_copy_delete(gc):
    sh = gc.create("Tabs")
    invoices = sh.add_worksheet("Invoices", rows=20, cols=5)
    invoices.update([["id", "total"], ["INV-1", 10]], "A1")
    first = sh.add_worksheet("Cover", rows=5, cols=2, index=0)
    assert [w.title for w in sh.worksheets()] == ["Cover", "Sheet1", "Invoices"]
    assert sh.get_worksheet(0).id == first.id and sh.get_worksheet_by_id(invoices.id).title == "Invoices"

    dup = invoices.duplicate(new_sheet_name="Invoices (backup)")
    assert dup.get_all_values() == [["id", "total"], ["INV-1", "10"]]
    assert (dup.row_count, dup.col_count) == (20, 5)
    assert [w.title for w in sh.worksheets()] == ["Cover", "Sheet1", "Invoices", "Invoices (backup)"]

    dup.update_title("Archive")
    dup.update_tab_color("#ff0000")
    assert sh.worksheet("Archive").tab_color == "#FF0000"
    dup.hide()
    assert [w.title for w in sh.worksheets(exclude_hidden=True)] == ["Cover", "Sheet1", "Invoices"]
    assert sh.worksheet("Archive").isSheetHidden is True
    dup.show()
    assert sh.worksheet("Archive").isSheetHidden is False

    sh.reorder_worksheets([invoices, first])
    assert [w.title for w in sh.worksheets()] == ["Invoices", "Cover", "Sheet1", "Archive"]
    first.update_index(3)  # Google counts indexes "before the move": lands before Archive
    assert [w.title for w in sh.worksheets()] == ["Invoices", "Sheet1", "Cover", "Archive"]

    other = gc.create("Other book")
    reply = invoices.copy_to(other.id)
    assert reply["title"] == "Copy of Invoices" and reply["index"] == 1
    assert other.worksheet("Copy of Invoices").get_all_values() == [["id", "total"], ["INV-1", "10"]]

    sh.del_worksheet(first)
    sh.del_worksheet_by_id(sh.worksheet("Archive").id)
    assert [w.title for w in sh.worksheets()] == ["Invoices", "Sheet1"]
    with pytest.raises(gspread.WorksheetNotFound):
        sh.worksheet("Archive")

    assert _error(lambda: sh.add_worksheet("invoices", 1, 1)).error["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "invoices" already exists. '
        "Please enter another name."
    )
    sh.worksheet("Sheet1").hide()
    assert _error(lambda: invoices.hide()).error["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )
    sh.del_worksheet(sh.worksheet("Sheet1"))
    assert _error(lambda: sh.del_worksheet(invoices)).error["message"] == (
        "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    )
    sh.update_title("Tabs (renamed)")
    assert gc.open_by_key(sh.id).title == "Tabs (renamed)"
    assert gc.open("Tabs (renamed)").id == sh.id  # Drive sees the new name


def test_values_update_append_get_batch_clear(gc):
    ws = gc.create("Values").sheet1
    reply = ws.update([["name", "qty", "price"], ["apple", 3, 0.5], ["pear", 2, 1.25]], "A1")
    assert reply == {
        "spreadsheetId": ws.spreadsheet_id,
        "updatedRange": "Sheet1!A1:C3",
        "updatedRows": 3,
        "updatedColumns": 3,
        "updatedCells": 9,
    }
    ws.update_acell("E1", "note")
    ws.update_cell(2, 5, "=B2*C2")  # update_cell is USER_ENTERED: a formula
    assert ws.acell("E2", value_render_option=ValueRenderOption.formula).value == "=B2*C2"
    assert ws.cell(2, 2).value == "3" and ws.row_values(1) == ["name", "qty", "price", "", "note"]
    assert ws.col_values(1) == ["name", "apple", "pear"]

    # the empty D1 splits row 1 into two tables; without a table range Google appends under the last
    # (E1:E2), so the script names the table it means, as gspread's docs advise
    appended = ws.append_row(["plum", 7, 0.25], table_range="A1")
    assert appended["tableRange"] == "Sheet1!A1:C3"
    assert appended["updates"]["updatedRange"] == "Sheet1!A4:C4"
    ws.append_rows(
        [["fig", "4", "$2.00"]], value_input_option=ValueInputOption.user_entered, table_range="A1"
    )
    assert ws.get("A5:C5", value_render_option=ValueRenderOption.unformatted) == [["fig", 4, 2]]
    assert ws.get("C5") == [["$2.00"]]

    assert ws.get_all_records() == [
        {"name": "apple", "qty": 3, "price": 0.5, "": "", "note": 1.5},  # E2 is =B2*C2
        {"name": "pear", "qty": 2, "price": 1.25, "": "", "note": ""},
        {"name": "plum", "qty": 7, "price": 0.25, "": "", "note": ""},
        {"name": "fig", "qty": 4, "price": "$2.00", "": "", "note": ""},
    ]
    assert ws.find("pear").address == "A3" and [c.address for c in ws.findall("2")] == ["B3"]

    batch = ws.batch_update(
        [{"range": "A7:B7", "values": [["total", "=SUM(B2:B5)"]]}, {"range": "E1", "values": [["memo"]]}],
        value_input_option=ValueInputOption.user_entered,
    )
    assert (batch["totalUpdatedCells"], batch["totalUpdatedSheets"], len(batch["responses"])) == (3, 1, 2)
    got = ws.batch_get(["A1:B1", "A7:B7", "Z99"], value_render_option=ValueRenderOption.formula)
    assert [list(r) for r in got] == [[["name", "qty"]], [["total", "=SUM(B2:B5)"]], []]
    assert got[2].range == "Sheet1!Z99"

    cells = ws.range("A9:B9")
    cells[0].value, cells[1].value = "x", 1
    ws.update_cells(cells)
    assert ws.get("A9:B9", value_render_option=ValueRenderOption.unformatted) == [["x", 1]]

    assert ws.batch_clear(["A9:B9", "E:E"])["clearedRanges"] == ["Sheet1!A9:B9", "Sheet1!E1:E1000"]
    assert ws.get("E1:E2") == [[]] and ws.get("A9:B9") == [[]]  # no `values`: gspread gives [[]]
    assert ws.clear() == {"spreadsheetId": ws.spreadsheet_id, "clearedRange": "Sheet1!A1:Z1000"}
    assert ws.get_all_values() == [[]]

    raw = ws.update([['=IMPORTXML("http://evil")']], "A1")  # gspread 6 default is RAW: stays text
    assert raw["updatedCells"] == 1
    assert ws.acell("A1", value_render_option=ValueRenderOption.formula).value == '=IMPORTXML("http://evil")'
    unknown_tab = _error(lambda: ws.spreadsheet.values_get("Nope!A1")).error["message"]
    assert unknown_tab == "Unable to parse range: Nope!A1"
    assert _error(lambda: ws.update([["x" * 50001]], "A1")).error["message"] == (
        "Invalid values[0][0]: Your input contains more than the maximum of 50000 characters "
        "in a single cell."
    )


def test_rows_columns_resize_freeze_format_sort_named_ranges_notes(google, gc):
    sh = gc.create("Layout")
    ws = sh.sheet1
    ws.update([["name", "score"], ["bob", 7], ["amy", 9], ["cat", 8]], "A1")
    ws.resize(rows=10, cols=4)
    assert (ws.row_count, ws.col_count) == (10, 4)
    ws.add_rows(5)
    ws.add_cols(1)
    ws.freeze(rows=1, cols=1)
    ws.hide_gridlines()
    assert sh.worksheet("Sheet1").is_gridlines_hidden is True
    ws.show_gridlines()
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert props == {"rowCount": 15, "columnCount": 5, "frozenRowCount": 1, "frozenColumnCount": 1}
    assert _error(lambda: ws.freeze(rows=15)).error["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet."
    )

    header = {"textFormat": {"bold": True}, "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 1}}
    ws.format("A1:B1", header)
    ws.batch_format([{"range": "B2:B4", "format": {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}}}])
    assert ws.get("B2") == [["7.00"]]
    grid = sh.fetch_sheet_metadata({"ranges": "Sheet1!A1", "includeGridData": "true"})
    cell = grid["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredFormat"]["textFormat"] == {"bold": True}
    assert cell["formattedValue"] == "name"

    ws.sort((2, "des"), range="A2:B4")
    assert ws.get("A2:B4") == [["amy", "9.00"], ["cat", "8.00"], ["bob", "7.00"]]

    ws.insert_row(["new", 1], index=2)
    assert ws.col_values(1)[:3] == ["name", "new", "amy"]
    ws.delete_rows(2)
    ws.insert_cols([["id", "a1"]], col=1)
    assert ws.row_values(1)[:2] == ["id", "name"]
    ws.delete_columns(1)
    assert ws.row_values(1) == ["name", "score"]

    ws.define_named_range("A2:B4", "scores")
    assert [r["name"] for r in sh.list_named_ranges()] == ["scores"]
    assert ws.get("scores") == [["amy", "9.00"], ["cat", "8.00"], ["bob", "7.00"]]
    ws.delete_named_range(sh.list_named_ranges()[0]["namedRangeId"])
    assert sh.list_named_ranges() == []

    ws.update_note("A1", "header")
    assert ws.get_note("A1") == "header"
    ws.clear_note("A1")
    assert ws.get_note("A1") == ""
    ws.update([["merged", "lost", "kept"]], "C1")
    ws.merge_cells("C1:D1")  # Google keeps only the top-left value
    assert ws.get("C1:E1") == [["merged", "", "kept"]]
    assert ws.get_values("C1:E1", combine_merged_cells=True) == [["merged", "merged", "kept"]]
    assert _error(lambda: ws.unmerge_cells("D1")).error["message"] == (
        "Invalid requests[0].unmergeCells: "
        "You must select all cells in a merged cell to merge or unmerge them."
    )
    ws.unmerge_cells("C1:D1")
    assert "merges" not in sh.fetch_sheet_metadata()["sheets"][0]
    ws.batch_clear(["C1:E1"])
    ws.columns_auto_resize(0, 2)
    ws.add_validation("B2:B4", ValidationConditionType.number_greater, [0])  # accepted, not enforced

    ws.set_basic_filter("A1:B4")
    meta = sh.fetch_sheet_metadata()["sheets"][0]
    assert meta["basicFilter"]["range"] == {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    ws.clear_basic_filter()
    assert "basicFilter" not in sh.fetch_sheet_metadata()["sheets"][0]
    added = ws.add_protected_range("A1:B1", description="header")["replies"][0]["addProtectedRange"]
    listed = sh.list_protected_ranges(ws.id)
    assert [(p["protectedRangeId"], p["description"]) for p in listed] == [
        (added["protectedRange"]["protectedRangeId"], "header")
    ]
    ws.delete_protected_range(listed[0]["protectedRangeId"])
    assert sh.list_protected_ranges(ws.id) == []

    ws.resize(rows=2)
    assert ws.get_all_values() == [["name", "score"], ["amy", "9.00"]]
    cells_left = 10_000_000 - 2 * 5
    assert _error(lambda: sh.add_worksheet("Huge", rows=cells_left // 26 + 1, cols=26)).error["message"] == (
        "Invalid requests[0].addSheet: This action would increase the number of cells in the workbook "
        "above the limit of 10000000 cells."
    )


def test_every_call_of_the_script_was_counted_for_its_user(google):
    counts = requests.get(f"{google.url}/_emulator/requests", timeout=10).json()["by_user"][OWNER]
    for route in (
        "drive.files.create",
        "drive.files.list",
        "drive.files.copy",
        "drive.files.delete",
        "drive.permissions.create",
        "sheets.get",
        "sheets.batchUpdate",
        "sheets.copyTo",
        "values.get",
        "values.batchGet",
        "values.update",
        "values.batchUpdate",
        "values.append",
        "values.clear",
        "values.batchClear",
    ):
        assert counts.get(route, 0) > 0, route
