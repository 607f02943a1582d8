"""Rows a run keeps as they are: the rows of a company the run goes on without (it is disconnected), read
back from the tab to be written again in their place, and marked when the exporter asks for it.

A group of rows is named by the value of one column (the Realm ID); columns are matched by their header
label, so a column added to the exporter since reads empty. Kept values are read unformatted (numbers,
date serials, text, booleans) and turned back into the values the cell encoder takes, so writing them
again gives the same cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sheets import batch
from sheets.batch import Request
from sheets.cells import EPOCH, ColumnLike
from sheets.rows import key_of
from sheets.tabs import quoted
from sheets.target import TargetTab

# Rows of a disconnected company, kept: grey italics (rows deleted in QuickBooks are struck through).
MISSING_FORMAT = {
    "textFormat": {"italic": True, "foregroundColor": {"red": 0.45, "green": 0.45, "blue": 0.45}}
}


def decode(raw: Any, kind: str) -> Any:
    """A value read back (UNFORMATTED_VALUE) as the value the cell encoder writes the same cell from."""
    if raw == "" or raw is None:
        return None
    if kind in ("date", "datetime") and isinstance(raw, int | float) and not isinstance(raw, bool):
        moment = EPOCH + timedelta(days=float(raw))
        return moment.date() if kind == "date" else _whole_ms(moment)
    return raw


def _whole_ms(moment: datetime) -> datetime:
    """A serial's time of day to the millisecond (a float serial carries a little noise below that)."""
    return moment.replace(microsecond=round(moment.microsecond / 1000) * 1000 % 1_000_000)


def read_rows(
    tab: TargetTab, columns: Sequence[ColumnLike], group_key: str, groups: Sequence[str]
) -> dict[str, list[list[Any]]]:
    """The tab's data rows whose `group_key` column holds one of `groups`, by group, as values of
    `columns` in order (one read of the tab); empty when the tab or that column is not there."""
    if not groups:
        return {}
    (rows,) = tab.read_values([quoted(tab.title)])
    header = [str(v) for v in (rows[0] if rows else [])]
    at = {label: i for i, label in reversed(list(enumerate(header)))}
    group_label = next((c.label for c in columns if c.key == group_key), None)
    if group_label not in at:
        return {}
    where = [at.get(c.label) for c in columns]
    out: dict[str, list[list[Any]]] = {}
    for raw in rows[1:]:
        cells = list(raw)
        (group,) = key_of([cells[at[group_label]] if at[group_label] < len(cells) else ""])
        if group in groups:
            out.setdefault(group, []).append(
                [
                    decode(cells[i], c.type) if i is not None and i < len(cells) else None
                    for i, c in zip(where, columns, strict=True)
                ]
            )
    return out


def mark_rows(
    tab: TargetTab, columns: Sequence[ColumnLike], group_key: str, notes: Mapping[str, str], sheet_id: int
) -> int:
    """Mark the rows of each group of `notes` (grey italics, the group's note on the row's first cell):
    one read of the group column, one batchUpdate; how many rows were marked."""
    position = next(i for i, c in enumerate(columns) if c.key == group_key)
    letter = batch.column_letter(position)
    (cells,) = tab.read_values([tab.a1(f"{letter}2:{letter}")])
    by_group: dict[str, list[int]] = {}
    for index, row in enumerate(cells, start=1):
        (group,) = key_of([row[0] if row else ""])
        if group in notes:
            by_group.setdefault(group, []).append(index)
    body: list[Request] = []
    for group, rows in by_group.items():
        for start, stop in batch.row_runs(rows):
            body.append(batch.mark_rows(sheet_id, start, stop, len(columns), MISSING_FORMAT, notes[group]))
    if body:
        tab.batch(body)
    return sum(len(rows) for rows in by_group.values())
