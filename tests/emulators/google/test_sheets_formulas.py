"""Formulas keep references to other tabs by sheetId: renames follow, deletes give #REF!, pastes keep them."""

from __future__ import annotations


def _formula(ws, cell="A1"):
    return ws.get(cell, value_render_option="FORMULA")[0][0]


def test_reference_follows_rename_breaks_on_delete_and_stays_broken(sheets):
    sh = sheets.new()
    invoices = sh.add_worksheet("Invoices", 5, 3)
    invoices.update([["x"], ["INV-1"]], "A1")
    b = sh.add_worksheet("B", 5, 3)
    b.update(
        [["='Invoices'!A2", "=SUM(Invoices!A:A)", '="Invoices!A1"']], "A1", value_input_option="USER_ENTERED"
    )
    assert b.get("A1:C1", value_render_option="FORMULA") == [
        ["='Invoices'!A2", "=SUM(Invoices!A:A)", '="Invoices!A1"']
    ]
    assert b.acell("A1").value == "INV-1"  # plain references are resolved
    invoices.update_title("Invoices old")
    assert b.get("A1:B1", value_render_option="FORMULA") == [
        ["='Invoices old'!A2", "=SUM('Invoices old'!A:A)"]
    ]
    sh.del_worksheet(invoices)
    assert b.get("A1:C1", value_render_option="FORMULA") == [["=#REF!", "=SUM(#REF!)", '="Invoices!A1"']]
    assert b.acell("A1").value == "#REF!"
    sh.add_worksheet("Invoices", 5, 3)
    assert _formula(b) == "=#REF!"


def test_refresh_in_place_keeps_references(sheets):
    sh = sheets.new()
    live = sh.add_worksheet("Invoices", 3, 1)
    live.update([["old"], ["old2"]], "A1")
    staging = sh.add_worksheet("staging", 3, 1)
    staging.update([["new"], ["new2"]], "A1")
    report = sh.add_worksheet("Report", 2, 2)
    report.update([["=Invoices!A2"]], "A1", value_input_option="USER_ENTERED")
    sh.batch_update(
        {
            "requests": [
                {"updateCells": {"range": {"sheetId": live.id}, "fields": "userEnteredValue"}},
                {
                    "copyPaste": {
                        "source": {"sheetId": staging.id},
                        "destination": {"sheetId": live.id},
                        "pasteType": "PASTE_NORMAL",
                    }
                },
                {"deleteSheet": {"sheetId": staging.id}},
            ]
        }
    )
    assert _formula(report) == "=Invoices!A2" and report.acell("A1").value == "new2"


def test_persisted_dict_round_trip_keeps_bindings(sheets):
    from emulators.google.sheets.model import Spreadsheet

    sh = sheets.new()
    sh.add_worksheet("Data", 2, 2).update([[5]], "A1")
    sh.sheet1.update([["=Data!A1"]], "A1", value_input_option="USER_ENTERED")
    model = sheets.model(sh.id)
    clone = Spreadsheet.from_dict(model.to_dict())
    assert clone.to_dict() == model.to_dict()
    assert clone.has_formulas  # so row/column changes still move its references after a restart
    assert clone.formatted_grid(0)[0][0]["text"] == "5"
    assert clone.cell_count() == 1000 * 26 + 4


