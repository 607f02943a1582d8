"""Upsert mode: rows keyed by (company realm id, QBO Id) updated in place, appended or removed in one call.

When the tab can't be updated row by row (it is missing, to be reset, without the exporter's header, or
the changes don't fit in one request) `UpsertNotPossible` says why before anything is written; the
caller decides what to do instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sheets import batch, limits
from sheets.batch import Request
from sheets.cells import CellData, ColumnLike
from sheets.contract import check_header
from sheets.errors import UpsertNotPossible
from sheets.result import WriteResult
from sheets.rows import RowData, key_of
from sheets.tabs import Tab
from sheets.target import TargetTab

IN_PLACE = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat,note"
DELETED_NOTE = "Deleted in QuickBooks"
MARK_FORMAT = {
    "textFormat": {"strikethrough": True, "foregroundColor": {"red": 0.6, "green": 0.6, "blue": 0.6}}
}


def _size(body: list[Request], rows: list[RowData]) -> int:
    """Bytes of request JSON the changes would take."""
    return len(json.dumps(body, separators=(",", ":"))) + len(json.dumps(rows, separators=(",", ":")))


def _live_keys(
    tab: TargetTab, live: Tab | None, labels: list[str], positions: list[int]
) -> tuple[Tab, dict[tuple[str, ...], int], int]:
    """The live tab, the grid row of each key in it and the grid height of its keys (one read of the
    header and the key columns); UpsertNotPossible when the tab can't be updated row by row."""
    if live is None:
        raise UpsertNotPossible(f"the tab '{tab.title}' does not exist yet")
    if tab.reset_tab:
        raise UpsertNotPossible(f"the tab '{tab.title}' is to be reset")
    ranges = [tab.a1("1:1")] + [
        tab.a1(f"{batch.column_letter(p)}:{batch.column_letter(p)}") for p in positions
    ]
    header_rows, *keys_read = tab.read_values(ranges)
    header = [str(v) for v in (header_rows[0] if header_rows else [])]
    while header and header[-1] == "":
        header.pop()
    check_header(tab.title, tab.header_state, header)
    if header != labels:
        what = "has no header row" if not header else "has other columns than the exporter's"
        raise UpsertNotPossible(f"the tab '{tab.title}' {what}")
    found: dict[tuple[str, ...], int] = {}
    height = max(len(k) for k in keys_read) if keys_read else 1
    for index in range(1, height):
        cells = [col[index][0] if index < len(col) and col[index] else "" for col in keys_read]
        found.setdefault(key_of(cells), index)
    return live, found, height


def upsert(
    tab: TargetTab,
    columns: Sequence[ColumnLike],
    key_columns: Sequence[str],
    changed_rows: Iterable[Sequence[Any]],
    deleted_keys: Iterable[Sequence[Any]],
    on_deleted: str,
) -> WriteResult:
    """Read the header and key columns once (and the cells of the rows the changes touch), then write
    every change in one batchUpdate.

    Only what changes the tab is written and counted: a row whose cells already hold the new values (an
    object re-read inside the incremental pull's overlap, or changed in a field the tab doesn't show) is
    left alone, a deleted object's row already removed or already marked is not removed or marked again.
    """
    labels, cols = [c.label for c in columns], len(columns)
    positions = [next(i for i, c in enumerate(columns) if c.key == k) for k in key_columns]
    layout = tab.read_layout()
    live, found, height = _live_keys(tab, layout.tab(tab.title), labels, positions)
    sheet_id = live.sheet_id
    table = tab.table(columns)
    in_place: dict[int, RowData] = {}
    appended: list[RowData] = []
    for values in changed_rows:
        at = found.get(key_of([values[p] for p in positions]))
        if at is None:
            appended.append(table.row(values))
        else:  # in place, with its formats back too: a row marked deleted comes back unmarked
            in_place[at] = table.row(values, every_format=True)
    gone_keys = list(dict.fromkeys(k for k in map(key_of, deleted_keys) if k in found))
    marking = on_deleted != "remove"
    checked = [*in_place, *(found[k] for k in gone_keys if marking)]
    now = tab.read_cells(batch.row_runs(checked), cols) if checked else {}
    in_place = {at: row for at, row in in_place.items() if _differs(now.get(at), row)}
    if marking:
        gone_keys = [k for k in gone_keys if not marked_deleted(now.get(found[k]))]
    body: list[Request] = [
        batch.update_cells(sheet_id, at, [row], fields=IN_PLACE) for at, row in sorted(in_place.items())
    ]
    if _size(body, appended) > tab.chunk_bytes:
        raise UpsertNotPossible(
            f"{len(in_place) + len(appended):,} changed rows are more than one request to Google holds"
        )
    end = max(height, 1)
    if appended:
        limits.check_append(
            max(end + len(appended) - live.rows, 0) * live.cols,
            live.cells,
            layout.cells_except(live),
            tab.title,
        )
        body += batch.append_rows(sheet_id, end + len(appended) - live.rows)
        body += [batch.update_cells(sheet_id, end, appended, fields=table.fields)]
        body += batch.column_formats(sheet_id, columns, end, end + len(appended), table.per_row)
    for start, stop in batch.row_runs([found[k] for k in gone_keys]):
        body.append(
            _mark(sheet_id, start, stop, cols) if marking else batch.delete_rows(sheet_id, start, stop)
        )
    body.append(tab.header(sheet_id, columns))
    tab.batch(body)
    written = len(in_place) + len(appended)
    rows = end - 1 + len(appended) - (0 if marking else len(gone_keys))
    tab.progress(written)
    return tab.result(
        columns,
        sheet_id,
        written,
        tab_rows=rows,
        rows_updated=len(in_place),
        rows_appended=len(appended),
        rows_removed=len(gone_keys),
        removed_keys=tuple(gone_keys),
    )


def _differs(cells: list[CellData] | None, row: RowData) -> bool:
    """Whether writing `row` over the tab's `cells` changes them (or unmarks a row marked deleted)."""
    if cells is None or marked_deleted(cells):
        return True
    new = row["values"]
    return any(
        c.get("userEnteredValue") != n.get("userEnteredValue") for c, n in zip(cells, new, strict=False)
    )


def marked_deleted(cells: list[CellData] | None) -> bool:
    """Whether the tab's row is already marked deleted (its first cell has our note)."""
    return cells is not None and bool(cells) and str(cells[0].get("note", "")).startswith(DELETED_NOTE)


def _mark(sheet_id: int, start: int, stop: int, cols: int) -> Request:
    """Strike through rows deleted in QuickBooks, with a note saying so."""
    note = f"{DELETED_NOTE} (seen {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    return batch.mark_rows(sheet_id, start, stop, cols, MARK_FORMAT, note)
