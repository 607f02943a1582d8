"""Append mode: new rows under the old ones, refused before any write if the spreadsheet can't hold them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sheets import batch, limits, staging
from sheets.cells import ColumnLike
from sheets.chunks import ChunkStats, Spool, marked_last
from sheets.contract import check_header
from sheets.errors import ColumnContractBroken
from sheets.rows import TableEncoder
from sheets.tabs import SpreadsheetLayout, quoted, read_layout

if TYPE_CHECKING:
    from sheets.writer import SheetWriter, WriteResult


def _data_end(writer: SheetWriter, live_rows: int, labels: list[str]) -> int:
    """Grid index after the last data row (1 = only a header); checks the header on the way."""
    header, first_column = writer._values([f"{quoted(writer.tab)}!1:1", f"{quoted(writer.tab)}!A:A"])
    current = [str(v) for v in (header[0] if header else [])]
    while current and current[-1] == "":
        current.pop()
    if not current:
        return 0
    state = writer.header_state
    check_header(writer.tab, state, current)
    if current != labels:
        raise ColumnContractBroken(
            f"'{writer.tab}' has the columns {', '.join(current)}, not the exporter's "
            f"{', '.join(labels)}; appending would put values under the wrong headings. Nothing was "
            "appended. Reset the tab on the exporter's page, or append to another tab."
        )
    known = min(int(state.get("rows", 0)) + 1, live_rows) if state.get("labels") == labels else 0
    return max(len(first_column), known, 1)


def _through_staging(
    writer: SheetWriter,
    layout: SpreadsheetLayout,
    table: TableEncoder,
    spool: Spool,
    live_requests: list[dict],
    sheet_id: int,
    first_row: int,
    formats: list[dict],
) -> None:
    """Stage every chunk but the last; one final batchUpdate adds all the rows to the tab at once."""
    stage = staging.StagingTab(
        writer._batch, layout, writer.tab, table, staging.cleanup_requests(layout, writer.tab)
    )
    try:
        for chunk, last in marked_last(spool):
            stage.add(chunk)
            if not last:
                stage.flush()
                writer._progress(stage.rows)
        writer._batch(
            stage.take() + live_requests + stage.paste(sheet_id, first_row) + formats + [stage.delete()]
        )
    except Exception:
        stage.drop()
        raise


def append(
    writer: SheetWriter,
    columns: Sequence[ColumnLike],
    rows: Iterable[Sequence],
    snapshot_at: datetime | None,
    expected_rows: int | None,
) -> WriteResult:
    """Append `rows` (with a "Snapshot at" column when given a time) after the tab's last row."""
    from sheets.writer import SnapshotColumn

    columns = list(columns) + ([SnapshotColumn()] if snapshot_at is not None else [])
    if snapshot_at is not None:
        rows = (tuple(r) + (snapshot_at,) for r in rows)
    cols, labels = len(columns), [c.label for c in columns]
    limits.check_columns(cols, writer.tab)
    layout = read_layout(writer.client, writer.spreadsheet_id)
    live = layout.tab(writer.tab)
    others = layout.cells_except(live)
    live_cells = live.cells if live else 0
    if expected_rows is not None:
        limits.check_append(expected_rows * cols, live_cells, others, writer.tab)
    start = 0 if live is None or writer.reset_tab else _data_end(writer, live.rows, labels)

    spool, stats, table = Spool(), ChunkStats(), writer.table(columns)
    try:
        for chunk in writer._stream(table, rows, stats):
            spool.add(chunk)
        first_row = max(start, 1)
        end = first_row + spool.rows
        keep = live is not None and start > 0  # rows stay; the grid only grows
        before = live_cells if keep else 0
        grid_rows = max(end, live.rows if keep else 0, 2)
        grid_cols = max(cols, live.cols if keep else 0)
        limits.check_append(grid_rows * grid_cols - before, before, others, writer.tab)
        if keep:
            sheet_id, grid_now = live.sheet_id, live.rows
            body = batch.resize(sheet_id, live.rows, grid_cols, live.rows, live.cols, frozen_rows=None)
        else:
            sheet_id, body = writer._live_setup(layout, live, grid_rows, grid_cols)
            grid_now = grid_rows
            body += [batch.clear_values(sheet_id)] if live is not None else []
        body += [batch.header(sheet_id, labels, writer.note)] + batch.append_rows(sheet_id, end - grid_now)
        formats = batch.column_formats(sheet_id, columns, first_row, end, table.per_row)
        if spool.chunks > 1:
            peak = grid_rows * grid_cols + spool.rows * cols
            limits.check_cells(
                peak, others, writer.tab, "Appending (with a hidden staging copy of the new rows)"
            )
            _through_staging(writer, layout, table, spool, body, sheet_id, first_row, formats)
        else:
            body += [batch.update_cells(sheet_id, first_row, c.rows, fields=table.fields) for c in spool]
            writer._batch(staging.cleanup_requests(layout, writer.tab) + body + formats)
        writer._progress(spool.rows)
        grid_now = max(grid_now, end)
    finally:
        spool.close()
    tab_cells = grid_now * grid_cols
    return writer._result(
        spool.rows,
        sheet_id,
        columns,
        tab_rows=end - 1,
        rows_appended=spool.rows,
        runs_left=limits.runs_left(spool.rows * cols, tab_cells, others),
    )
