"""Sheets v4 spreadsheets.get / batchUpdate through unmodified gspread: tabs, masks, atomicity, limits."""

from __future__ import annotations

import json

import gspread
import pytest


def _error(call) -> str:
    with pytest.raises(gspread.exceptions.APIError) as info:
        call()
    return info.value.error["message"]


def test_metadata_shape_of_a_new_spreadsheet(sheets):
    sh = sheets.new("Meta")
    body = sheets.call("GET", f"/{sh.id}", params={"includeGridData": "false"}).json()
    assert body["spreadsheetId"] == sh.id
    assert body["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sh.id}/edit"
    props = body["properties"]
    assert (props["title"], props["locale"], props["autoRecalc"], props["timeZone"]) == (
        "Meta",
        "en_US",
        "ON_CHANGE",
        "Etc/GMT",
    )
    assert "defaultFormat" in props
    assert body["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert sheets.call("GET", f"/{sh.id}", params={"fields": "sheets.properties"}).json() == {
        "sheets": body["sheets"]
    }


def test_worksheet_lifecycle(sheets):
    sh = sheets.new()
    a = sh.add_worksheet("A", rows=10, cols=5)
    assert 0 < a.id < 2**31 and (a.row_count, a.col_count) == (10, 5)
    b = a.duplicate(new_sheet_name="B")
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "A", "B"]
    b.update_title("B2")
    b.update_index(0)
    assert [w.title for w in sh.worksheets()] == ["B2", "Sheet1", "A"]
    sh.reorder_worksheets([sh.worksheet("A"), sh.worksheet("Sheet1"), sh.worksheet("B2")])
    assert [w.title for w in sh.worksheets()] == ["A", "Sheet1", "B2"]
    a.hide()
    raw = sheets.call("GET", f"/{sh.id}").json()["sheets"]
    assert raw[0]["properties"]["hidden"] is True and "hidden" not in raw[1]["properties"]
    a.show()
    sh.del_worksheet(b)
    assert [w.title for w in sh.worksheets()] == ["A", "Sheet1"]
    sh.update_title("Renamed")
    assert sheets.gc.open_by_key(sh.id).title == "Renamed"


def test_resize_and_freeze(sheets):
    ws = sheets.new().sheet1
    ws.resize(rows=3, cols=2)
    ws.freeze(rows=1, cols=1)
    props = sheets.call("GET", f"/{ws.spreadsheet_id}").json()["sheets"][0]["properties"]
    assert props["gridProperties"] == {
        "rowCount": 3,
        "columnCount": 2,
        "frozenRowCount": 1,
        "frozenColumnCount": 1,
    }
    assert _error(lambda: ws.freeze(rows=3)) == (
        "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet."
    )


def test_tab_rules(sheets):
    sh = sheets.new()
    assert _error(lambda: sh.add_worksheet("sheet1", 1, 1)) == (
        'Invalid requests[0].addSheet: A sheet with the name "sheet1" already exists. '
        "Please enter another name."
    )
    assert _error(lambda: sh.del_worksheet(sh.sheet1)) == (
        "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    )
    assert _error(lambda: sh.sheet1.hide()) == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )


def test_cell_and_column_limits(sheets):
    sh = sheets.new()
    message = _error(lambda: sh.sheet1.resize(rows=400000, cols=26))
    assert message == (
        "Invalid requests[0].updateSheetProperties: This action would increase the number of cells in the "
        "workbook above the limit of 10000000 cells."
    )
    assert _error(lambda: sh.add_worksheet("Wide", 1, 18279)).startswith("Invalid requests[0].addSheet: ")
    sh.sheet1.resize(rows=1, cols=18278)


def test_batch_update_replies_and_all_or_nothing(sheets):
    sh = sheets.new()
    ws = sh.sheet1
    ws.update([["keep"]], "A1")
    body = {
        "requests": [
            {"addSheet": {"properties": {"title": "New"}}},
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            },
            {"deleteSheet": {"sheetId": 12345}},
        ]
    }
    assert _error(lambda: sh.batch_update(body)) == "Invalid requests[2].deleteSheet: No grid with id: 12345"
    assert [w.title for w in sh.worksheets()] == ["Sheet1"] and ws.acell("A1").value == "keep"
    replies = sh.batch_update({"requests": body["requests"][:2]})["replies"]
    assert replies[0]["addSheet"]["properties"]["title"] == "New" and replies[1] == {}


