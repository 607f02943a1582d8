"""The sheet writer: replace, append and upsert a typed table into one tab (design.md, Decisions 5-7).

`SheetWriter` is the front door: it holds the run's `TargetTab` and hands it to the mode asked for
(`replace.py`, `append.py`, `upsert.py`), which all go through the tab's public interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

import gspread

from sheets import kept
from sheets.append import append
from sheets.cells import CellEncoder, ColumnLike
from sheets.chunks import CHUNK_BYTES
from sheets.contract import HeaderState
from sheets.replace import replace
from sheets.result import WriteResult
from sheets.stamp import RunStamp
from sheets.tabs import translated_errors
from sheets.target import TargetTab
from sheets.upsert import upsert


class SheetWriter:
    """Writes one tab of one spreadsheet; make one per run."""

    def __init__(
        self,
        client: gspread.Client,
        spreadsheet_id: str,
        tab: str,
        *,
        oversize: str = "fail",
        header_state: HeaderState | None = None,
        reset_tab: bool = False,
        stamp: RunStamp | None = None,
        on_progress: Callable[[int], None] | None = None,
        tz: tzinfo | None = None,
        column_widths: bool = True,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        if oversize not in ("fail", "truncate"):
            raise ValueError("oversize is 'fail' or 'truncate'")
        self.tab = TargetTab(
            client,
            spreadsheet_id,
            tab,
            CellEncoder(oversize=oversize, tz=tz),
            header_state=header_state,
            reset_tab=reset_tab,
            note=stamp.note() if stamp is not None else None,
            on_progress=on_progress,
            column_widths=column_widths,
            chunk_bytes=chunk_bytes,
        )

    def replace(
        self,
        columns: Sequence[ColumnLike],
        rows: Iterable[Sequence[Any]],
        *,
        expected_rows: int | None = None,
    ) -> WriteResult:
        """Swap the tab's content for `rows` in one atomic batchUpdate (staging tab for big tables)."""
        with translated_errors(self.tab.spreadsheet_id, "replace"):
            return replace(self.tab, columns, rows, expected_rows)

    def append(
        self,
        columns: Sequence[ColumnLike],
        rows: Iterable[Sequence[Any]],
        snapshot_at: datetime | None = None,
        *,
        expected_rows: int | None = None,
    ) -> WriteResult:
        """Add `rows` under the existing ones; refused before any write if the spreadsheet can't hold them."""
        with translated_errors(self.tab.spreadsheet_id, "append"):
            return append(self.tab, columns, rows, snapshot_at, expected_rows)

    def upsert(
        self,
        columns: Sequence[ColumnLike],
        key_columns: Sequence[str],
        changed_rows: Iterable[Sequence[Any]],
        deleted_keys: Iterable[Sequence[Any]] = (),
        on_deleted: str = "remove",
    ) -> WriteResult:
        """Update changed rows in place, append new ones, remove (or mark) deleted ones: one batchUpdate.

        Raises `UpsertNotPossible` (before writing anything) when the tab can't be updated row by row;
        the caller then rewrites it with `replace`.
        """
        if on_deleted not in ("remove", "mark"):
            raise ValueError("on_deleted is 'remove' or 'mark'")
        with translated_errors(self.tab.spreadsheet_id, "upsert"):
            return upsert(self.tab, columns, key_columns, changed_rows, deleted_keys, on_deleted)

    def read_rows(
        self, columns: Sequence[ColumnLike], group_key: str, groups: Sequence[str]
    ) -> dict[str, list[list[Any]]]:
        """The tab's rows of each group (by the value of `group_key`), to be written again as they are."""
        with translated_errors(self.tab.spreadsheet_id):
            return kept.read_rows(self.tab, columns, group_key, groups)

    def mark_rows(
        self, columns: Sequence[ColumnLike], group_key: str, notes: Mapping[str, str], sheet_id: int
    ) -> int:
        """Mark the rows of each group in `notes` (grey italics and the group's note); rows marked."""
        with translated_errors(self.tab.spreadsheet_id):
            return kept.mark_rows(self.tab, columns, group_key, notes, sheet_id)
