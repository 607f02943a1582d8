"""The hidden staging tab big writes fill chunk by chunk before one batchUpdate pastes it in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress

from sheets import batch
from sheets.batch import Request
from sheets.chunks import Chunk, marked_last
from sheets.rows import TableEncoder
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


class StagingTab:
    """A hidden tab of `tab`'s new rows: `fill` stages every chunk but the last, `swap` is the final
    batchUpdate's requests (the rest of the rows, then `before`, the paste, `after`, the tab's deletion)."""

    def __init__(
        self,
        send: Callable[[list[Request]], None],
        layout: SpreadsheetLayout,
        tab: str,
        table: TableEncoder,
        first: list[Request],
    ) -> None:
        self.send, self.table = send, table
        self.sheet_id = layout.new_sheet_id()
        self.rows = 0
        self.created = False
        title = staging_title(tab)
        self._queue = first + [batch.add_sheet(self.sheet_id, title, 1, len(table.columns), hidden=True)]

    def add(self, chunk: Chunk) -> None:
        """Queue the requests that write `chunk` under the rows already staged."""
        self._queue += batch.append_rows(self.sheet_id, self.rows + len(chunk) - max(self.rows, 1))
        self._queue += [batch.update_cells(self.sheet_id, self.rows, chunk.rows, fields=self.table.fields)]
        self.rows += len(chunk)

    def flush(self) -> None:
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
        """Stage every chunk, one batchUpdate each but the last (which rides in the swap); `check` sees
        the staged row count each chunk would reach before it is sent, `progress` the count once sent."""
        for chunk, last in marked_last(chunks):
            check(self.rows + len(chunk))
            self.add(chunk)
            if not last:
                self.flush()
                progress(self.rows)

    def paste(self, target: int, target_row: int) -> list[Request]:
        """Copy the staged values (and per-row formats) into `target` from `target_row` on."""
        cols = len(self.table.columns)
        return [batch.copy_values(self.sheet_id, self.rows, cols, target, target_row)] + batch.copy_formats(
            self.sheet_id, self.rows, self.table.per_row, target, target_row
        )

    def swap(
        self, target: int, target_row: int, before: list[Request], after: list[Request]
    ) -> list[Request]:
        """The final batchUpdate: rows still queued, `before`, the paste into `target`, `after`, and the
        staging tab's deletion, so readers of `target` see the old rows or all the new ones."""
        return self.take() + before + self.paste(target, target_row) + after + [self.delete()]

    def delete(self) -> Request:
        return batch.delete_sheet(self.sheet_id)

    def drop(self) -> None:
        """Best effort after a failed run: remove the staging tab (the next run would otherwise)."""
        if self.created:
            with suppress(Exception):  # the original error matters more
                self.send([self.delete()])
