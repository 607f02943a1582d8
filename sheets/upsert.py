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

from gspread.utils import rowcol_to_a1

from sheets import batch, limits
from sheets.batch import Request
from sheets.cells import ColumnLike
from sheets.contract import check_header
from sheets.errors import UpsertNotPossible
from sheets.result import WriteResult
from sheets.rows import RowData
from sheets.tabs import Tab
from sheets.target import TargetTab

IN_PLACE = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat,note"
MARK_FORMAT = {
    "textFormat": {"strikethrough": True, "foregroundColor": {"red": 0.6, "green": 0.6, "blue": 0.6}}
}


def _letter(index: int) -> str:
    return rowcol_to_a1(1, index + 1)[:-1]


def key_of(values: Sequence[Any]) -> tuple[str, ...]:
    """Keys compare as text: realm ids and QBO Ids are strings, sheet reads may give numbers."""
    return tuple(
        "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        for v in values
    )


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Contiguous [start, end) runs of sorted row indexes, last run first (so deletes don't shift)."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(indexes)):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs[::-1]


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
    ranges = [tab.a1("1:1")] + [tab.a1(f"{_letter(p)}:{_letter(p)}") for p in positions]
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
    """Read the header and key columns once, then write every change in one batchUpdate."""
    labels, cols = [c.label for c in columns], len(columns)
    positions = [next(i for i, c in enumerate(columns) if c.key == k) for k in key_columns]
    layout = tab.read_layout()
    live, found, height = _live_keys(tab, layout.tab(tab.title), labels, positions)
    sheet_id = live.sheet_id
    body: list[Request] = []
    updated, appended = 0, []
    table = tab.table(columns)
    for values in changed_rows:
        at = found.get(key_of([values[p] for p in positions]))
        if at is None:
            appended.append(table.row(values))
            continue
        # A row in place gets its formats back too: a row marked deleted comes back unmarked.
        body += [batch.update_cells(sheet_id, at, [table.row(values, every_format=True)], fields=IN_PLACE)]
        updated += 1
    if _size(body, appended) > tab.chunk_bytes:
        raise UpsertNotPossible(
            f"{updated + len(appended):,} changed rows are more than one request to Google holds"
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
    gone = [found[k] for k in map(key_of, deleted_keys) if k in found]
    for start, stop in _runs(gone):
        if on_deleted == "remove":
            body.append(batch.delete_rows(sheet_id, start, stop))
        else:
            body.append(_mark(sheet_id, start, stop, cols))
    body.append(tab.header(sheet_id, columns))
    tab.batch(body)
    rows = end - 1 + len(appended) - (len(gone) if on_deleted == "remove" else 0)
    tab.progress(updated + len(appended))
    return tab.result(
        columns,
        sheet_id,
        updated + len(appended),
        tab_rows=rows,
        rows_updated=updated,
        rows_appended=len(appended),
        rows_removed=len(gone),
    )


def _mark(sheet_id: int, start: int, stop: int, cols: int) -> Request:
    """Strike through rows deleted in QuickBooks, with a note saying so."""
    note = f"Deleted in QuickBooks (seen {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    return {
        "repeatCell": {
            "range": batch.grid(sheet_id, start, stop, 0, cols),
            "cell": {"userEnteredFormat": MARK_FORMAT, "note": note},
            "fields": "userEnteredFormat.textFormat,note",
        }
    }
