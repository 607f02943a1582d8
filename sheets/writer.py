"""The sheet writer: replace, append and upsert a typed table into one tab (design.md, Decisions 5-7)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import gspread

from sheets import batch, limits, staging
from sheets.append import append as append_rows
from sheets.cells import CellEncoder, ColumnLike
from sheets.chunks import CHUNK_BYTES, Chunk, ChunkStats, chunked, encoded_rows, marked_last
from sheets.client import calls_of, spreadsheet_url
from sheets.contract import check_header, header_state
from sheets.rows import TableEncoder
from sheets.tabs import SpreadsheetLayout, Tab, quoted, read_layout, translated_errors
from sheets.upsert import upsert as upsert_rows


@dataclass
class WriteResult:
    rows_written: int
    calls: int
    sheet_id: int
    truncated_cells: int
    fell_back_to_replace: bool
    spreadsheet_url: str
    header_state: dict = field(default_factory=dict)
    rows_updated: int = 0
    rows_appended: int = 0
    rows_removed: int = 0
    runs_left: int | None = None  # append: how many more runs of this size fit

    def stats(self) -> dict:
        """What the run records about the write besides rows and calls."""
        out: dict = {"truncated_cells": self.truncated_cells}
        if self.runs_left is not None:
            out["runs_left"] = self.runs_left
        return out


@dataclass(frozen=True)
class SnapshotColumn:
    key: str = "snapshot_at"
    label: str = "Snapshot at"
    type: str = "datetime"


def stamp_note(stamp: dict | None) -> str | None:
    """The "last refreshed" note on A1."""
    if not stamp:
        return None
    lines = ["Refreshed by Sheetbooks"]
    for key, label in (
        ("exporter", "Exporter"),
        ("companies", "Companies"),
        ("data_as_of", "Data as of"),
        ("run_id", "Run"),
    ):
        if (value := stamp.get(key)) not in (None, ""):
            text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


class SheetWriter:
    """Writes one tab of one spreadsheet; make one per run."""

    def __init__(
        self,
        client: gspread.Client,
        spreadsheet_id: str,
        tab: str,
        *,
        oversize: str = "fail",
        header_state: dict | None = None,
        reset_tab: bool = False,
        stamp: dict | None = None,
        on_progress: Callable[[int], None] | None = None,
        tz: tzinfo | None = None,
        column_widths: bool = True,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        if oversize not in ("fail", "truncate"):
            raise ValueError("oversize is 'fail' or 'truncate'")
        self.client = client
        self.spreadsheet_id = spreadsheet_id
        self.tab = tab
        self.header_state = header_state or {}
        self.reset_tab = reset_tab
        self.note = stamp_note(stamp)
        self.on_progress = on_progress
        self.encoder = CellEncoder(oversize=oversize, tz=tz)
        self.column_widths = column_widths
        self.chunk_bytes = chunk_bytes  # request JSON per chunk; smaller only in tests and bench
        self._calls_at_start = calls_of(client)

    # -- plumbing shared by the modes -------------------------------------------------------------

    def _batch(self, requests: list[dict]) -> dict:
        return self.client.http_client.batch_update(self.spreadsheet_id, {"requests": requests})

    def _values(self, ranges: list[str]) -> list[list[list[Any]]]:
        """values:batchGet of A1 ranges (unformatted), one list of rows per range."""
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        reply = self.client.http_client.values_batch_get(self.spreadsheet_id, ranges, params=params)
        return [vr.get("values", []) for vr in reply.get("valueRanges", [])]

    def _check_contract(self, live: Tab | None) -> None:
        """Read the live header once and refuse to write if the analyst edited it."""
        if live is None or self.reset_tab or not self.header_state.get("labels"):
            return
        (rows,) = self._values([f"{quoted(self.tab)}!1:1"])
        check_header(self.tab, self.header_state, [str(v) for v in (rows[0] if rows else [])])

    def _progress(self, rows: int) -> None:
        if self.on_progress is not None:
            self.on_progress(rows)

    def _result(self, rows: int, sheet_id: int, columns: Sequence[ColumnLike], **extra: Any) -> WriteResult:
        return WriteResult(
            rows_written=rows,
            calls=calls_of(self.client) - self._calls_at_start,
            sheet_id=sheet_id,
            truncated_cells=self.encoder.truncated,
            fell_back_to_replace=extra.pop("fell_back_to_replace", False),
            spreadsheet_url=spreadsheet_url(self.spreadsheet_id, sheet_id),
            header_state=header_state(
                [c.label for c in columns], [c.key for c in columns], sheet_id, extra.pop("tab_rows", rows)
            ),
            **extra,
        )

    def _live_setup(
        self, layout: SpreadsheetLayout, live: Tab | None, rows: int, cols: int
    ) -> tuple[int, list[dict]]:
        """The live tab's sheetId and the requests that create it or size it (frozen header).

        A live tab only grows: Google may narrow bounded references in other tabs (`B2:B500`) when rows
        or columns go, and they would not grow back with the data. Rows no longer needed are cleared
        instead, unless keeping them would pass the spreadsheet's cell limit.
        """
        rows = max(rows, 2)  # a tab with only the frozen header row can't be frozen
        if live is None:
            sheet_id = layout.new_sheet_id()
            return sheet_id, [batch.add_sheet(sheet_id, self.tab, rows, cols)] + batch.resize(
                sheet_id, rows, cols, rows, cols
            )
        kept_rows, kept_cols = max(rows, live.rows), max(cols, live.cols)
        if kept_rows * kept_cols + layout.cells_except(live) <= limits.MAX_CELLS:
            rows, cols = kept_rows, kept_cols
        return live.sheet_id, batch.resize(live.sheet_id, rows, cols, live.rows, live.cols)

    def _finish(
        self, sheet_id: int, table: TableEncoder, rows: int, stats: ChunkStats, fresh: bool
    ) -> list[dict]:
        """Header, number formats and (on a tab new to us) column widths."""
        labels = [c.label for c in table.columns]
        out = [batch.header(sheet_id, labels, self.note)]
        out += batch.column_formats(sheet_id, table.columns, 1, rows + 1, table.per_row)
        if fresh and self.column_widths:
            out += batch.column_widths(sheet_id, stats.widths(labels))
        return out

    def table(self, columns: Sequence[ColumnLike]) -> TableEncoder:
        """The encoder of this tab's rows."""
        return TableEncoder(columns, self.encoder, self.tab)

    def _stream(self, table: TableEncoder, rows: Iterable[Sequence], stats: ChunkStats) -> Iterator[Chunk]:
        return chunked(encoded_rows(rows, table, stats), self.chunk_bytes)

    # -- replace ----------------------------------------------------------------------------------

    def replace(
        self, columns: Sequence[ColumnLike], rows: Iterable[Sequence], *, expected_rows: int | None = None
    ) -> WriteResult:
        """Swap the tab's content for `rows` in one atomic batchUpdate (staging tab for big tables)."""
        with translated_errors(self.spreadsheet_id):
            return self._replace(list(columns), rows, expected_rows)

    def _replace(
        self, columns: list[ColumnLike], rows: Iterable[Sequence], expected_rows: int | None
    ) -> WriteResult:
        cols = len(columns)
        limits.check_columns(cols, self.tab)
        layout = read_layout(self.client, self.spreadsheet_id)
        live = layout.tab(self.tab)
        leftover = staging.leftovers(layout, self.tab)
        others = layout.cells_except(live, *leftover)
        if expected_rows is not None:
            limits.check_cells((expected_rows + 1) * cols, others, self.tab, "The new data")
        self._check_contract(live)
        fresh = live is None or self.reset_tab or not self.header_state

        stats, table = ChunkStats(), self.table(columns)
        chunks = self._stream(table, rows, stats)
        first = next(chunks, None) or Chunk(0, [], 0)
        second = next(chunks, None)
        cleanup = staging.cleanup_requests(layout, self.tab)
        if second is None:  # one chunk: write straight into the live tab, one call
            limits.check_cells((len(first) + 1) * cols, others, self.tab, "The new data")
            sheet_id, setup = self._live_setup(layout, live, len(first) + 1, cols)
            body = cleanup + setup + [batch.clear_values(sheet_id)]
            if first.rows:
                body.append(batch.update_cells(sheet_id, 1, first.rows, fields=table.fields))
            self._batch(body + self._finish(sheet_id, table, len(first), stats, fresh))
            self._progress(len(first))
            return self._result(len(first), sheet_id, columns)
        return self._replace_staged(
            layout, live, others, table, itertools.chain([first, second], chunks), stats, cleanup, fresh
        )

    def _replace_staged(
        self,
        layout: SpreadsheetLayout,
        live: Tab | None,
        others: int,
        table: TableEncoder,
        chunks: Iterable[Chunk],
        stats: ChunkStats,
        cleanup: list[dict],
        fresh: bool,
    ) -> WriteResult:
        cols = len(table.columns)
        live_cells = live.cells if live else 0
        stage = staging.StagingTab(self._batch, layout, self.tab, table, cleanup)
        try:
            for chunk, last in marked_last(chunks):
                limits.check_cells(
                    (stage.rows + len(chunk)) * cols + live_cells,
                    others,
                    self.tab,
                    "Refreshing (the old rows plus a hidden staging copy of the new ones)",
                )
                stage.add(chunk)
                if not last:  # the last chunk rides in the swap
                    stage.flush()
                    self._progress(stage.rows)
            limits.check_cells((stage.rows + 1) * cols, others, self.tab, "The new data")
            sheet_id, setup = self._live_setup(layout, live, stage.rows + 1, cols)
            body = stage.take() + setup + [batch.clear_values(sheet_id)] + stage.paste(sheet_id, 1)
            body += self._finish(sheet_id, table, stage.rows, stats, fresh) + [stage.delete()]
            self._batch(body)
        except Exception:
            stage.drop()
            raise
        self._progress(stage.rows)
        return self._result(stage.rows, sheet_id, table.columns)

    # -- append and upsert ------------------------------------------------------------------------

    def append(
        self,
        columns: Sequence[ColumnLike],
        rows: Iterable[Sequence],
        snapshot_at: datetime | None = None,
        *,
        expected_rows: int | None = None,
    ) -> WriteResult:
        """Add `rows` under the existing ones; refused before any write if the spreadsheet can't hold them."""
        with translated_errors(self.spreadsheet_id):
            return append_rows(self, columns, rows, snapshot_at, expected_rows)

    def upsert(
        self,
        columns: Sequence[ColumnLike],
        key_columns: Sequence[str],
        changed_rows: Iterable[Sequence],
        deleted_keys: Iterable[Sequence] = (),
        on_deleted: str = "remove",
        *,
        all_rows: Callable[[], Iterable[Sequence]] | None = None,
    ) -> WriteResult:
        """Update changed rows in place, append new ones, remove (or mark) deleted ones: one batchUpdate."""
        if on_deleted not in ("remove", "mark"):
            raise ValueError("on_deleted is 'remove' or 'mark'")
        with translated_errors(self.spreadsheet_id):
            return upsert_rows(
                self, list(columns), list(key_columns), changed_rows, deleted_keys, on_deleted, all_rows
            )
