"""Append mode: many chunks land at once, and a run that fails halfway leaves the tab as it was."""

from __future__ import annotations

import pytest

from sheets.errors import SheetsUnavailable
from sheets.retry import RetryPolicy
from sheets.writer import SheetWriter
from tests.sheets.tables import COLUMNS, row, values
from tests.sheets.wire import fail_writes

SMALL_CHUNKS = 3_500  # ~45 rows a chunk (RAW values, ~75 bytes a row)


def ids(spreadsheet, tab: str) -> list[str]:
    return [r[1] for r in values(spreadsheet, tab)[1:]]


def test_a_big_append_lands_in_one_swap(spreadsheet, gc, google_user):
    first = SheetWriter(gc, spreadsheet.id, "History").append(COLUMNS, [row(i) for i in range(3)])
    before = google_user.requests_by_route()
    writer = SheetWriter(
        gc, spreadsheet.id, "History", header_state=first.header_state, chunk_bytes=SMALL_CHUNKS
    )
    result = writer.append(COLUMNS, (row(i) for i in range(3, 403)))
    calls = google_user.requests_by_route() - before
    chunks = calls["values.batchUpdate"]
    assert chunks >= 8 and calls["sheets.batchUpdate"] == 2  # the staging tab's creation, the swap
    assert sum(calls.values()) == chunks + 4  # metadata, header + column A, the chunks
    assert ids(spreadsheet, "History") == [str(i) for i in range(403)] and result.rows_appended == 400
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "History"]


def test_an_append_that_fails_halfway_leaves_the_tab_as_it_was(spreadsheet, gc, google_user):
    state = (
        SheetWriter(gc, spreadsheet.id, "History").append(COLUMNS, [row(i) for i in range(3)]).header_state
    )
    gc.http_client.policy = RetryPolicy(tries=1, sleep=google_user.waits.append)
    fail_writes(gc, 1, status=503, when=lambda request: b"copyPaste" in (request.body or b""))
    writer = SheetWriter(gc, spreadsheet.id, "History", header_state=state, chunk_bytes=SMALL_CHUNKS)
    with pytest.raises(SheetsUnavailable):
        writer.append(COLUMNS, (row(i) for i in range(3, 403)))
    assert ids(spreadsheet, "History") == ["0", "1", "2"]
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "History"]  # staging dropped

    again = SheetWriter(gc, spreadsheet.id, "History", header_state=state, chunk_bytes=SMALL_CHUNKS)
    again.append(COLUMNS, (row(i) for i in range(3, 403)))  # the next run: no duplicates
    assert ids(spreadsheet, "History") == [str(i) for i in range(403)]
