"""Replace mode: the tab's rows swapped for new ones in one atomic batchUpdate (design.md, Decision 5)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sheets import batch, limits, staging
from sheets.cells import ColumnLike
from sheets.chunks import Chunk, ChunkStats, chunked, encoded_rows
from sheets.result import WriteResult
from sheets.rows import RawRow, TableEncoder
from sheets.tabs import SpreadsheetLayout, Tab
from sheets.target import TargetTab

CELLDATA_OVERHEAD = 35  # {"userEnteredValue":{"numberValue":…}} around a RAW value


def replace(
    tab: TargetTab, columns: Sequence[ColumnLike], rows: Iterable[Sequence[Any]], expected_rows: int | None
) -> WriteResult:
    """A small table (one chunk as RowData): straight into the live tab, one call. Bigger: RAW values
    through a hidden staging tab (added as soon as the rows so far are past one request), then one swap."""
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
    with tab.staging(layout, table) as stage:
        encoded = too_big_for_one_request(encoded_rows(rows, table, stats), tab.chunk_bytes, stage.create)
        chunks = chunked(encoded, tab.chunk_bytes)
        first = next(chunks, None) or Chunk(0, [], 0)
        # A second chunk starts only with a row past `chunk_bytes` of RAW values, so past it as RowData too:
        # the staging tab is then there already, as it is for one chunk too big for one request.
        if stage.created:
            staged = itertools.chain([first], chunks)
            return _replace_staged(tab, layout, live, others, table, staged, stats, fresh, stage)
    limits.check_cells((len(first) + 1) * cols, others, tab.title, "The new data")
    sheet_id, setup = tab.live_setup(layout, live, len(first) + 1, cols)
    body = staging.cleanup_requests(layout, tab.title) + setup + [batch.clear_values(sheet_id)]
    if first.rows:
        body.append(batch.update_cells(sheet_id, 1, batch.cell_rows(first.rows)))
    tab.batch(body + tab.finish(sheet_id, table, len(first), stats, fresh))
    tab.progress(len(first))
    return tab.result(columns, sheet_id, len(first))


def too_big_for_one_request(
    encoded: Iterator[tuple[RawRow, int]], limit: int, notice: Callable[[], None]
) -> Iterator[tuple[RawRow, int]]:
    """`encoded` as it is, calling `notice()` once the rows so far are past `limit` as updateCells RowData
    (a CellData object per cell: ~CELLDATA_OVERHEAD bytes more per cell than its RAW value): they will go
    through staging whatever follows, so the staging tab is added then, while QuickBooks is still being
    read, instead of after the last row (one call less before the swap)."""
    total = 0
    for row, size in encoded:
        total += size + 1 + CELLDATA_OVERHEAD * len(row)
        if total > limit:
            notice()
            yield row, size
            yield from encoded
            return
        yield row, size


def _replace_staged(
    tab: TargetTab,
    layout: SpreadsheetLayout,
    live: Tab | None,
    others: int,
    table: TableEncoder,
    chunks: Iterable[Chunk],
    stats: ChunkStats,
    fresh: bool,
    stage: staging.StagingTab,
) -> WriteResult:
    """Every chunk into the staging tab, then the swap pastes them all (inside `TargetTab.staging`)."""
    cols = len(table.columns)
    live_cells = live.cells if live else 0

    def peak(staged_rows: int) -> None:
        what = "Refreshing (the old rows plus a hidden staging copy of the new ones)"
        limits.check_cells(staged_rows * cols + live_cells, others, tab.title, what)

    stage.fill(chunks, tab.progress, check=peak)
    limits.check_cells((stage.rows + 1) * cols, others, tab.title, "The new data")
    sheet_id, setup = tab.live_setup(layout, live, stage.rows + 1, cols)
    after = tab.finish(sheet_id, table, stage.rows, stats, fresh)
    tab.batch(stage.swap(sheet_id, 1, setup + [batch.clear_values(sheet_id)], after))
    tab.progress(stage.rows)
    return tab.result(table.columns, sheet_id, stage.rows)
