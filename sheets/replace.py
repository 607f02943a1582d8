"""Replace mode: the tab's rows swapped for new ones in one atomic batchUpdate (design.md, Decision 5)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from sheets import batch, limits, staging
from sheets.cells import ColumnLike
from sheets.chunks import Chunk, ChunkStats
from sheets.result import WriteResult
from sheets.rows import TableEncoder
from sheets.tabs import SpreadsheetLayout, Tab
from sheets.target import TargetTab

CELLDATA_OVERHEAD = 35  # {"userEnteredValue":{"numberValue":…}} around a RAW value


def replace(
    tab: TargetTab, columns: Sequence[ColumnLike], rows: Iterable[Sequence[Any]], expected_rows: int | None
) -> WriteResult:
    """A small table (one chunk as RowData): straight into the live tab, one call. Bigger: RAW values
    through a hidden staging tab, then one swap."""
    cols = len(columns)
    limits.check_columns(cols, tab.title)
    layout = tab.read_layout()
    live = layout.tab(tab.title)
    others = layout.cells_except(live, *staging.leftovers(layout, tab.title))
    if expected_rows is not None:
        limits.check_cells((expected_rows + 1) * cols, others, tab.title, "The new data")
    tab.check_contract(live)
    fresh = live is None or tab.reset_tab or tab.header_state is None

    stats, table = ChunkStats(), tab.table(columns)
    chunks = tab.stream(table, rows, stats)
    first = next(chunks, None) or Chunk(0, [], 0)
    second = next(chunks, None)
    if second is not None or celldata_bytes(first) > tab.chunk_bytes:
        staged = itertools.chain([first], [second] if second else [], chunks)
        return _replace_staged(tab, layout, live, others, table, staged, stats, fresh)
    limits.check_cells((len(first) + 1) * cols, others, tab.title, "The new data")
    sheet_id, setup = tab.live_setup(layout, live, len(first) + 1, cols)
    body = staging.cleanup_requests(layout, tab.title) + setup + [batch.clear_values(sheet_id)]
    if first.rows:
        body.append(batch.update_cells(sheet_id, 1, batch.cell_rows(first.rows)))
    tab.batch(body + tab.finish(sheet_id, table, len(first), stats, fresh))
    tab.progress(len(first))
    return tab.result(columns, sheet_id, len(first))


def celldata_bytes(chunk: Chunk) -> int:
    """About the size of `chunk` as updateCells RowData (a CellData object per cell: ~35 bytes more per
    cell than its RAW value). Above a chunk's size the rows go through staging as compact RAW values."""
    return chunk.size + CELLDATA_OVERHEAD * sum(len(row) for row in chunk.rows)


def _replace_staged(
    tab: TargetTab,
    layout: SpreadsheetLayout,
    live: Tab | None,
    others: int,
    table: TableEncoder,
    chunks: Iterable[Chunk],
    stats: ChunkStats,
    fresh: bool,
) -> WriteResult:
    """Every chunk but the last into the staging tab; the swap carries the last and pastes them all."""
    cols = len(table.columns)
    live_cells = live.cells if live else 0

    def peak(staged_rows: int) -> None:
        what = "Refreshing (the old rows plus a hidden staging copy of the new ones)"
        limits.check_cells(staged_rows * cols + live_cells, others, tab.title, what)

    with tab.staging(layout, table) as stage:
        stage.fill(chunks, tab.progress, check=peak)
        limits.check_cells((stage.rows + 1) * cols, others, tab.title, "The new data")
        sheet_id, setup = tab.live_setup(layout, live, stage.rows + 1, cols)
        after = tab.finish(sheet_id, table, stage.rows, stats, fresh)
        tab.batch(stage.swap(sheet_id, 1, setup + [batch.clear_values(sheet_id)], after))
    tab.progress(stage.rows)
    return tab.result(table.columns, sheet_id, stage.rows)
