"""Sheets v4 values endpoints through unmodified gspread: shapes of §1.2, typing, render options, limits."""

from __future__ import annotations

import gspread
import pytest


@pytest.fixture
def ws(sheets):
    return sheets.new("Values").sheet1


def test_update_and_get_shapes_trim_trailing_keep_interior(sheets, ws):
    response = ws.update([["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]], "A1")
    assert response["updatedRange"] == "Sheet1!A1:D4"
    assert (response["updatedRows"], response["updatedColumns"], response["updatedCells"]) == (3, 4, 10)
    got = ws.get()
    assert got.range == "Sheet1!A1:Z1000"
    raw = sheets.call("GET", f"/{ws.spreadsheet_id}/values/%27Sheet1%27").json()
    assert raw == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]],
    }
    assert ws.get_all_values()[1] == ["", "b2", "", ""]


def test_empty_range_omits_values_and_range_echoes_request(sheets, ws):
    raw = sheets.call("GET", f"/{ws.spreadsheet_id}/values/Sheet1%21A1%3A1").json()
    assert raw == {"range": "Sheet1!A1:Z1", "majorDimension": "ROWS"}
    assert ws.get_all_values() == [[]]  # gspread's own rendering of an absent `values`
    assert ws.get("B2:C3").range == "Sheet1!B2:C3"


def test_quoted_titles_only_when_needed(sheets):
    sh = sheets.new()
    spaced = sh.add_worksheet("My Tab", 5, 5)
    celly = sh.add_worksheet("D3", 5, 5)
    assert spaced.update([[1]], "A1")["updatedRange"] == "'My Tab'!A1"
    assert celly.get("A1:B2").range == "'D3'!A1:B2"
    quirky = sh.add_worksheet("It's/ok", 5, 5)
    assert quirky.update([["x"]], "B2")["updatedRange"] == "'It''s/ok'!B2"
    assert quirky.get_all_values() == [["", ""], ["", "x"]]


def test_none_skips_and_empty_string_clears(ws):
    ws.update([["a", "b", "c"]], "A1")
    ws.update([[None, "", "C"]], "A1")
    assert ws.get_all_values() == [["a", "", "C"]]


def test_raw_keeps_formulas_as_text(ws):
    ws.update([['=IMPORTXML("http://x","//a")', "2024-01-02", "1,234.5"]], "A1")
    assert ws.get("A1:C1", value_render_option="FORMULA") == [
        ['=IMPORTXML("http://x","//a")', "2024-01-02", "1,234.5"]
    ]
    assert ws.get("A1", value_render_option="UNFORMATTED_VALUE") == [['=IMPORTXML("http://x","//a")']]


def test_user_entered_parsing(ws):
    ws.update(
        [["=SUM(B1:B2)", "'=not", "1,234.5", "12%", "$1,234.50", "2024-01-02", "TRUE", "00123", "hello"]],
        "A1",
        value_input_option="USER_ENTERED",
    )
    unformatted = ws.get("A1:I1", value_render_option="UNFORMATTED_VALUE")[0]
    assert unformatted == [0, "=not", 1234.5, 0.12, 1234.5, 45293, True, 123, "hello"]  # SUM skips text
    formatted = ws.get("A1:I1")[0]
    assert formatted == ["0", "=not", "1,234.50", "12%", "$1,234.50", "2024-01-02", "TRUE", "123", "hello"]
    assert ws.get("A1", value_render_option="FORMULA") == [["=SUM(B1:B2)"]]
    dated = ws.get("F1", value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING")
    assert dated == [["2024-01-02"]]


def test_typed_numbers_render_general_and_formats(sheets, ws):
    ws.update([[53, 0.0009765625, 1.5, True, 45293, -1234.567, 0.125]], "A1")
    ws.format("E1", {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}})
    ws.format("F1", {"numberFormat": {"type": "CURRENCY", "pattern": '"$"#,##0.00'}})
    ws.format("G1", {"numberFormat": {"type": "PERCENT", "pattern": "0.00%"}})
    assert ws.get("A1:G1")[0] == ["53", "0.0009765625", "1.5", "TRUE", "2024-01-02", "-$1,234.57", "12.50%"]
    unformatted = ws.get("A1:G1", value_render_option="UNFORMATTED_VALUE")[0]
    assert unformatted == [53, 0.0009765625, 1.5, True, 45293, -1234.567, 0.125]
    assert isinstance(unformatted[0], int)


