"""The live tab's life: layout, formulas elsewhere, a tab or spreadsheet that went away."""

from __future__ import annotations

import pytest

from sheets.errors import DestinationMissing
from sheets.writer import SheetWriter
from tests.sheets.tables import COLUMNS, row, upsert_or_replace, values
from tests.sheets.wire import record_writes

SMALL_CHUNKS = 40_000  # bytes of request JSON (~530 rows here): the bigger replaces go through staging


def tab_properties(spreadsheet, title: str) -> dict:
    sheets = spreadsheet.fetch_sheet_metadata()["sheets"]
    return next(s["properties"] for s in sheets if s["properties"]["title"] == title)


def test_the_header_is_bold_and_frozen(spreadsheet, gc):
    SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)])
    assert tab_properties(spreadsheet, "Invoices")["gridProperties"]["frozenRowCount"] == 1
    grid = spreadsheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": "'Invoices'!A1:B2"})
    (first, second) = grid["sheets"][0]["data"][0]["rowData"]
    assert all(c["userEnteredFormat"]["textFormat"]["bold"] for c in first["values"])
    assert not second["values"][0].get("userEnteredFormat", {}).get("textFormat", {}).get("bold")


def test_formulas_elsewhere_survive_ten_replaces_of_every_size(spreadsheet, gc, google_user):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)]).header_state
    sheet_id = state.sheet_id
    summary = spreadsheet.add_worksheet("Summary", 10, 5)
    summary.update([["='Invoices'!B2", "='Invoices'!D1"]], "A1", raw=False)
    staged = 0
    for n, size in enumerate([1, 800, 3, 1500, 0, 600, 2, 900, 5, 700]):
        before = google_user.requests_by_route()
        writer = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state, chunk_bytes=SMALL_CHUNKS)
        state = writer.replace(COLUMNS, [row(100 * n + i) for i in range(size)]).header_state
        staged += (google_user.requests_by_route() - before)["sheets.batchUpdate"] > 1
        assert state.sheet_id == sheet_id
        got = summary.get_all_values(value_render_option="UNFORMATTED_VALUE")[0]
        assert got == ([str(100 * n), "Amount"] if size else ["", "Amount"]), (n, size, got)
    assert staged == 5  # the big ones went through a staging tab; the swap kept the formulas
    formulas = summary.get_all_values(value_render_option="FORMULA")[0]
    assert formulas == ["='Invoices'!B2", "='Invoices'!D1"]
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Invoices", "Summary"]


@pytest.mark.parametrize("mode", ["replace", "append", "upsert"])
def test_a_deleted_tab_is_created_again(spreadsheet, gc, mode):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)]).header_state
    spreadsheet.del_worksheet(spreadsheet.worksheet("Invoices"))
    writer = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state)
    if mode == "replace":
        result = writer.replace(COLUMNS, [row(2)])
    elif mode == "append":
        result = writer.append(COLUMNS, [row(2)])
    else:
        result = upsert_or_replace(writer, COLUMNS, ["realm_id", "id"], [row(2)])
    assert result.header_state.sheet_id == spreadsheet.worksheet("Invoices").id != state.sheet_id
    assert values(spreadsheet, "Invoices") == [
        [c.label for c in COLUMNS],
        ["9130", "2", "INV-00002", 10.5, 2, 45293, pytest.approx(45293 + 9.5 / 24), True],
    ]
    assert tab_properties(spreadsheet, "Invoices")["gridProperties"]["frozenRowCount"] == 1


def test_a_spreadsheet_no_longer_shared_says_so_and_what_to_do(spreadsheet, gc, colleague, google_user):
    theirs = colleague.client().create("Not shared with the writer")
    with pytest.raises(DestinationMissing) as missing:
        SheetWriter(gc, theirs.id, "Invoices").replace(COLUMNS, [row(1)])
    assert missing.value.status == 403 and theirs.id in str(missing.value)
    assert "no longer shared" in str(missing.value) and "share it again" in str(missing.value)
    assert google_user.email in missing.value.message(google_user.email)
    theirs.share(google_user.email, perm_type="user", role="writer", notify=False)
    SheetWriter(gc, theirs.id, "Invoices").replace(COLUMNS, [row(1)])
    assert values(theirs, "Invoices")[1][1] == "1"


def requests_of(bodies: list[dict], kind: str) -> list[dict]:
    return [r[kind] for body in bodies for r in body.get("requests", []) if kind in r]


def test_columns_are_sized_to_their_text_on_the_first_write_only(spreadsheet, gc):
    # The emulator accepts column widths without modelling them, so this looks at what was sent.
    sent = record_writes(gc)
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1, memo="x" * 40)]).header_state
    widths = [r["properties"]["pixelSize"] for r in requests_of(sent, "updateDimensionProperties")]
    assert len(widths) == len(COLUMNS) and widths[2] > widths[1] >= 60  # the long memo column is wider
    sent.clear()
    SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state).replace(COLUMNS, [row(2)])
    assert requests_of(sent, "updateDimensionProperties") == []  # the analyst's own widths stay


def test_a_view_only_spreadsheet_asks_to_be_shared_as_an_editor(gc, colleague, google_user):
    theirs = colleague.client().create("Shared for viewing")
    theirs.share(google_user.email, perm_type="user", role="reader", notify=False)
    with pytest.raises(DestinationMissing) as refused:
        SheetWriter(gc, theirs.id, "Invoices").replace(COLUMNS, [row(1)])
    message = refused.value.message(google_user.email)
    assert refused.value.read_only and f"shared with {google_user.email} for viewing only" in message
    assert "as an editor" in message and [w.title for w in theirs.worksheets()] == ["Sheet1"]


def test_a_tab_deleted_while_a_run_writes_it_is_said_with_what_to_do(spreadsheet):
    """Google's 400 "No grid with id" (the analyst deleted the tab mid-run) becomes a message an analyst
    can act on, not Google's request path (found by the chaos suite)."""
    from sheets.errors import SheetsError
    from sheets.tabs import translated_errors
    from tests.messages import problems

    gone = spreadsheet.add_worksheet("Going", rows=5, cols=5)
    spreadsheet.del_worksheet(gone)
    with pytest.raises(SheetsError) as refused, translated_errors(spreadsheet.id, "replace"):
        spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": gone.id, "title": "x"},
                            "fields": "title",
                        }
                    }
                ]
            }
        )
    message = str(refused.value)
    assert message.startswith("The tab was deleted while this run was writing it") and problems(message) == []
