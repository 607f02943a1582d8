"""The sheet writer against the Google emulator, read back with gspread as an analyst's sheet would show."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sheets.chunks import CHUNK_BYTES
from sheets.errors import ColumnContractBroken, DestinationMissing, LimitExceeded, UpsertNotPossible
from sheets.result import WriteResult
from sheets.stamp import RunStamp
from sheets.writer import SheetWriter
from tests.sheets.conftest import Col, writes
from tests.sheets.reader import PollingReader
from tests.sheets.tables import COLUMNS, row, upsert_or_replace, values
from tests.sheets.wire import record_writes

# chunks a fiftieth of the real size (~450 rows here): as many writes as fifty times the rows, for less work
FIFTIETH = CHUNK_BYTES // 50


def test_replace_writes_typed_values_an_analyst_can_compute_with(spreadsheet, gc):
    result = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1), row(2, "1234.5", "00042")])

    raw = values(spreadsheet, "Invoices")
    assert raw[0] == [c.label for c in COLUMNS]
    assert raw[1] == ["9130", "1", "INV-00001", 10.5, 1, 45293, pytest.approx(45293 + 9.5 / 24), False]
    assert raw[2][2] == "00042"  # ids and codes keep their leading zeros
    shown = values(spreadsheet, "Invoices", "FORMATTED_VALUE")
    assert shown[2][3] == "1,234.50" and shown[1][5] == "2024-01-02" and shown[1][6] == "2024-01-02 09:30:00"
    assert result.rows_written == 2 and result.sheet_id == spreadsheet.worksheet("Invoices").id
    gid = result.sheet_id
    assert result.spreadsheet_url.endswith(f"/spreadsheets/d/{spreadsheet.id}/edit?gid={gid}#gid={gid}")
    assert result.header_state.labels == tuple(c.label for c in COLUMNS)
    assert result.header_state.sheet_id == gid and result.header_state.rows == 2


def test_a_formula_in_a_quickbooks_memo_stays_text(spreadsheet, gc):
    SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1, memo='=IMPORTXML("http://x")')])
    ws = spreadsheet.worksheet("Invoices")
    assert ws.acell("C2", value_render_option="FORMULA").value == '=IMPORTXML("http://x")'
    assert ws.acell("C2", value_render_option="UNFORMATTED_VALUE").value == '=IMPORTXML("http://x")'


def test_a_staged_replace_sends_compact_raw_values_and_formula_like_text_stays_text(spreadsheet, gc):
    """The staging path's values writes (RAW, encoded by orjson): text that looks like a formula is
    text, numbers and dates are numbers, on the wire and in the tab."""
    sent = record_writes(gc)
    rows = [row(i, memo="=1+1" if i == 7 else None) for i in range(1, 1_001)]
    SheetWriter(gc, spreadsheet.id, "Invoices", chunk_bytes=FIFTIETH).replace(COLUMNS, rows)
    staged = [b for b in sent if b.get("valueInputOption")]
    assert len(staged) >= 2 and all(b["valueInputOption"] == "RAW" for b in staged)
    first = staged[0]["data"][0]["values"][0]
    assert first == ["9130", "1", "INV-00001", 10.5, 1, 45293.0, pytest.approx(45293 + 9.5 / 24), False]
    ws = spreadsheet.worksheet("Invoices")
    assert ws.acell("C8", value_render_option="FORMULA").value == "=1+1"
    assert values(spreadsheet, "Invoices")[7][2:6] == ["=1+1", 10.5, 7, 45293]


def test_replace_keeps_the_tab_so_formulas_elsewhere_survive(spreadsheet, gc):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)]).header_state
    summary = spreadsheet.add_worksheet("Summary", 10, 5)
    summary.update([["='Invoices'!B2"]], "A1", raw=False)
    for n in range(10):
        state = (
            SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state)
            .replace(COLUMNS, [row(100 + n)])
            .header_state
        )
    assert summary.acell("A1", value_render_option="FORMULA").value == "='Invoices'!B2"
    assert summary.acell("A1").value == "109"
    assert "_sheetbooks_staging_Invoices" not in [w.title for w in spreadsheet.worksheets()]


def test_a_big_replace_goes_through_a_hidden_staging_tab_and_swaps_at_once(spreadsheet, gc, google_user):
    writer = SheetWriter(gc, spreadsheet.id, "Invoices")
    state = writer.replace(COLUMNS, [row(i) for i in range(3)]).header_state
    before = google_user.requests_by_route()
    progress: list[int] = []
    big = SheetWriter(
        gc, spreadsheet.id, "Invoices", header_state=state, on_progress=progress.append, chunk_bytes=FIFTIETH
    )
    result = big.replace(COLUMNS, (row(i) for i in range(3_000)))  # as many chunks as 30,000 rows make
    calls = google_user.requests_by_route() - before
    assert result.rows_written == 3_000 and values(spreadsheet, "Invoices")[-1][1] == "2999"
    assert calls["sheets.batchUpdate"] >= 2 and result.calls == sum(calls.values())
    assert progress[-1] == 3_000 and len(progress) >= 2
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Invoices"]


def test_the_staging_tab_is_added_while_rows_are_still_coming(spreadsheet, gc):
    """A table too big for one updateCells request but one chunk of values (the 10,000-invoice case): the
    hidden tab is added as soon as the rows so far are past one request, not after the last row, so the
    swap waits for one call less."""
    staging_there: list[bool] = []

    def rows():
        for i in range(600):
            if i == 599:  # the last row: is the staging tab there yet?
                titles = [w.title for w in spreadsheet.worksheets()]
                staging_there.append("_sheetbooks_staging_Invoices" in titles)
            yield row(i)

    result = SheetWriter(gc, spreadsheet.id, "Invoices", chunk_bytes=FIFTIETH * 2).replace(COLUMNS, rows())

    assert staging_there == [True]
    assert result.rows_written == 600 and values(spreadsheet, "Invoices")[-1][1] == "599"
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Invoices"]


def test_a_run_failing_after_the_staging_tab_was_added_removes_it(spreadsheet, gc):
    def rows():
        yield from (row(i) for i in range(500))
        raise RuntimeError("QuickBooks went away")

    with pytest.raises(RuntimeError, match="QuickBooks went away"):
        SheetWriter(gc, spreadsheet.id, "Invoices", chunk_bytes=FIFTIETH * 2).replace(COLUMNS, rows())
    assert "_sheetbooks_staging_Invoices" not in [w.title for w in spreadsheet.worksheets()]


def classify(got: list[list]) -> str:
    """'old' (200 rows at 1.00), 'new' (2,000 rows at 10.50), else what was wrong with the tab."""
    header, body = (got[0], got[1:]) if got else ([], [])
    if header != [c.label for c in COLUMNS]:
        return f"header {header[:3]}"
    for name, count, amount in (("old", 200, 1), ("new", 2_000, 10.5)):
        if len(body) == count and all(r[1] == str(i) and r[3] == amount for i, r in enumerate(body)):
            return name
    return f"partial: {len(body)} rows"


def test_a_reader_never_sees_a_half_written_tab(spreadsheet, gc, colleague):
    old = [row(i, "1.00") for i in range(200)]
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, old).header_state
    spreadsheet.share(colleague.email, perm_type="user", role="reader", notify=False)
    tab = colleague.patient_client().open_by_key(spreadsheet.id).worksheet("Invoices")
    during: list[str] = []
    with PollingReader(tab, classify) as reader:
        assert reader.read_now() == "old"

        def between_chunks(rows: int) -> None:  # the staging tab is half full: look at the live tab
            if rows < 2_000:
                during.append(reader.read_now())

        SheetWriter(
            gc,
            spreadsheet.id,
            "Invoices",
            header_state=state,
            on_progress=between_chunks,
            chunk_bytes=FIFTIETH,
        ).replace(COLUMNS, (row(i) for i in range(2_000)))  # 4 chunks; each read in between takes ~1 s
        assert reader.read_now() == "new"
    assert reader.error is None, reader.error
    assert len(during) >= 2 and set(during) == {"old"}, during
    assert set(reader.seen) == {"old", "new"}, sorted(set(reader.seen))


def test_a_staging_tab_left_by_a_crashed_run_is_cleaned_up(spreadsheet, gc):
    leftover = spreadsheet.add_worksheet("_sheetbooks_staging_Invoices", 5, 5)
    leftover.hide()
    SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)])
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Invoices"]


@pytest.mark.parametrize("mode", ["replace", "append", "upsert"])
def test_an_edited_header_stops_the_run_without_touching_the_data(spreadsheet, gc, google_user, mode):
    def write(writer: SheetWriter, rows: list) -> WriteResult:
        if mode == "upsert":
            return upsert_or_replace(writer, COLUMNS, ["realm_id", "id"], rows)
        return getattr(writer, mode)(COLUMNS, rows)

    state = write(SheetWriter(gc, spreadsheet.id, "Invoices"), [row(1)]).header_state
    spreadsheet.worksheet("Invoices").update([["Total"]], "D1")
    before = google_user.requests_by_route()
    with pytest.raises(ColumnContractBroken, match="column D 'Amount' is now 'Total'"):
        write(SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state), [row(2)])
    assert writes(google_user.requests_by_route() - before) == 0
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == ["1"]
    write(SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state, reset_tab=True), [row(2)])
    assert values(spreadsheet, "Invoices")[0][3] == "Amount"
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == ["2"]


def test_limits_are_refused_before_the_first_write(spreadsheet, gc, google_user):
    before = google_user.requests_by_route()
    wide = [Col(f"c{i}", f"C{i}", "text") for i in range(18_279)]
    with pytest.raises(LimitExceeded, match="18,278") as columns:
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(wide, [])
    with pytest.raises(LimitExceeded, match="10,000,000") as cells:
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, iter([]), expected_rows=1_300_000)
    with pytest.raises(LimitExceeded, match="Row 2, column 'Invoice #'") as chars:
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1), row(2, memo="x" * 50_001)])
    assert (columns.value.excess, cells.value.limit, chars.value.excess) == (1, "cells", 1)
    assert writes(google_user.requests_by_route() - before) == 0


def test_long_text_can_be_truncated_visibly(spreadsheet, gc):
    writer = SheetWriter(gc, spreadsheet.id, "Invoices", oversize="truncate")
    result = writer.replace(COLUMNS, [row(1, memo="x" * 60_000)])
    assert result.truncated_cells == 1
    assert values(spreadsheet, "Invoices")[1][2].endswith("…[truncated]")


def test_a_deleted_spreadsheet_is_a_missing_destination(spreadsheet, gc):
    gc.del_spreadsheet(spreadsheet.id)
    with pytest.raises(DestinationMissing, match="Restore it from the Drive trash or share it again"):
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)])


def test_the_last_refreshed_stamp_is_a_note_on_a1(spreadsheet, gc):
    stamp = RunStamp(exporter="Open invoices", companies=("Acme", "Beta"), data_as_of="2024-01-02", run_id=7)
    SheetWriter(gc, spreadsheet.id, "Invoices", stamp=stamp).replace(COLUMNS, [row(1)])
    note = spreadsheet.worksheet("Invoices").get_note("A1")
    assert "Open invoices" in note and "Acme, Beta" in note and "Run: 7" in note


def test_append_adds_rows_with_a_snapshot_time_and_refuses_what_would_not_fit(spreadsheet, gc, google_user):
    first = SheetWriter(gc, spreadsheet.id, "History").append(COLUMNS, [row(1)], datetime(2024, 1, 1, 8))
    second = SheetWriter(gc, spreadsheet.id, "History", header_state=first.header_state).append(
        COLUMNS, [row(2), row(3)], datetime(2024, 1, 2, 8)
    )
    got = values(spreadsheet, "History", "FORMATTED_VALUE")
    assert got[0][-1] == "Snapshot at" and [r[1] for r in got[1:]] == ["1", "2", "3"]
    assert got[3][-1] == "2024-01-02 08:00:00" and second.rows_appended == 2 and second.runs_left > 1000
    before = google_user.requests_by_route()
    with pytest.raises(LimitExceeded, match="Nothing was appended"):
        SheetWriter(gc, spreadsheet.id, "History", header_state=second.header_state).append(
            COLUMNS, iter([]), datetime(2024, 1, 3), expected_rows=1_200_000
        )
    assert writes(google_user.requests_by_route() - before) == 0


def test_upsert_updates_appends_and_removes_in_one_call(spreadsheet, gc, google_user):
    state = (
        SheetWriter(gc, spreadsheet.id, "Invoices")
        .replace(COLUMNS, [row(i) for i in range(1, 6)])
        .header_state
    )
    before = google_user.requests_by_route()
    result = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state).upsert(
        COLUMNS, ["realm_id", "id"], [row(2, "99.00"), row(7)], deleted_keys=[("9130", "4")]
    )
    calls = google_user.requests_by_route() - before
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == ["1", "2", "3", "5", "7"]
    assert values(spreadsheet, "Invoices")[2][3] == 99
    assert (result.rows_updated, result.rows_appended, result.rows_removed) == (1, 1, 1)
    # layout, header + keys, the cells of the rows touched (to skip unchanged ones), one write
    assert calls["sheets.batchUpdate"] == 1 and sum(calls.values()) <= 4


def test_upsert_of_rows_the_tab_already_holds_writes_none(spreadsheet, gc):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(1, 4)])
    again = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state.header_state).upsert(
        COLUMNS, ["realm_id", "id"], [row(1), row(2, "99.00"), row(3)]
    )
    assert (again.rows_written, again.rows_updated, again.rows_appended) == (1, 1, 0)
    assert [r[3] for r in values(spreadsheet, "Invoices")[1:]] == [10.5, 99, 10.5]


def fallback_case(case: str, spreadsheet, gc) -> tuple[SheetWriter, list]:
    """A writer whose upsert of the returned changes can't be done row by row, for the reason `case`."""
    if case == "missing tab":
        return SheetWriter(gc, spreadsheet.id, "Invoices"), [row(9)]
    if case == "no header":  # the analyst's own rows, no header of ours
        spreadsheet.add_worksheet("Invoices", 10, 3).update([["", "mine", 1]], "A2")
        return SheetWriter(gc, spreadsheet.id, "Invoices"), [row(9)]
    if case == "other columns":  # the exporter's columns changed since the last run
        state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS[:4], [row(1)[:4]]).header_state
        return SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state), [row(9)]
    state = (
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(40)]).header_state
    )
    if case == "reset tab":
        return SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state, reset_tab=True), [row(9)]
    assert case == "too many changes"
    writer = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state, chunk_bytes=5_000)
    return writer, [row(i, "2.00") for i in range(30)]