def test_update_cells_clears_uncovered_and_respects_grid(sheets):
    sh = sheets.new()
    ws = sh.add_worksheet("Live", rows=2, cols=3)
    ws.update([["a", "b", "c"], ["d", "e", "f"]], "A1")
    ws.format("A1:C1", {"textFormat": {"bold": True}})
    value = {"values": [{"userEnteredValue": {"numberValue": 7}}, {"userEnteredValue": {"boolValue": True}}]}
    sh.batch_update(
        {
            "requests": [
                {"updateCells": {"range": {"sheetId": ws.id}, "rows": [value], "fields": "userEnteredValue"}}
            ]
        }
    )
    assert ws.get_all_values() == [["7", "TRUE"]]
    assert sheets.model(sh.id).formatted_grid(ws.id)[0][2]["bold"] is True  # only masked fields cleared
    row = {"values": [{"userEnteredValue": {"stringValue": "x"}}]}
    overflow = {
        "updateCells": {
            "range": {
                "sheetId": ws.id,
                "startRowIndex": 2,
                "endRowIndex": 3,
                "startColumnIndex": 0,
                "endColumnIndex": 3,
            },
            "rows": [row],
            "fields": "userEnteredValue",
        }
    }
    assert _error(lambda: sh.batch_update({"requests": [overflow]})) == (
        "Invalid requests[0].updateCells: Range (Live!A3:C3) exceeds grid limits. Max rows: 2, max columns: 3"
    )
    formula = {
        "values": [
            {"userEnteredValue": {"stringValue": "=1+1"}},
            {"userEnteredValue": {"formulaValue": "=1+1"}},
        ]
    }
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": ws.id, "rowIndex": 1},
                        "rows": [formula],
                        "fields": "*",
                    }
                }
            ]
        }
    )
    assert ws.get("A2:B2", value_render_option="FORMULA") == [["=1+1", "=1+1"]]
    assert ws.get("A2:B2") == [["=1+1", "2"]]  # a stringValue stays text; the formulaValue is evaluated


def test_repeat_cell_field_masks_and_grid_data(sheets):
    sh = sheets.new()
    ws = sh.sheet1
    ws.update([[1234.5], [2]], "A1")
    ws.format(
        "A:A", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}, "horizontalAlignment": "RIGHT"}
    )
    assert ws.col_values(1) == ["1,234.50", "2.00"]
    grid = sheets.call("GET", f"/{sh.id}", params={"ranges": "Sheet1!A1", "includeGridData": "True"}).json()
    cell = grid["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredValue"] == {"numberValue": 1234.5} and cell["formattedValue"] == "1,234.50"


def _format_of(sh, cell: str) -> dict:
    params = {
        "includeGridData": False,
        "ranges": [cell],
        "fields": "sheets.data.rowData.values.userEnteredFormat",
    }
    return sh.fetch_sheet_metadata(params)["sheets"][0]["data"][0]["rowData"][0]["values"][0][
        "userEnteredFormat"
    ]


def test_cell_colours_read_back_with_their_color_style_twins(sheets):
    """gspread's cassette WorksheetTest.test_format, request and answer as recorded."""
    sh = sheets.new()
    ws = sh.sheet1
    ws.format(
        "A2:B2",
        {
            "backgroundColor": {"green": 1, "blue": 1},
            "horizontalAlignment": "CENTER",
            "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True},
        },
    )
    recorded = {
        "backgroundColor": {"green": 1, "blue": 1},
        "horizontalAlignment": "CENTER",
        "textFormat": {
            "foregroundColor": {"red": 1, "green": 1},
            "fontSize": 12,
            "bold": True,
            "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}},
        },
        "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}},
    }
    assert _format_of(sh, "Sheet1!A2") == recorded
    assert json.dumps(_format_of(sh, "Sheet1!A2")) == json.dumps(recorded)  # the twins come last, as recorded
    ws.format("A2", {"backgroundColorStyle": {"rgbColor": {"red": 0.5}}})  # set through the style ...
    assert _format_of(sh, "Sheet1!A2")["backgroundColor"] == {"red": 0.5}  # ... reads back plain too
    ws.format("A2", {"backgroundColor": {"blue": 0.25}})  # and a plain change moves the style twin
    fmt = _format_of(sh, "Sheet1!A2")
    assert fmt["backgroundColorStyle"] == {"rgbColor": {"blue": 0.25}} and fmt["backgroundColor"] == {
        "blue": 0.25
    }
    assert fmt["textFormat"]["foregroundColorStyle"] == {"rgbColor": {"red": 1, "green": 1}}


