"""The tab one write goes to, as the write modes (replace, append, upsert) see it.

One small public interface over the Sheets API: read the layout and values, encode and stream rows,
send batchUpdates, fill a staging tab and swap it in, report progress, and sum the write up as a result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.utils import rowcol_to_a1

from sheets import batch, limits, staging
from sheets.batch import Request
from sheets.cells import CellData, CellEncoder, ColumnLike
from sheets.chunks import CHUNK_BYTES, Chunk, ChunkStats, chunked, encoded_rows
from sheets.client import calls_of, spreadsheet_url
from sheets.contract import HeaderState, check_header
from sheets.result import WriteResult
from sheets.rows import RawRow, TableEncoder
from sheets.staging import StagingTab
from sheets.tabs import SpreadsheetLayout, Tab, quoted, read_layout

MAX_RANGES = 50  # ranges in one read (they go in the request's URL)


@dataclass
class TargetTab:
    """One tab of one spreadsheet, and what the run knows about it (make one per write)."""

    client: gspread.Client
    spreadsheet_id: str
    title: str
    encoder: CellEncoder
    header_state: HeaderState | None = None  # what the last run wrote; None: a tab new to us
    reset_tab: bool = False  # the analyst asked for the tab to be rewritten from scratch
    note: str | None = None  # the "last refreshed" note on A1
    on_progress: Callable[[int], None] | None = None
    column_widths: bool = True
    chunk_bytes: int = CHUNK_BYTES  # request JSON per chunk; smaller only in tests and bench
    calls_at_start: int = field(init=False)

    def __post_init__(self) -> None:
        self.calls_at_start = calls_of(self.client)

    # -- reading ----------------------------------------------------------------------------------

    def read_layout(self) -> SpreadsheetLayout:
        """The spreadsheet's tabs and grid sizes (one `spreadsheets.get`)."""
        return read_layout(self.client, self.spreadsheet_id)

    def a1(self, cells: str) -> str:
        """An A1 range of this tab, e.g. `a1("1:1")` for the header row."""
        return f"{quoted(self.title)}!{cells}"

    def read_values(self, ranges: Sequence[str]) -> list[list[list[Any]]]:
        """values:batchGet of A1 ranges (unformatted), one list of rows per range: one call."""
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "majorDimension": "ROWS",
        }
        reply = self.client.http_client.values_batch_get(self.spreadsheet_id, list(ranges), params=params)
        return [vr.get("values", []) for vr in reply.get("valueRanges", [])]

    def read_cells(self, row_runs: Sequence[tuple[int, int]], cols: int) -> dict[int, list[CellData]]:
        """The entered values and notes of grid rows [start, stop) in `row_runs` (one `spreadsheets.get`),
        by grid row; cells missing at a row's end are empty. Many runs are read as one range around them
        (a request's URL holds only so many ranges)."""
        if not row_runs:
            return {}
        if len(row_runs) > MAX_RANGES:
            row_runs = [(min(a for a, _ in row_runs), max(b for _, b in row_runs))]
        last = rowcol_to_a1(1, max(cols, 1))[:-1]
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "ranges": [self.a1(f"A{a + 1}:{last}{b}") for a, b in row_runs],
            "fields": "sheets(data(startRow,rowData(values(userEnteredValue,note))))",
        }
        reply = self.client.http_client.fetch_sheet_metadata(self.spreadsheet_id, params=params)
        out: dict[int, list[CellData]] = {}
        for sheet in reply.get("sheets", []):
            for data in sheet.get("data", []):
                start = int(data.get("startRow", 0))
                for offset, row in enumerate(data.get("rowData", [])):
                    cells = list(row.get("values", []))
                    out[start + offset] = cells + [{}] * (cols - len(cells))
        return out

    def check_contract(self, live: Tab | None) -> None:
        """Read the live header once and refuse to write if the analyst edited it."""
        if live is None or self.reset_tab or self.header_state is None or not self.header_state.labels:
            return
        (rows,) = self.read_values([self.a1("1:1")])
        check_header(self.title, self.header_state, [str(v) for v in (rows[0] if rows else [])])

    # -- encoding ---------------------------------------------------------------------------------

    def table(self, columns: Sequence[ColumnLike]) -> TableEncoder:
        """The encoder of this tab's rows."""
        return TableEncoder(columns, self.encoder, self.title)

    def stream(
        self, table: TableEncoder, rows: Iterable[Sequence[Any]], stats: ChunkStats
    ) -> Iterator[Chunk]:
        """Rows encoded and cut into chunks of at most `chunk_bytes` (one chunk in memory at a time)."""
        return chunked(encoded_rows(rows, table, stats), self.chunk_bytes)

    # -- writing ----------------------------------------------------------------------------------

    def write_values(self, title: str, row0: int, rows: list[RawRow], cols: int) -> None:
        """One `values.batchUpdate` of RAW rows into tab `title` from 0-based row `row0` (RAW: text
        that looks like a formula stays text)."""
        end = rowcol_to_a1(row0 + len(rows), max(cols, 1))
        body = {
            "valueInputOption": "RAW",
            "data": [{"range": f"{quoted(title)}!A{row0 + 1}:{end}", "values": rows}],
        }
        self.client.http_client.values_batch_update(self.spreadsheet_id, body)

    def batch(self, requests: list[Request]) -> None:
        """One `spreadsheets.batchUpdate`: all of `requests` apply, or none."""
        self.client.http_client.batch_update(self.spreadsheet_id, {"requests": requests})

    def live_setup(
        self, layout: SpreadsheetLayout, live: Tab | None, rows: int, cols: int
    ) -> tuple[int, list[Request]]:
        """The live tab's sheetId and the requests that create it or size it (frozen header).

        A live tab only grows: Google may narrow bounded references in other tabs (`B2:B500`) when rows
        or columns go, and they would not grow back with the data. Rows no longer needed are cleared
        instead, unless keeping them would pass the spreadsheet's cell limit.
        """
        rows = max(rows, 2)  # a tab with only the frozen header row can't be frozen
        if live is None:
            sheet_id = layout.new_sheet_id()
            return sheet_id, [batch.add_sheet(sheet_id, self.title, rows, cols)] + batch.resize(
                sheet_id, rows, cols, rows, cols
            )
        kept_rows, kept_cols = max(rows, live.rows), max(cols, live.cols)
        if kept_rows * kept_cols + layout.cells_except(live) <= limits.MAX_CELLS:
            rows, cols = kept_rows, kept_cols
        return live.sheet_id, batch.resize(live.sheet_id, rows, cols, live.rows, live.cols)

    def header(self, sheet_id: int, columns: Sequence[ColumnLike]) -> Request:
        """The bold header row with the "last refreshed" note."""
        return batch.header(sheet_id, [c.label for c in columns], self.note)

    def finish(
        self, sheet_id: int, table: TableEncoder, rows: int, stats: ChunkStats, fresh: bool
    ) -> list[Request]:
        """Header, number formats and (on a tab new to us) column widths."""
        out = [self.header(sheet_id, table.columns), *self.formats(sheet_id, table, 1, rows + 1)]
        if fresh and self.column_widths:
            out += batch.column_widths(sheet_id, stats.widths([c.label for c in table.columns]))
        return out

    def formats(self, sheet_id: int, table: TableEncoder, row0: int, row1: int) -> list[Request]:
        """Number formats of rows [row0, row1): one repeatCell per column, money by currency runs."""
        return batch.column_formats(sheet_id, table.columns, row0, row1, table.per_row) + batch.format_runs(
            sheet_id, table.format_runs.runs, row0
        )

    @contextmanager
    def staging(self, layout: SpreadsheetLayout, table: TableEncoder) -> Iterator[StagingTab]:
        """A hidden staging tab for `table` (a crashed run's leftover goes with its first write); dropped
        if the block fails, so only the swap (`StagingTab.swap`) ever shows its rows."""
        stage = StagingTab(
            self.batch,
            self.write_values,
            layout,
            self.title,
            table,
            staging.cleanup_requests(layout, self.title),
        )
        try:
            yield stage
        except Exception:
            stage.drop()
            raise

    def progress(self, rows: int) -> None:
        """Tell the caller how many rows are written (or staged) so far."""
        if self.on_progress is not None:
            self.on_progress(rows)

    # -- the outcome ------------------------------------------------------------------------------

    def result(
        self,
        columns: Sequence[ColumnLike],
        sheet_id: int,
        rows_written: int,
        *,
        tab_rows: int | None = None,
        rows_updated: int = 0,
        rows_appended: int = 0,
        rows_removed: int = 0,
        removed_keys: tuple[tuple[str, ...], ...] = (),
        runs_left: int | None = None,
    ) -> WriteResult:
        """The write summed up; `tab_rows` (data rows now in the tab) defaults to `rows_written`."""
        state = HeaderState(
            labels=tuple(c.label for c in columns),
            keys=tuple(c.key for c in columns),
            sheet_id=sheet_id,
            rows=rows_written if tab_rows is None else tab_rows,
        )
        return WriteResult(
            rows_written=rows_written,
            calls=calls_of(self.client) - self.calls_at_start,
            sheet_id=sheet_id,
            spreadsheet_url=spreadsheet_url(self.spreadsheet_id, sheet_id),
            header_state=state,
            truncated_cells=self.encoder.truncated,
            rows_updated=rows_updated,
            rows_appended=rows_appended,
            rows_removed=rows_removed,
            removed_keys=removed_keys,
            runs_left=runs_left,
        )
