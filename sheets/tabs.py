"""The spreadsheet as the writer sees it: its tabs, their sheetIds and grid sizes (one metadata read)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import gspread
from gspread.exceptions import APIError

from sheets.errors import DestinationMissing, SheetsError, SheetsUnavailable


@dataclass(frozen=True)
class Tab:
    sheet_id: int
    title: str
    rows: int
    cols: int
    hidden: bool = False

    @property
    def cells(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class SpreadsheetLayout:
    spreadsheet_id: str
    title: str
    tabs: tuple[Tab, ...]

    def tab(self, title: str) -> Tab | None:
        """The tab with exactly this title (titles are unique in a spreadsheet)."""
        return next((t for t in self.tabs if t.title == title), None)

    def cells_except(self, *tabs: Tab | None) -> int:
        """Cells used by every grid but the given tabs."""
        skip = {t.sheet_id for t in tabs if t is not None}
        return sum(t.cells for t in self.tabs if t.sheet_id not in skip)

    def new_sheet_id(self) -> int:
        """A sheetId no tab uses (we choose it so one batchUpdate can add a tab and fill it)."""
        used = {t.sheet_id for t in self.tabs}
        while (candidate := random.randint(100_000_000, 2**31 - 1)) in used:
            pass
        return candidate


def read_layout(client: gspread.Client, spreadsheet_id: str) -> SpreadsheetLayout:
    """One `spreadsheets.get` (no grid data)."""
    meta = client.http_client.fetch_sheet_metadata(spreadsheet_id)
    tabs = []
    for sheet in meta.get("sheets", []):
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        tabs.append(
            Tab(
                sheet_id=int(props.get("sheetId", 0)),
                title=props.get("title", ""),
                rows=int(grid.get("rowCount", 0)),
                cols=int(grid.get("columnCount", 0)),
                hidden=bool(props.get("hidden", False)),
            )
        )
    return SpreadsheetLayout(spreadsheet_id, meta.get("properties", {}).get("title", ""), tuple(tabs))


def quoted(title: str) -> str:
    """A tab title as it appears in an A1 range."""
    return "'" + title.replace("'", "''") + "'"


@contextmanager
def translated_errors(spreadsheet_id: str, mode: str = "") -> Iterator[None]:
    """Google's errors as the writer's: a missing or unshared spreadsheet becomes DestinationMissing; Google
    failing is said for the write `mode` that was running."""
    try:
        yield
    except SheetsUnavailable as exc:
        raise exc.during(mode) from exc
    except APIError as exc:
        if exc.code in (403, 404):
            request = getattr(exc.response, "request", None)
            wrote = request is not None and request.method != "GET"  # it could be read: view-only
            raise DestinationMissing(spreadsheet_id, exc.code, read_only=exc.code == 403 and wrote) from exc
        said = str(exc.error.get("message", exc))
        if "No grid with id" in said:  # someone deleted the tab while the run was writing it
            raise SheetsError(
                "The tab was deleted while this run was writing it, so nothing was written. Run the exporter "
                "again (or wait for its next run): it creates the tab again with every row."
            ) from exc
        raise SheetsError(
            f"Google Sheets refused the request (HTTP {exc.code}: {said}). Nothing in the tab was changed by "
            "this request. Run the exporter again; if Google refuses it again, check the spreadsheet's tabs "
            "and the exporter's destination."
        ) from exc
