"""Upsert mode: rows keyed by (company realm id, QBO Id) updated in place, appended or removed in one call."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gspread.utils import rowcol_to_a1

from sheets import batch, limits
from sheets.cells import ColumnLike
from sheets.contract import check_header
from sheets.errors import FullRefreshNeeded
from sheets.tabs import quoted, read_layout

if TYPE_CHECKING:
    from sheets.writer import SheetWriter, WriteResult

IN_PLACE = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat,note"
MARK_FORMAT = {
    "textFormat": {"strikethrough": True, "foregroundColor": {"red": 0.6, "green": 0.6, "blue": 0.6}}
}


def _letter(index: int) -> str:
    return rowcol_to_a1(1, index + 1)[:-1]


def key_of(values: Sequence) -> tuple[str, ...]:
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


def _size(body: list[dict], rows: list[dict]) -> int:
    """Bytes of request JSON the changes would take."""
    return len(json.dumps(body, separators=(",", ":"))) + len(json.dumps(rows, separators=(",", ":")))


def _full_refresh(
    writer: SheetWriter, columns: list[ColumnLike], all_rows: Callable[[], Iterable[Sequence]]
) -> WriteResult:
    result = writer._replace(columns, all_rows(), None)
    result.fell_back_to_replace = True
    return result


def upsert(
    writer: SheetWriter,
    columns: list[ColumnLike],
    key_columns: list[str],
    changed_rows: Iterable[Sequence],
    deleted_keys: Iterable[Sequence],
    on_deleted: str,
    all_rows: Callable[[], Iterable[Sequence]] | None,
) -> WriteResult:
    """Read the header and key columns once, then write every change in one batchUpdate."""
    labels, cols = [c.label for c in columns], len(columns)
    positions = [next(i for i, c in enumerate(columns) if c.key == k) for k in key_columns]
    layout = read_layout(writer.client, writer.spreadsheet_id)
    live = layout.tab(writer.tab)
    header: list[str] = []
    keys_read: list[list[list]] = []
    if live is not None and not writer.reset_tab:
        ranges = [f"{quoted(writer.tab)}!1:1"] + [
            f"{quoted(writer.tab)}!{_letter(p)}:{_letter(p)}" for p in positions
        ]
        header_rows, *keys_read = writer._values(ranges)
        header = [str(v) for v in (header_rows[0] if header_rows else [])]
        while header and header[-1] == "":
            header.pop()
        check_header(writer.tab, writer.header_state, header)
    if live is None or header != labels:
        if all_rows is None:
            raise FullRefreshNeeded(
                f"'{writer.tab}' does not have the exporter's columns yet, so it can't be updated "
                "row by row. Run a full refresh of the exporter."
            )
        return _full_refresh(writer, columns, all_rows)

    sheet_id = live.sheet_id
    found: dict[tuple[str, ...], int] = {}
    height = max(len(k) for k in keys_read) if keys_read else 1
    for index in range(1, height):
        cells = [col[index][0] if index < len(col) and col[index] else "" for col in keys_read]
        found.setdefault(key_of(cells), index)

    body: list[dict] = []
    updated, appended = 0, []
    table = writer.table(columns)
    for values in changed_rows:
        at = found.get(key_of([values[p] for p in positions]))
        if at is None:
            appended.append(table.row(values))
            continue
        # A row in place gets its formats back too: a row marked deleted comes back unmarked.
        body += [batch.update_cells(sheet_id, at, [table.row(values, every_format=True)], fields=IN_PLACE)]
        updated += 1
    if all_rows is not None and _size(body, appended) > writer.chunk_bytes:
        return _full_refresh(writer, columns, all_rows)  # too many changes for one request: chunked replace
    end = max(height, 1)
    if appended:
        limits.check_append(
            max(end + len(appended) - live.rows, 0) * live.cols,
            live.cells,
            layout.cells_except(live),
            writer.tab,
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
    body.append(batch.header(sheet_id, labels, writer.note))
    writer._batch(body)
    rows = end - 1 + len(appended) - (len(gone) if on_deleted == "remove" else 0)
    writer._progress(updated + len(appended))
    return writer._result(
        updated + len(appended),
        sheet_id,
        columns,
        tab_rows=rows,
        rows_updated=updated,
        rows_appended=len(appended),
        rows_removed=len(gone),
    )


def _mark(sheet_id: int, start: int, stop: int, cols: int) -> dict:
    """Strike through rows deleted in QuickBooks, with a note saying so."""
    note = f"Deleted in QuickBooks (seen {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    return {
        "repeatCell": {
            "range": batch.grid(sheet_id, start, stop, 0, cols),
            "cell": {"userEnteredFormat": MARK_FORMAT, "note": note},
            "fields": "userEnteredFormat.textFormat,note",
        }
    }