FALLBACKS = {
    "missing tab": "does not exist yet",
    "no header": "has no header row",
    "other columns": "has other columns than the exporter's",
    "reset tab": "is to be reset",
    "too many changes": "30 changed rows are more than one request",
}


@pytest.mark.parametrize("case", list(FALLBACKS))
def test_an_upsert_that_cannot_be_done_row_by_row_says_why_and_writes_nothing(
    spreadsheet, gc, google_user, case
):
    writer, changed = fallback_case(case, spreadsheet, gc)
    tabs = [w.title for w in spreadsheet.worksheets()]
    held = values(spreadsheet, "Invoices") if "Invoices" in tabs else None
    before = google_user.requests_by_route()
    with pytest.raises(UpsertNotPossible, match=FALLBACKS[case]) as refused:
        writer.upsert(COLUMNS, ["realm_id", "id"], changed, deleted_keys=[("9130", "3")])
    assert writes(google_user.requests_by_route() - before) == 0
    assert refused.value.reason == str(refused.value)
    assert [w.title for w in spreadsheet.worksheets()] == tabs
    assert (values(spreadsheet, "Invoices") if "Invoices" in tabs else None) == held
    result = writer.replace(COLUMNS, changed)  # what the pipeline does instead
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == [r[1] for r in changed]
    assert result.sheet_id == spreadsheet.worksheet("Invoices").id


