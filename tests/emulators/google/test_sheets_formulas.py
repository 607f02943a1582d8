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
    assert clone.formatted_grid(0)[0][0]["text"] == "5"
    assert clone.cell_count() == 1000 * 26 + 4