def test_copy_paste_types(sheets):
    sh = sheets.new()
    src = sh.add_worksheet("Staging", 3, 2)
    dst = sh.add_worksheet("Dst", 3, 2)
    src.update([["h", 1], ["x", 2]], "A1")
    src.format("A1", {"textFormat": {"bold": True}})
    dst.update([["old", "old"], ["old", "old"], ["old", "old"]], "A1")
    paste = {
        "copyPaste": {
            "source": {"sheetId": src.id},
            "destination": {"sheetId": dst.id},
            "pasteType": "PASTE_VALUES",
        }
    }
    sh.batch_update({"requests": [paste]})
    assert dst.get_all_values() == [["h", "1"], ["x", "2"]]
    grid = sheets.model(sh.id).formatted_grid(dst.id)
    assert grid[0][0]["bold"] is False
    paste["copyPaste"]["pasteType"] = "PASTE_FORMAT"
    sh.batch_update({"requests": [paste]})
    assert sheets.model(sh.id).formatted_grid(dst.id)[0][0]["bold"] is True


def test_dimensions(sheets):
    sh = sheets.new()
    ws = sh.sheet1
    ws.update([["a"], ["b"], ["c"]], "A1")
    sid = ws.id
    sh.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": sid, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
                    }
                },
                {
                    "deleteDimension": {
                        "range": {"sheetId": sid, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                    }
                },
                {"appendDimension": {"sheetId": sid, "dimension": "COLUMNS", "length": 4}},
            ]
        }
    )
    assert ws.col_values(1) == ["", "b", "c"]
    props = sheets.call("GET", f"/{sh.id}").json()["sheets"][0]["properties"]["gridProperties"]
    assert props == {"rowCount": 1000, "columnCount": 30}


def test_named_ranges(sheets):
    sh = sheets.new()
    sh.sheet1.update([["n"], [1]], "A1")
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addNamedRange": {
                        "namedRange": {
                            "name": "Totals",
                            "range": {
                                "sheetId": 0,
                                "startRowIndex": 0,
                                "endRowIndex": 2,
                                "startColumnIndex": 0,
                                "endColumnIndex": 1,
                            },
                        }
                    }
                }
            ]
        }
    )
    rid = reply["replies"][0]["addNamedRange"]["namedRange"]["namedRangeId"]
    assert sh.list_named_ranges()[0]["name"] == "Totals"
    assert sh.values_get("Totals")["values"] == [["n"], ["1"]]
    sh.batch_update(
        {
            "requests": [
                {"updateNamedRange": {"namedRange": {"namedRangeId": rid, "name": "Sums"}, "fields": "name"}}
            ]
        }
    )
    assert sh.list_named_ranges()[0]["name"] == "Sums"
    sh.batch_update({"requests": [{"deleteNamedRange": {"namedRangeId": rid}}]})
    assert sh.list_named_ranges() == []