def test_upsert_can_mark_deleted_rows_instead_of_removing_them(spreadsheet, gc):
    first = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(1, 4)])
    result = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=first.header_state).upsert(
        COLUMNS, ["realm_id", "id"], [], deleted_keys=[("9130", "2")], on_deleted="mark"
    )
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == ["1", "2", "3"]
    assert "Deleted in QuickBooks" in spreadsheet.worksheet("Invoices").get_note("A3")
    grid = spreadsheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": "'Invoices'!A2:B3"})
    struck = [
        [
            c.get("userEnteredFormat", {}).get("textFormat", {}).get("strikethrough", False)
            for c in r["values"]
        ]
        for r in grid["sheets"][0]["data"][0]["rowData"]
    ]
    assert struck == [[False, False], [True, True]] and result.rows_removed == 1
    again = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=result.header_state)
    again.upsert(COLUMNS, ["realm_id", "id"], [row(2, "3.00")])  # back in QuickBooks: unmarked
    grid = spreadsheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": "'Invoices'!A3"})
    cell = grid["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert not cell.get("userEnteredFormat", {}).get("textFormat", {}).get("strikethrough", False)
    assert "note" not in cell and values(spreadsheet, "Invoices")[2][3] == 3


def test_a_full_refresh_leaves_no_deleted_mark_on_live_rows(spreadsheet, gc):
    first = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(1, 4)])
    marked = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=first.header_state).upsert(
        COLUMNS, ["realm_id", "id"], [], deleted_keys=[("9130", "2")], on_deleted="mark"
    )
    SheetWriter(gc, spreadsheet.id, "Invoices", header_state=marked.header_state).replace(
        COLUMNS, [row(i) for i in (1, 3, 4)]
    )
    grid = spreadsheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": "'Invoices'!A1:B4"})
    rows = grid["sheets"][0]["data"][0]["rowData"]
    text = [[c.get("userEnteredFormat", {}).get("textFormat", {}) for c in r["values"]] for r in rows]
    assert all(not cell.get("strikethrough") for line in text for cell in line)
    assert all(cell.get("bold") for cell in text[0])  # the header is bold again
    assert [r[1] for r in values(spreadsheet, "Invoices")[1:]] == ["1", "3", "4"]