def test_major_dimension_columns(ws):
    ws.update([[1, 2], [3, 4]], "A1")
    assert ws.get("A1:B2", major_dimension="COLUMNS", value_render_option="UNFORMATTED_VALUE") == [
        [1, 3],
        [2, 4],
    ]


def test_get_all_records(ws):
    ws.update([["name", "amount"], ["a", 1], ["b", 2.5]], "A1")
    assert ws.get_all_records() == [{"name": "a", "amount": 1}, {"name": "b", "amount": 2.5}]


def _totals(response: dict) -> tuple[int, int, int, int]:
    """(rows, columns, cells, sheets) of a values:batchUpdate answer."""
    names = ("totalUpdatedRows", "totalUpdatedColumns", "totalUpdatedCells", "totalUpdatedSheets")
    rows, columns, cells, tabs = (response[name] for name in names)
    return rows, columns, cells, tabs


def test_batch_update_totals_count_distinct_rows_and_columns(sheets, ws):
    """gspread's cassette WorksheetTest.test_batch_update: A1:D1 and A4:D4 → 2 rows, 4 columns, 8 cells."""
    data = [
        {"range": "A1:D1", "values": [["A1", "B1", "", "D1"]]},
        {"range": "A4:D4", "values": [["A4", "B4", "", "D4"]]},
    ]
    assert _totals(ws.batch_update(data)) == (2, 4, 8, 1)
    other = ws.spreadsheet.add_worksheet("Other", 10, 10)
    overlapping = [
        {"range": "Sheet1!A1:B3", "values": [[1, 2]] * 3},
        {"range": "Sheet1!B2:C2", "values": [[3, 4]]},
        {"range": "Other!A1:A2", "values": [[5], [6]]},
    ]
    response = ws.spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": overlapping})
    # rows: Sheet1 1-3 and Other 1-2; columns: Sheet1 A-C and Other A; cells are the sum over ranges
    assert _totals(response) == (5, 4, 10, 2)
    assert other.get_values("A1:A2") == [["5"], ["6"]]