def test_named_ranges_answer_like_googles_cassette(sheets):
    """gspread's cassette CellTest.test_define_named_range: the reply and `fields=namedRanges` leave out
    `sheetId` 0 but keep zero indexes; the id is a decimal string. A range on another tab keeps it."""
    sh = sheets.new()
    other = sh.add_worksheet("Other", 5, 5)
    grid_range = {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    requests = [
        {
            "addNamedRange": {
                "namedRange": {"name": "TestDefineNamedRange", "range": {**grid_range, "sheetId": 0}}
            }
        },
        {"addNamedRange": {"namedRange": {"name": "OnOther", "range": {**grid_range, "sheetId": other.id}}}},
    ]
    replies = [
        reply["addNamedRange"]["namedRange"] for reply in sh.batch_update({"requests": requests})["replies"]
    ]
    assert all(reply["namedRangeId"].isdigit() for reply in replies)
    assert replies[0] == {
        "namedRangeId": replies[0]["namedRangeId"],
        "name": "TestDefineNamedRange",
        "range": grid_range,
    }
    assert replies[1]["range"] == {"sheetId": other.id, **grid_range}
    listed = sheets.call("GET", f"/{sh.id}", params={"fields": "namedRanges"}).json()
    assert listed == {"namedRanges": replies}
    assert sheets.call("GET", f"/{sh.id}").json()["namedRanges"] == replies
    assert sh.values_get("TestDefineNamedRange")["range"] == "Sheet1!A1:B2"  # still usable by name


def test_not_found(sheets):
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        sheets.gc.open_by_key("nope")


def test_copy_to_rebinds_references_by_title_in_the_destination(sheets):
    source = sheets.new("Source")
    source.add_worksheet("Data", 2, 2).update([["here"]], "A1")
    report = source.add_worksheet("Report", 3, 2)
    report.update([["=Data!A1", "=B2"], ["", 5]], "A1", value_input_option="USER_ENTERED")
    target = sheets.new("Target")
    target.sheet1.update_title("Data")
    target.worksheet("Data").update([["there"]], "A1")

    props = report.copy_to(target.id)
    assert (props["title"], props["index"], props["gridProperties"]) == (
        "Copy of Report",
        1,
        {"rowCount": 3, "columnCount": 2},
    )
    copied = target.worksheet("Copy of Report")
    assert copied.get("A1:B1", value_render_option="FORMULA") == [["=Data!A1", "=B2"]]
    assert copied.get("A1:B1") == [["there", "5"]]  # bound to the destination's Data tab
    target.worksheet("Data").update_title("Facts")
    assert copied.acell("A1", value_render_option="FORMULA").value == "=Facts!A1"
    assert report.copy_to(target.id)["title"] == "Copy of Report 2"
    assert source.worksheet("Report").acell("A1", value_render_option="FORMULA").value == "=Data!A1"

    missing = sheets.call(
        "POST", f"/{source.id}/sheets/999:copyTo", json={"destinationSpreadsheetId": target.id}
    )
    assert missing.status_code == 400 and missing.json()["error"]["message"] == "No grid with id: 999"
    nowhere = sheets.call("POST", f"/{source.id}/sheets/0:copyTo", json={"destinationSpreadsheetId": "nope"})
    assert nowhere.status_code == 404


def test_sort_range_puts_numbers_before_text_and_empty_cells_last(sheets):
    ws = sheets.new().sheet1
    ws.update([["k"], ["pear"], [""], [10], ["Apple"], [2], [True]], "A1")
    ws.update([["b"], ["p"], ["e"], ["t"], ["a"], ["two"], ["bool"]], "B1")
    ws.sort((1, "asc"), range="A2:B7")
    assert ws.get("A2:B7", value_render_option="UNFORMATTED_VALUE") == [
        [2, "two"],
        [10, "t"],
        ["Apple", "a"],
        ["pear", "p"],
        [True, "bool"],
        ["", "e"],
    ]
    ws.sort((1, "des"), range="A2:B7")
    assert ws.col_values(2) == ["b", "bool", "p", "a", "t", "two", "e"]
    bad = {"sortRange": {"range": {"sheetId": 0}, "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "UP"}]}}
    with pytest.raises(gspread.exceptions.APIError, match=r"Invalid requests\[0\]\.sortRange: "):
        ws.spreadsheet.batch_update({"requests": [bad]})


def test_merges_by_columns_follow_a_duplicated_tab_and_shrink_with_the_grid(sheets):
    sh = sheets.new()
    ws = sh.sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    ws.merge_cells("A1:B2", merge_type="MERGE_COLUMNS")
    assert ws.get_all_values() == [["a", "b"]]  # row 2 lost its values to the merges
    copy = ws.duplicate(new_sheet_name="Copy")
    merges = {s["properties"]["title"]: s.get("merges") for s in sh.fetch_sheet_metadata()["sheets"]}
    assert [m["sheetId"] for m in merges["Copy"]] == [copy.id, copy.id]
    assert [(m["startColumnIndex"], m["endRowIndex"]) for m in merges["Sheet1"]] == [(0, 2), (1, 2)]
    ws.resize(rows=1)
    assert "merges" not in sh.fetch_sheet_metadata()["sheets"][0]


def _columns(groups: list[dict]) -> list[tuple[str, int]]:
    letters = "ABCDEFGHIJ"
    return [
        (letters[g["range"]["startIndex"]] + ":" + letters[g["range"]["endIndex"] - 1], g["depth"])
        for g in groups
    ]


def test_dimension_groups_nest_like_googles_reference_examples(sheets):
    ws = sheets.new().sheet1
    b_to_e, c_to_d, c_to_e, d_to_e = (1, 5), (2, 4), (2, 5), (3, 5)
    ws.add_dimension_group_columns(*c_to_d)
    reply = ws.add_dimension_group_columns(*b_to_e)["replies"][0]["addDimensionGroup"]["dimensionGroups"]
    assert _columns(reply) == [("B:E", 1), ("C:D", 2)]
    assert _columns(ws.list_dimension_group_columns()) == [("B:E", 1), ("C:D", 2)]
    ws.delete_dimension_group_columns(*d_to_e)
    assert _columns(ws.list_dimension_group_columns()) == [("B:D", 1), ("C:C", 2)]

    other = ws.spreadsheet.add_worksheet("Other", 10, 10)
    other.add_dimension_group_columns(1, 4)  # B:D
    other.add_dimension_group_columns(*c_to_e)
    assert _columns(other.list_dimension_group_columns()) == [("B:E", 1), ("C:D", 2)]
    other.add_dimension_group_rows(0, 3)
    assert [(g["range"]["dimension"], g["depth"]) for g in other.list_dimension_group_rows()] == [("ROWS", 1)]
    with pytest.raises(gspread.exceptions.APIError, match="deleteDimensionGroup"):
        other.delete_dimension_group_rows(5, 7)

    collapse = {
        "dimensionGroup": {
            "range": {"sheetId": other.id, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 4},
            "depth": 2,
            "collapsed": True,
        },
        "fields": "collapsed",
    }
    sh = ws.spreadsheet
    sh.batch_update({"requests": [{"updateDimensionGroup": collapse}]})
    other.insert_cols([["x"]], col=1)  # groups move right with inserted columns; collapse is kept
    groups = other.list_dimension_group_columns()
    assert [(c, g["collapsed"]) for c, g in zip(_columns(groups), groups, strict=True)] == [
        (("C:F", 1), False),
        (("D:E", 2), True),
    ]


def test_merges_protected_ranges_and_the_filter_move_with_inserted_and_deleted_rows(sheets):
    sh = sheets.new()
    ws = sh.sheet1
    ws.merge_cells("A3:B3")
    ws.add_protected_range("A5:A6", description="totals")
    ws.set_basic_filter("A2:C9")
    ws.insert_rows([["new"], ["new"]], row=1)
    meta = sh.fetch_sheet_metadata({"fields": "sheets(merges,protectedRanges,basicFilter)"})["sheets"][0]
    assert (meta["merges"][0]["startRowIndex"], meta["merges"][0]["endRowIndex"]) == (4, 5)
    protected = meta["protectedRanges"][0]["range"]
    assert (protected["startRowIndex"], protected["endRowIndex"]) == (6, 8)
    assert (meta["basicFilter"]["range"]["startRowIndex"], meta["basicFilter"]["range"]["endRowIndex"]) == (
        3,
        11,
    )
    ws.delete_rows(5)  # the merged row goes: so does the merge
    meta = sh.fetch_sheet_metadata()["sheets"][0]
    assert "merges" not in meta and meta["protectedRanges"][0]["range"]["startRowIndex"] == 5
