"""Append mode: new rows under the old ones, refused before any write if the spreadsheet can't hold them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sheets import batch, limits, staging
from sheets.cells import ColumnLike
from sheets.chunks import ChunkStats, Spool
from sheets.contract import check_header
from sheets.errors import ColumnContractBroken
from sheets.result import WriteResult
from sheets.target import TargetTab


@dataclass(frozen=True)
class SnapshotColumn:
    """The column append mode adds: when the run took its snapshot."""

    key: str = "snapshot_at"
    label: str = "Snapshot at"
    type: str = "datetime"


def _data_end(tab: TargetTab, live_rows: int, labels: list[str]) -> int:
    """Grid index after the last data row (1 = only a header); checks the header on the way."""
    header, first_column = tab.read_values([tab.a1("1:1"), tab.a1("A:A")])
    current = [str(v) for v in (header[0] if header else [])]
    while current and current[-1] == "":
        current.pop()
    if not current:
        return 0
    state = tab.header_state
    check_header(tab.title, state, current)
    if current != labels:
        raise ColumnContractBroken(
            f"'{tab.title}' has the columns {', '.join(current)}, not the exporter's "
            f"{', '.join(labels)}; appending would put values under the wrong headings. Nothing was "
            "appended. Reset the tab on the exporter's page, or append to another tab."
        )
    known = min(state.rows + 1, live_rows) if state is not None and list(state.labels) == labels else 0
    return max(len(first_column), known, 1)


def append(
    tab: TargetTab,
    columns: Sequence[ColumnLike],
    rows: Iterable[Sequence[Any]],
    snapshot_at: datetime | None,
    expected_rows: int | None,
) -> WriteResult:
    """Append `rows` (with a "Snapshot at" column when given a time) after the tab's last row."""
    columns = [*columns, SnapshotColumn()] if snapshot_at is not None else list(columns)
    if snapshot_at is not None:
        rows = ((*r, snapshot_at) for r in rows)
    cols, labels = len(columns), [c.label for c in columns]
    limits.check_columns(cols, tab.title)
    layout = tab.read_layout()
    live = layout.tab(tab.title)
    others = layout.cells_except(live)
    live_cells = live.cells if live else 0
    if expected_rows is not None:
        limits.check_append(expected_rows * cols, live_cells, others, tab.title)
    start = 0 if live is None or tab.reset_tab else _data_end(tab, live.rows, labels)

    spool, stats, table = Spool(), ChunkStats(), tab.table(columns)
    try:
        for chunk in tab.stream(table, rows, stats):
            spool.add(chunk)
        first_row = max(start, 1)
        end = first_row + spool.rows
        kept = live if live is not None and start > 0 else None  # rows stay; the grid only grows
        before = kept.cells if kept else 0
        grid_rows = max(end, kept.rows if kept else 0, 2)
        grid_cols = max(cols, kept.cols if kept else 0)
        limits.check_append(grid_rows * grid_cols - before, before, others, tab.title)
        if kept is not None:
            sheet_id, grid_now = kept.sheet_id, kept.rows
            body = batch.resize(sheet_id, kept.rows, grid_cols, kept.rows, kept.cols, frozen_rows=None)
        else:
            sheet_id, body = tab.live_setup(layout, live, grid_rows, grid_cols)
            grid_now = grid_rows
            body += [batch.clear_values(sheet_id)] if live is not None else []
        body += [tab.header(sheet_id, columns), *batch.append_rows(sheet_id, end - grid_now)]
        formats = tab.formats(sheet_id, table, first_row, end)
        if spool.chunks > 1:
            peak = grid_rows * grid_cols + spool.rows * cols
            what = "Appending (with a hidden staging copy of the new rows)"
            limits.check_cells(peak, others, tab.title, what)
            with tab.staging(layout, table) as stage:  # nothing lands in the tab unless every chunk does
                stage.fill(spool, tab.progress)
                tab.batch(stage.swap(sheet_id, first_row, body, formats))
        else:
            body += [batch.update_cells(sheet_id, first_row, batch.cell_rows(c.rows)) for c in spool]
            tab.batch(staging.cleanup_requests(layout, tab.title) + body + formats)
        tab.progress(spool.rows)
        grid_now = max(grid_now, end)
    finally:
        spool.close()
    return tab.result(
        columns,
        sheet_id,
        spool.rows,
        tab_rows=end - 1,
        rows_appended=spool.rows,
        runs_left=limits.runs_left(spool.rows * cols, grid_now * grid_cols, others),
    )