def test_batch_update_batch_get_batch_clear(sheets, ws):
    response = ws.batch_update([{"range": "A1:B1", "values": [[1, 2]]}, {"range": "D3", "values": [["x"]]}])
    assert response["totalUpdatedCells"] == 3 and response["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in response["responses"]] == ["Sheet1!A1:B1", "Sheet1!D3"]
    got = ws.batch_get(["A1:B1", "D3", "F1:F2"])
    assert [list(v) for v in got] == [[["1", "2"]], [["x"]], []]
    cleared = ws.batch_clear(["A1:A1", "D:D"])
    assert cleared["clearedRanges"] == ["Sheet1!A1", "Sheet1!D1:D1000"]
    assert ws.get_all_values() == [["", "2"]]


def test_clear_keeps_formatting(sheets, ws):
    ws.update([["x"]], "A1")
    ws.format("A1", {"textFormat": {"bold": True}})
    assert ws.clear()["clearedRange"] == "Sheet1!A1:Z1000"
    ws.update([["y"]], "A1")
    grid = sheets.model(ws.spreadsheet_id).formatted_grid(ws.id)
    assert grid[0][0]["text"] == "y" and grid[0][0]["bold"] is True


def test_append_table_detection(sheets, ws):
    first = ws.append_rows([["h1", "h2"], [1, 2]])
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "Sheet1!A1:B2"
    second = ws.append_rows([[3, 4, 5]])
    assert second["tableRange"] == "Sheet1!A1:B2"
    assert second["updates"]["updatedRange"] == "Sheet1!A3:C3"
    assert ws.get_all_values()[-1] == ["3", "4", "5"]


@pytest.mark.parametrize(
    ("table_range", "table", "updated"),
    [(None, "Sheet1!C1", "Sheet1!C2:E2"), ("A1", "Sheet1!A1", "Sheet1!A2:C2")],
)
def test_append_with_an_empty_cell_splits_the_first_row_like_google(sheets, ws, table_range, table, updated):
    """gspread's cassettes WorksheetTest.test_append_row_with_empty_value[_and_table_range]: the
    second append of ["a", "", "c"] lands under the last table of row 1, or under A1 when asked."""
    row = ["a", "", "c"]
    first = ws.append_row(row, table_range=table_range)
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:C1"
    second = ws.append_row(row, table_range=table_range)
    assert second["tableRange"] == table
    assert second["updates"] == {
        "spreadsheetId": ws.spreadsheet_id,
        "updatedRange": updated,
        "updatedRows": 1,
        "updatedColumns": 3,
        "updatedCells": 3,
    }
    expected = ["", "", "a", "", "c"] if table_range is None else row
    assert ws.get_values("A2:2") == [expected]


def test_append_and_update_grow_the_grid_from_inside(sheets):
    ws = sheets.new().add_worksheet("Small", 2, 2)
    ws.append_rows([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    props = sheets.call("GET", f"/{ws.spreadsheet_id}").json()["sheets"][1]["properties"]
    assert props["gridProperties"] == {"rowCount": 3, "columnCount": 3}
    ws.update([[1] * 3] * 3, "C3")
    assert sheets.call("GET", f"/{ws.spreadsheet_id}").json()["sheets"][1]["properties"][
        "gridProperties"
    ] == {
        "rowCount": 5,
        "columnCount": 5,
    }
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.update([[1]], "A7")
    assert info.value.error["message"] == "Range (Small!A7) exceeds grid limits. Max rows: 5, max columns: 5"


def test_unknown_tab_is_unable_to_parse(sheets, ws):
    response = sheets.call("GET", f"/{ws.spreadsheet_id}/values/%27Ordres%27%21A1%3AZ")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": 400,
        "message": "Unable to parse range: 'Ordres'!A1:Z",
        "status": "INVALID_ARGUMENT",
    }


def test_cell_character_limit(sheets, ws):
    ws.update([["x" * 50000]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.batch_update([{"range": "A1", "values": [["ok"]]}, {"range": "B1", "values": [["x" * 50001]]}])
    assert info.value.error["message"] == (
        "Invalid data[1]: Your input contains more than the maximum of 50000 characters in a single cell."
    )
    assert ws.acell("A1").value == "x" * 50000  # the batch was all-or-nothing


def test_python_reprs_and_nulls_tolerated(sheets, ws):
    response = sheets.call(
        "PUT",
        f"/{ws.spreadsheet_id}/values/%27Sheet1%27%21A1",
        params={"valueInputOption": "RAW", "includeValuesInResponse": "True"},
        json={"values": [[1, "a"]], "majorDimension": None},
    )
    assert response.status_code == 200
    assert response.json()["updatedData"] == {
        "range": "Sheet1!A1:B1",
        "majorDimension": "ROWS",
        "values": [["1", "a"]],
    }


def test_bounded_range_overflow_message(sheets, ws):
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.update([[1, 2, 3]], "A1:B1")
    assert info.value.error["message"] == (
        "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]"
    )


def test_fifty_thousand_rows_by_twelve(sheets):
    sh = sheets.new("Big")
    ws = sh.sheet1
    ws.resize(rows=50001, cols=12)
    rows = [[f"r{r}c{c}" if c % 2 else r * 1.5 for c in range(12)] for r in range(50000)]
    ws.update(rows, "A2")
    got = ws.get("A50001:L50001", value_render_option="UNFORMATTED_VALUE")
    assert got == [[49999 * 1.5] + [f"r49999c{c}" if c % 2 else 49999 * 1.5 for c in range(1, 12)]]
    assert len(ws.get_all_values()) == 50001