CURRENCY_COLUMNS = [
    Col("id", "Id", "text"),
    Col("total", "Total", "money"),
    Col("currency", "Currency", "text"),
    Col("home_total", "Total (home currency)", "money"),
    Col("home_currency", "Home currency", "text"),
]


def in_currencies(i: int) -> tuple:
    return (str(i), Decimal("1234.5"), ["EUR", "GBP", None][i % 3], Decimal("10"), "USD")


@pytest.mark.parametrize("chunk_bytes", [2_000_000, 1_000], ids=["one call", "staged"])
def test_money_is_formatted_in_the_currency_of_its_row(spreadsheet, gc, chunk_bytes):
    writer = SheetWriter(gc, spreadsheet.id, "Invoices", chunk_bytes=chunk_bytes)
    state = writer.replace(CURRENCY_COLUMNS, [in_currencies(i) for i in range(30)]).header_state
    shown = values(spreadsheet, "Invoices", "FORMATTED_VALUE")
    assert [r[1] for r in shown[1:4]] == ["1,234.50 EUR", "1,234.50 GBP", "1,234.50"]
    assert {r[3] for r in shown[1:]} == {"10.00 USD"}
    assert values(spreadsheet, "Invoices")[1][1] == 1234.5  # still a number to compute with
    more = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state, chunk_bytes=chunk_bytes)
    state = more.append(CURRENCY_COLUMNS, [in_currencies(31)]).header_state
    again = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state)
    again.upsert(CURRENCY_COLUMNS, ["id"], [("0", Decimal("5"), "JPY", Decimal("1"), "USD")])
    shown = values(spreadsheet, "Invoices", "FORMATTED_VALUE")
    assert shown[-1][1] == "1,234.50 GBP" and shown[1][1:4] == ["5.00 JPY", "JPY", "1.00 USD"]