def test_common_formulas_are_evaluated_like_sheets(sheets):
    sh = sheets.new()
    data = sh.add_worksheet("Data tab", 10, 3)
    data.update([["amount"], [10], [20.5], ["n/a"], [""], [4]], "A1", value_input_option="USER_ENTERED")
    ws = sh.sheet1
    formulas = [
        ["=1+2*3", "=-2^2", "=(1+2)*3", "=10/4", "=1/0", "=50%"],
        [
            '="a"&1',
            "=A1>2",
            "=SUM('Data tab'!A:A)",
            "=AVERAGE('Data tab'!A2:A6)",
            "=MIN('Data tab'!A2:A6)",
            "",
        ],
        [
            "=MAX('Data tab'!A2:A6)",
            "=COUNT('Data tab'!A:A)",
            "=COUNTA('Data tab'!A:A)",
            "=ROUND(2.345,2)",
            "",
            "",
        ],
        ['=IF(A1>5,"big","small")', "=ABS(-3)", "='Data tab'!A2*2", '="x"+1', "=Z99", "=Z99+1"],
        ["=A5+1", "=VLOOKUP(1,A1:B2,2)", '=CONCATENATE("q",A1,TRUE)', "=Nowhere!A1", "", ""],
    ]
    ws.update(formulas, "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:F5", value_render_option="UNFORMATTED_VALUE") == [
        [7, 4, 9, 2.5, "#DIV/0!", 0.5],
        ["a1", True, 34.5, 11.5, 4],
        [20.5, 3, 5, 2.35],
        ["big", 3, 20, "#VALUE!", "", 1],
        ["#REF!", "", "q7TRUE", "#REF!"],  # a circular reference and an unresolved tab are #REF!
    ]
    ws.format("A1", {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}})
    assert ws.acell("A1").value == "7.00"
    data.update([[100]], "A2")  # values follow their inputs on every read
    assert ws.acell("C2", value_render_option="UNFORMATTED_VALUE").value == 124.5


def test_references_follow_inserted_and_deleted_rows_and_columns(sheets):
    sh = sheets.new()
    data = sh.add_worksheet("Data", 20, 5)
    data.update([[f"r{n}", n] for n in range(1, 11)], "A1")
    data.update([["=B5"]], "C1", value_input_option="USER_ENTERED")
    data.define_named_range("B5:B6", "pair")
    report = sh.add_worksheet("Report", 5, 2)
    entered = [["='Data'!B5"], ["=SUM(Data!B2:B10)"], ["=Data!B3"], ["=SUM(Data!B:B)"], ['="Data!B5"']]
    report.update(entered, "A1", value_input_option="USER_ENTERED")

    data.delete_rows(3, 4)  # rows 3 and 4 go; row 5 becomes row 3
    assert report.get("A1:A5", value_render_option="FORMULA") == [
        ["='Data'!B3"],
        ["=SUM(Data!B2:B8)"],
        ["=#REF!"],
        ["=SUM(Data!B:B)"],
        ['="Data!B5"'],  # text inside a string is not a reference
    ]
    assert report.get("A1:A4", value_render_option="UNFORMATTED_VALUE") == [[5], [47], ["#REF!"], [48]]
    assert data.acell("C1", value_render_option="FORMULA").value == "=B3"
    assert sh.list_named_ranges()[0]["range"]["startRowIndex"] == 2

    data.insert_rows([["new", 100]], row=1)  # everything moves down one
    assert report.acell("A1", value_render_option="FORMULA").value == "='Data'!B4"
    assert report.acell("A2", value_render_option="FORMULA").value == "=SUM(Data!B3:B9)"
    assert report.acell("A1").value == "5"

    data.delete_columns(1)  # column A goes; B becomes A
    assert report.acell("A1", value_render_option="FORMULA").value == "='Data'!A4"
    data.delete_columns(1)
    assert report.acell("A1", value_render_option="FORMULA").value == "=#REF!"


def test_a_formula_entered_before_its_tab_exists_resolves_when_the_tab_appears(sheets):
    sh = sheets.new()
    summary = sh.sheet1
    summary.update([["='Invoices'!B2", "=SUM(Later!A:A)"]], "A1", value_input_option="USER_ENTERED")
    assert summary.get("A1:B1", value_render_option="UNFORMATTED_VALUE") == [["#REF!", "#REF!"]]
    invoices = sh.add_worksheet("Invoices", 5, 3)  # e.g. the first export creates the tab
    invoices.update([["h", "h"], ["INV-1", 42]], "A1")
    assert summary.acell("A1").value == "42"
    invoices.update_title("Invoices 2026")  # now bound: the formula follows the rename
    assert summary.acell("A1", value_render_option="FORMULA").value == "='Invoices 2026'!B2"
    other = sh.add_worksheet("Other", 2, 2)
    other.update([[5]], "A1")
    other.update_title("Later")
    assert summary.acell("B1").value == "5"

    sh.del_worksheet(invoices)
    sh.add_worksheet("REF", 2, 2)  # a deleted reference stays #REF!, whatever tabs appear
    assert summary.acell("A1", value_render_option="FORMULA").value == "=#REF!"
