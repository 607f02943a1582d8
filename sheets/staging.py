"""The hidden staging tab big writes fill chunk by chunk (RAW values) before one batchUpdate pastes it in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress

from sheets import batch
from sheets.batch import Request
from sheets.chunks import Chunk
from sheets.rows import RawRow, TableEncoder
from sheets.tabs import SpreadsheetLayout, Tab

PREFIX = "_sheetbooks_staging_"


def staging_title(tab: str) -> str:
    return f"{PREFIX}{tab}"[:100]


def leftovers(layout: SpreadsheetLayout, tab: str) -> list[Tab]:
    """Staging tabs of `tab` left by a crashed run (hidden, with our name)."""
    title = staging_title(tab)
    return [t for t in layout.tabs if t.title == title and t.hidden]


def cleanup_requests(layout: SpreadsheetLayout, tab: str) -> list[Request]:
    return [batch.delete_sheet(t.sheet_id) for t in leftovers(layout, tab)]


def _no_check(rows: int) -> None:
    """The default of `StagingTab.fill`'s check: every size is fine."""


WriteValues = Callable[[str, int, list[RawRow], int], None]  # (tab title, first row, RAW rows, columns)


class StagingTab:
    """A hidden tab of `tab`'s new rows: `fill` writes every chunk as RAW `values` (compact: a number is
    its digits, not a CellData object), `swap` is the final batchUpdate's requests (`before`, the paste,
    `after`, the tab's deletion). Formats are not staged: the swap formats the target by column ranges."""

    def __init__(
        self,
        send: Callable[[list[Request]], None],
        write_values: WriteValues,
        layout: SpreadsheetLayout,
        tab: str,
        table: TableEncoder,
        first: list[Request],
    ) -> None:
        self.send, self.write_values, self.table = send, write_values, table
        self.sheet_id = layout.new_sheet_id()
        self.title = staging_title(tab)
        self.rows = 0
        self.created = False
        self._last: RawRow | None = None  # the last staged row, rewritten to start the next chunk
        self._queue = first + [batch.add_sheet(self.sheet_id, self.title, 1, len(table.columns), hidden=True)]

    def add(self, chunk: Chunk) -> None:
        """Write `chunk` under the rows already staged (one `values.batchUpdate`).

        A values write grows the grid only if it starts inside it, so each chunk after the first starts
        on the previous chunk's last row (written again, unchanged)."""
        self.create()
        if not chunk.rows:
            return
        if self._last is None:
            self.write_values(self.title, 0, chunk.rows, len(self.table.columns))
        else:
            self.write_values(self.title, self.rows - 1, [self._last, *chunk.rows], len(self.table.columns))
        self._last = chunk.rows[-1]
        self.rows += len(chunk)

    def create(self) -> None:
        """Add the hidden tab (with the queued requests: a crashed run's leftover goes), once."""
        if not self.created:
            self.send(self.take())
            self.created = True

    def take(self) -> list[Request]:
        queued, self._queue = self._queue, []
        return queued

    def fill(
        self,
        chunks: Iterable[Chunk],
        progress: Callable[[int], None],
        check: Callable[[int], None] = _no_check,
    ) -> None:
        """Stage every chunk; `check` sees the staged row count each chunk would reach before it is
        sent, `progress` the count once sent."""
        for chunk in chunks:
            check(self.rows + len(chunk))
            self.add(chunk)
            progress(self.rows)

    def paste(self, target: int, target_row: int) -> list[Request]:
        """Copy the staged values into `target` from `target_row` on."""
        cols = len(self.table.columns)
        return [batch.copy_values(self.sheet_id, self.rows, cols, target, target_row)]

    def swap(
        self, target: int, target_row: int, before: list[Request], after: list[Request]
    ) -> list[Request]:
        """The final batchUpdate: `before`, the paste into `target`, `after` (formats, header), and the
        staging tab's deletion, so readers of `target` see the old rows or all the new ones."""
        return self.take() + before + self.paste(target, target_row) + after + [self.delete()]

    def delete(self) -> Request:
        return batch.delete_sheet(self.sheet_id)

    def drop(self) -> None:
        """Best effort after a failed run: remove the staging tab (the next run would otherwise)."""
        if self.created:
            with suppress(Exception):  # the original error matters more
                self.send([self.delete()])