def test_upsert_refuses_a_too_long_cell_before_writing(spreadsheet, gc, google_user):
    state = SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(1)]).header_state
    before = google_user.requests_by_route()
    with pytest.raises(LimitExceeded, match="Row 2, column 'Invoice #' has 50,001 characters"):
        SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state).upsert(
            COLUMNS, ["realm_id", "id"], [row(1), row(2, memo="x" * 50_001)]
        )
    assert writes(google_user.requests_by_route() - before) == 0


def test_the_cell_limit_counts_the_other_tabs(spreadsheet, gc, google_user):
    spreadsheet.add_worksheet("Big", 997_000, 10)  # with Sheet1's 26,000: 9,996,000 cells elsewhere
    before = google_user.requests_by_route()
    with pytest.raises(LimitExceeded, match="already uses 9,996,000") as replace:
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(2_000)])
    with pytest.raises(LimitExceeded, match="Nothing was appended"):
        SheetWriter(gc, spreadsheet.id, "History").append(COLUMNS, [row(i) for i in range(2_000)])
    assert writes(google_user.requests_by_route() - before) == 0
    assert replace.value.excess == 9_996_000 + 2_001 * 8 - 10_000_000
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Big"]


def test_datetimes_land_in_the_exporters_time_zone(spreadsheet, gc):
    columns = [Col("id", "Id", "text"), Col("updated", "Updated", "datetime"), Col("day", "Day", "date")]
    moment = datetime(2024, 1, 2, 3, 0, tzinfo=UTC)  # still Jan 1st, 19:00, in Los Angeles
    writer = SheetWriter(gc, spreadsheet.id, "Times", tz=ZoneInfo("America/Los_Angeles"))
    writer.replace(columns, [("1", moment, moment)])
    assert values(spreadsheet, "Times", "FORMATTED_VALUE")[1] == ["1", "2024-01-01 19:00:00", "2024-01-01"]


def test_a_shorter_refresh_clears_rows_instead_of_deleting_them(spreadsheet, gc):
    """Deleting rows could narrow an analyst's bounded range (`D2:D31`) for good; clearing cannot."""
    state = (
        SheetWriter(gc, spreadsheet.id, "Invoices").replace(COLUMNS, [row(i) for i in range(30)]).header_state
    )
    grid_rows = spreadsheet.worksheet("Invoices").row_count
    summary = spreadsheet.add_worksheet("Summary", 10, 5)
    summary.update([["=SUM('Invoices'!D2:D31)"]], "A1", raw=False)

    writer = SheetWriter(gc, spreadsheet.id, "Invoices", header_state=state)
    result = writer.replace(COLUMNS, [row(i, "2.00") for i in range(5)])

    tab = spreadsheet.worksheet("Invoices")
    assert tab.id == result.sheet_id and tab.row_count == grid_rows >= 31
    assert len(values(spreadsheet, "Invoices")) == 1 + 5  # no stale rows below the new data
    assert summary.acell("A1", value_render_option="FORMULA").value == "=SUM('Invoices'!D2:D31)"
    assert summary.acell("A1", value_render_option="UNFORMATTED_VALUE").value == 10


def naive_body(rows: list[tuple]) -> bytes:
    """What gspread's `update()` of the same table sends: RAW values, dates as text, amounts as floats."""

    def plain(v):
        return v.isoformat() if isinstance(v, datetime | date) else float(v) if isinstance(v, Decimal) else v

    table = [[c.label for c in COLUMNS]] + [[plain(v) for v in r] for r in rows]
    return json.dumps({"values": table}, separators=(",", ":")).encode()


def test_a_staged_replace_sends_compact_typed_values_and_formula_text_stays_text(spreadsheet, gc):
    rows = [row(i, memo='=IMPORTXML("http://x")' if i == 7 else None) for i in range(3_000)]
    sent = record_writes(gc)
    SheetWriter(gc, spreadsheet.id, "Invoices", chunk_bytes=FIFTIETH).replace(COLUMNS, iter(rows))
    ours = sum(len(json.dumps(body, separators=(",", ":")).encode()) for body in sent)
    assert len(sent) >= 4 and ours <= 1.3 * len(naive_body(rows))  # staging, the chunks, the swap
    raw = values(spreadsheet, "Invoices")
    assert raw[1] == ["9130", "0", "INV-00000", 10.5, 0, 45293, pytest.approx(45293 + 9.5 / 24), True]
    assert raw[8][2] == '=IMPORTXML("http://x")' and len(raw) == 3_001
    ws = spreadsheet.worksheet("Invoices")
    assert ws.acell("C9", value_render_option="FORMULA").value == '=IMPORTXML("http://x")'
    shown = values(spreadsheet, "Invoices", "FORMATTED_VALUE")
    assert (
        shown[3000][3] == "10.50"
        and shown[3000][5] == "2024-01-02"
        and shown[3000][6] == "2024-01-02 09:30:00"
    )
